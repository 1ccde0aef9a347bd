"""Conditions of the list filters ("part of a name or address") in the form an index serves.

`contains` is `icontains` on `lower(column)`: the expression the trigram indexes of
core/search_indexes.py hold on PostgreSQL, so `LIKE '%part%'` is a bitmap index scan instead of
reading the whole table. SQLite has no such index and reads the table, as it did with `icontains`
(its `LIKE` ignores the case of ASCII letters either way).

A text of one or two characters holds no trigram, so `%de%` would make the index return every
row to be checked; such a short text matches the start of the value instead (`de%`), which the
same index answers at once ("de" finds "Dekker", not "van der Berg"; "12" finds client numbers
starting with 12).

`any_of` is for a filter over a row's own columns *and* its client's: one `OR` across a join
cannot be answered from the indexes of both tables, so PostgreSQL joins and filters every row.
Selecting the keys of each part on its own and taking their union lets each part use its index.
"""

from __future__ import annotations

from django.db.models import ExpressionWrapper, F, IntegerField, Model, OrderBy, Q, QuerySet
from django.db.models.functions import Lower
from django.db.models.lookups import Contains, StartsWith

SHORTEST_PART = 3  # the length of a trigram: shorter texts match the start of the value


def contains(field: str, text: str) -> Q:
    """`field` (a path, joins allowed) holds `text`, ignoring case; a text shorter than
    SHORTEST_PART is what the value starts with."""
    lookup = Contains if len(text) >= SHORTEST_PART else StartsWith
    return Q(lookup(Lower(field), text.lower()))


def searched_newest_first(text: str, *fields: str) -> list[OrderBy]:
    """Descending by the integer `fields`, for a list filtered by `contains(…, text)`.

    A text of SHORTEST_PART characters or more, matched anywhere, sorts in a form no index holds
    (`field + 0`): otherwise PostgreSQL may walk the whole list-order index hoping to meet the
    few matches early (a first page of a search read 100,000 rows that way), instead of finding
    them by the trigram indexes and sorting them. A shorter text matches the start of a value,
    often of many rows ("ja": every Jan), which the list-order index meets at once, whereas
    sorting them all cost 20 ms at 100k clients."""
    if len(text) < SHORTEST_PART:
        return [F(field).desc() for field in fields]
    return [ExpressionWrapper(F(field) + 0, output_field=IntegerField()).desc() for field in fields]


def any_of(model: type[Model], *conditions: Q) -> Q:
    """Rows of `model` meeting one of `conditions`: `pk IN (keys of the first UNION …)`."""
    keys: list[QuerySet] = [
        model._default_manager.filter(condition).order_by().values("pk") for condition in conditions
    ]
    return Q(pk__in=keys[0].union(*keys[1:]) if len(keys) > 1 else keys[0])
