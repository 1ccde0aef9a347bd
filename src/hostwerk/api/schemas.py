"""Request and response schemas of API v1 that several routers share."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    detail: str
