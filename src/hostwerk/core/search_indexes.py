"""Migration operations for the indexes behind staff search, whose SQL differs per database.

A prefix search on PostgreSQL needs a `text_pattern_ops` index (a plain btree serves `LIKE 'x%'`
only under the C collation); SQLite uses a plain expression index with a range condition. The
trigram index exists on PostgreSQL only. These indexes live in migrations, not in model Meta,
because Django's model indexes cannot say "this operator class here, none there".
"""

from __future__ import annotations

from django.db.migrations.operations.base import Operation


def _quote(schema_editor, name: str) -> str:
    return schema_editor.quote_name(name)


class PrefixSearchIndex(Operation):
    """An index for `lower(column) LIKE 'prefix%'` (PostgreSQL) or a range on `lower(column)`
    (SQLite). Columns kept in lower case (domain names, addresses) need none: Django's own
    index of a unique or db_index column serves them on both databases."""

    reversible = True

    def __init__(self, *, model_name: str, name: str, column: str) -> None:
        self.model_name = model_name
        self.name = name
        self.column = column

    def deconstruct(self):
        return (
            self.__class__.__qualname__,
            [],
            {"model_name": self.model_name, "name": self.name, "column": self.column},
        )

    def state_forwards(self, app_label, state):
        pass  # the model state does not know these indexes; makemigrations leaves them alone

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        table = _quote(schema_editor, model._meta.db_table)
        column = _quote(schema_editor, self.column)
        if schema_editor.connection.vendor == "postgresql":
            indexed = f"(lower({column})) text_pattern_ops"
        else:
            indexed = f"lower({column})"
        schema_editor.execute(
            f"CREATE INDEX {_quote(schema_editor, self.name)} ON {table} ({indexed})"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        schema_editor.execute(f"DROP INDEX IF EXISTS {_quote(schema_editor, self.name)}")

    def describe(self):
        return f"Prefix search index {self.name} on {self.model_name}.{self.column}"

    @property
    def migration_name_fragment(self):
        return self.name


class TrigramSearchIndex(Operation):
    """PostgreSQL only: a GIN trigram index on lower(column) for `LIKE '%part%'`; it creates the
    pg_trgm extension if needed. On other databases it does nothing."""

    reversible = True

    def __init__(self, *, model_name: str, name: str, column: str) -> None:
        self.model_name = model_name
        self.name = name
        self.column = column

    def deconstruct(self):
        return (
            self.__class__.__qualname__,
            [],
            {"model_name": self.model_name, "name": self.name, "column": self.column},
        )

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        table = _quote(schema_editor, model._meta.db_table)
        column = _quote(schema_editor, self.column)
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX {_quote(schema_editor, self.name)} ON {table} "
            f"USING gin (lower({column}) gin_trgm_ops)"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"DROP INDEX IF EXISTS {_quote(schema_editor, self.name)}")

    def describe(self):
        return f"Trigram search index {self.name} on {self.model_name}.{self.column}"

    @property
    def migration_name_fragment(self):
        return self.name
