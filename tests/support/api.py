"""An API test client that sends a bearer token and JSON."""

from __future__ import annotations

from django.test import Client as WebClient

from hostwerk.accounts.tokens import api_token_create
from hostwerk.core.audit import Actor


class ApiClient:
    def __init__(self, token: str | None):
        self.web = WebClient()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, params=None):
        return self.web.get(f"/api/v1{path}", params or {}, headers=self.headers)

    def post(self, path, body=None):
        return self.web.post(
            f"/api/v1{path}", body or {}, content_type="application/json", headers=self.headers
        )

    def patch(self, path, body=None):
        return self.web.patch(
            f"/api/v1{path}", body or {}, content_type="application/json", headers=self.headers
        )

    def delete(self, path):
        return self.web.delete(f"/api/v1{path}", headers=self.headers)

    def request(self, method, path, body=None):
        if method == "GET":
            return self.get(path)
        if method == "DELETE":
            return self.delete(path)
        return getattr(self, method.lower())(path, body)


def token_for(user) -> str:
    return api_token_create(actor=Actor.system(via="command"), user=user, name="test")[1]
