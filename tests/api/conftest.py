"""API tests use the ApiClient and token fixtures of tests/conftest.py."""

from tests.support.api import ApiClient, token_for

__all__ = ["ApiClient", "token_for"]
