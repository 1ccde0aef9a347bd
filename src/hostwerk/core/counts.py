"""Counting related rows per listed row without grouping the whole table.

`annotate(n=Count("items"))` joins and groups every row of the list before the page is cut out of
it, which costs the whole table on every page. `related_count` counts in a correlated subquery
instead, so only the rows on the page are counted (through the index on the foreign key).
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def related_count(related: QuerySet, *, to: str) -> Coalesce:
    """The number of rows of `related` whose foreign key `to` points at the outer row."""
    counted = (
        related.filter(**{to: OuterRef("pk")})
        .order_by()
        .values(to)
        # COUNT(*), not COUNT(id): an index on the foreign key (and the filtered columns) then
        # answers it alone on PostgreSQL, without reading each counted row for its id.
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
