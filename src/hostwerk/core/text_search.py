"""Conditions of the list filters ("part of a name or address") in the form an index serves.

`contains` is `icontains` on `lower(column)`: the expression the trigram indexes of
core/search_indexes.py hold on PostgreSQL, so `LIKE '%part%'` is a bitmap index scan instead of
reading the whole table. SQLite has no such index and reads the table, as it did with `icontains`
(its `LIKE` ignores the case of ASCII letters either way).

`any_of` is for a filter over a row's own columns *and* its client's: one `OR` across a join
cannot be answered from the indexes of both tables, so PostgreSQL joins and filters every row.
Selecting the keys of each part on its own and taking their union lets each part use its index.
"""

from __future__ import annotations

from django.db.models import ExpressionWrapper, F, IntegerField, Model, OrderBy, Q, QuerySet
from django.db.models.functions import Lower
from django.db.models.lookups import Contains


def contains(field: str, text: str) -> Q:
    """`field` (a path, joins allowed) holds `text`, ignoring case."""
    return Q(Contains(Lower(field), text.lower()))


def newest_first_unindexed(*fields: str) -> list[OrderBy]:
    """Descending by the integer `fields`, in a form no index holds (`field + 0`).

    For a filtered list: otherwise PostgreSQL may walk the whole list-order index hoping to meet
    the few matches early (a first page of a search read 100,000 rows that way), instead of
    finding them by the trigram indexes and sorting them."""
    return [ExpressionWrapper(F(field) + 0, output_field=IntegerField()).desc() for field in fields]


def any_of(model: type[Model], *conditions: Q) -> Q:
    """Rows of `model` meeting one of `conditions`: `pk IN (keys of the first UNION …)`."""
    keys: list[QuerySet] = [
        model._default_manager.filter(condition).order_by().values("pk") for condition in conditions
    ]
    return Q(pk__in=keys[0].union(*keys[1:]) if len(keys) > 1 else keys[0])
