"""A WHMCS 8 database in a real MariaDB for the import's tests and benchmark: the WHMCS 8 table
structure (whmcs8-schema.sql, structure only) and rows inserted the way WHMCS writes them.

Rows are inserted with an empty SQL mode, as WHMCS runs: a column left out gets its implicit
default ('' for text, 0, the zero date), which is what real WHMCS rows look like.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pymysql

SCHEMA = Path(__file__).with_name("whmcs8-schema.sql")


def server_connect(
    *, host: str = "127.0.0.1", port: int = 3306, user: str = "root", password: str = ""
) -> pymysql.connections.Connection:
    return pymysql.connect(
        host=host,
        port=port,
        user=user,
        password=password,
        charset="utf8mb4",
        autocommit=True,
        connect_timeout=3,
    )


def database_create(connection: pymysql.connections.Connection, name: str) -> None:
    """A new database `name` holding the empty WHMCS 8 tables; the connection then uses it."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        cursor.execute(f"USE `{name}`")
        for statement in SCHEMA.read_text(encoding="utf-8").split(";\n"):
            lines = [line for line in statement.splitlines() if not line.startswith("--")]
            if "".join(lines).strip():
                cursor.execute("\n".join(lines))
        cursor.execute("SET SESSION sql_mode = ''")


def database_drop(connection: pymysql.connections.Connection, name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")


def rows_insert(
    connection: pymysql.connections.Connection, table: str, rows: Iterable[dict[str, Any]]
) -> None:
    """Insert rows into `table`, 1,000 per statement; columns a row leaves out get their
    implicit default."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    with connection.cursor() as cursor:
        for columns, group in groups.items():
            sql = (
                f"INSERT INTO `{table}` ({', '.join(f'`{column}`' for column in columns)}) "  # noqa: S608
                f"VALUES ({', '.join(['%s'] * len(columns))})"
            )
            for start in range(0, len(group), 1000):
                cursor.executemany(
                    sql,
                    [[row[column] for column in columns] for row in group[start : start + 1000]],
                )
