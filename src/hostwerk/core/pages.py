"""Paging for list pages of the staff and client areas (both use this one helper).

Counting all rows of a list of a few hundred thousand invoices or services costs more than
showing a page of them, so the count stops at COUNT_CAP rows (or just past the page asked for,
whichever is more): `paginator.count_capped` says the list has more, and the page shows
"1 to 25 of more than 10000" without a link to the last page.
"""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25
COUNT_CAP = 10_000
COUNT_LIMIT = 1_000_000  # a deeper page number asked for counts no further than this


def rows_between(rows, bottom: int, top: int):
    """rows[bottom:top]; past the start by their keys first (a "deferred join"), so the rows
    skipped over are not joined to their related rows or counted in subqueries."""
    if bottom and isinstance(rows, QuerySet) and not rows.query.combinator:
        return rows.filter(pk__in=rows.values("pk")[bottom:top])
    return rows[bottom:top]


class CappedPaginator(Paginator):
    """A paginator whose count reads at most `cap` rows (a LIMITed count, not a COUNT(*))."""

    def __init__(self, object_list, per_page: int, *, cap: int = COUNT_CAP) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return len(self.object_list)
        # Without the list's order: which rows fall under the cap does not change how many,
        # and an ORDER BY kept in the capped subquery made PostgreSQL walk the list-order index
        # through every match (a two-letter client search: 40 ms for the count, 9 without).
        return self.object_list.order_by()[: self.cap].count()

    def page(self, number) -> Page:
        """A page; past the first one its rows are picked by their keys first (`rows_between`)."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return Page(rows_between(self.object_list, bottom, top), number, self)

    @cached_property
    def count_capped(self) -> bool:
        """Whether the list holds more rows than were counted."""
        return isinstance(self.object_list, QuerySet) and self.count >= self.cap


def _requested_page(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except (TypeError, ValueError):
        return 1


def paginate(request: HttpRequest, queryset: QuerySet, *, per_page: int = PAGE_SIZE) -> Page:
    # Count far enough to reach the page asked for and to know whether a next page exists.
    cap = min(max(COUNT_CAP, _requested_page(request) * per_page + 1), COUNT_LIMIT)
    return CappedPaginator(queryset, per_page, cap=cap).get_page(request.GET.get("page"))
