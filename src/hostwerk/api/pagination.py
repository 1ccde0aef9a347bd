"""Page-number paging for API lists, with bounded numbers: a page far beyond any list is a 422
naming the parameter, not an offset the database cannot hold."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# No list gets anywhere near this many pages; larger numbers would overflow a database offset.
MAX_PAGE = 1_000_000


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=1000)
