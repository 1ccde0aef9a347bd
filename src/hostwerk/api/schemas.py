"""Request and response schemas of API v1 that several routers share, and its paging."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.db import models
from ninja import Field, Path, Query, Schema
from ninja.pagination import PageNumberPagination

from hostwerk.core.pages import rows_between


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, for a person to read.")


ITEMS_DESCRIPTION = "The items on this page."
# No list gets anywhere near this many pages; larger numbers would overflow a database offset.
MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 1000


class Pages(PageNumberPagination):
    """Page-number paging with every parameter and field described in the OpenAPI schema.

    `count` stays exact (a COUNT(*) of the whole list, which PostgreSQL answers from the
    smallest index of a vacuumed table); a deep page picks its keys first, as the staff lists
    do (`core.pages.rows_between`)."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        return {
            self.items_attribute: rows_between(queryset, offset, offset + page_size),
            "count": self._items_count(queryset),
        }

    class Input(Schema):
        # Bounded: a page far beyond any list is a 422 naming the parameter, not an offset the
        # database cannot hold.
        page: int = Field(1, ge=1, le=MAX_PAGE, description="The page to return, counting from 1.")
        page_size: int | None = Field(
            None,
            ge=1,
            le=MAX_PAGE_SIZE,
            description="Items per page; default and maximum depend on the list.",
        )

    class Output(Schema):
        items: list[Any] = Field(description=ITEMS_DESCRIPTION)
        count: int = Field(description="How many items the whole list has, over all pages.")

        @classmethod
        def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
            # ninja subclasses this per list with `items` re-annotated, which drops the field's
            # description; give it back.
            super().__pydantic_init_subclass__(**kwargs)
            if cls.model_fields["items"].description is None:
                cls.model_fields["items"].description = ITEMS_DESCRIPTION
                cls.model_rebuild(force=True)


# Path parameters, described once.
ClientId = Annotated[int, Path(description="The client's id.")]
InvoiceId = Annotated[int, Path(description="The invoice's (or credit note's) id.")]
OrderId = Annotated[int, Path(description="The order's id.")]
ServiceId = Annotated[int, Path(description="The service's id.")]
DomainId = Annotated[int, Path(description="The domain's id.")]
UserId = Annotated[int, Path(description="The login's id.")]
MailboxId = Annotated[int, Path(description="The mailbox's id.")]
RecordId = Annotated[int, Path(description="The record's id.")]
ZoneName = Annotated[str, Path(description="The zone's domain name, e.g. example.nl.")]
MailDomain = Annotated[str, Path(description="The filtered domain name, e.g. example.nl.")]
SearchQuery = Annotated[str, Query(description="Search text; empty: everything.")]


def blank_or(choices: type[models.TextChoices]) -> Any:
    """The values of `choices` or "" (not given), as one enumeration: a wrong value gets a
    single 422 naming the field and listing the values."""
    return Literal[(*choices.values, "")]
