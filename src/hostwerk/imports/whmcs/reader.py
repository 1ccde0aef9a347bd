"""Reads a WHMCS 8 database over a MariaDB/MySQL connection (PyMySQL), in id-ordered batches.

The whole import reads one consistent snapshot in a read-only transaction: WHMCS may keep
running while a rehearsal import reads it, and nothing here can write to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import pymysql
import pymysql.cursors

Row = dict[str, Any]


class SourceUnreachable(Exception):
    """The WHMCS database cannot be opened (address, login, database name)."""


class NotWhmcs(Exception):
    """The database lacks the tables of a WHMCS 8 installation."""


REQUIRED_TABLES = (
    "tblclients",
    "tblusers",
    "tblusers_clients",
    "tblproducts",
    "tblpricing",
    "tblhosting",
    "tbldomains",
    "tblinvoices",
    "tblinvoiceitems",
    "tblaccounts",
)


@dataclass(frozen=True)
class DatabaseAddress:
    host: str
    port: int
    user: str
    password: str
    database: str

    @property
    def display(self) -> str:
        """The address without its password, for reports and logs."""
        return f"mysql://{self.user}@{self.host}:{self.port}/{self.database}"


def database_address(url: str) -> DatabaseAddress:
    """Parse mysql://USER:PASS@HOST:PORT/DB (also mariadb://)."""
    parts = urlsplit(url)
    if parts.scheme not in ("mysql", "mariadb") or not parts.path.strip("/"):
        raise ValueError("use mysql://USER:PASSWORD@HOST:PORT/DATABASE")
    return DatabaseAddress(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 3306,
        user=unquote(parts.username or "root"),
        password=unquote(parts.password or ""),
        database=unquote(parts.path.strip("/")),
    )


class WhmcsReader:
    """A read-only connection to one WHMCS database; use as a context manager."""

    def __init__(self, address: DatabaseAddress, *, batch_size: int = 2000) -> None:
        self.address = address
        self.batch_size = batch_size
        self._connection: pymysql.connections.Connection | None = None
        self.tables: set[str] = set()

    def __enter__(self) -> WhmcsReader:
        try:
            self._connection = pymysql.connect(
                host=self.address.host,
                port=self.address.port,
                user=self.address.user,
                password=self.address.password,
                database=self.address.database,
                charset="utf8mb4",
                cursorclass=pymysql.cursors.DictCursor,
                connect_timeout=10,
                read_timeout=600,
                autocommit=True,
            )
        except pymysql.MySQLError as error:
            raise SourceUnreachable(f"{self.address.display}: {error}") from None
        with self._connection.cursor() as cursor:
            cursor.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
            cursor.execute("SHOW TABLES")
            self.tables = {next(iter(row.values())) for row in cursor.fetchall()}
        missing = [table for table in REQUIRED_TABLES if table not in self.tables]
        if missing:
            self.close()
            raise NotWhmcs(
                f"{self.address.display} is not a WHMCS 8 database: no {', '.join(missing)}"
            )
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.rollback()
            finally:
                self._connection.close()
                self._connection = None

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        assert self._connection is not None, "use the reader as a context manager"
        with self._connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def has_table(self, table: str) -> bool:
        return table in self.tables

    def batches(self, table: str, columns: str = "*", *, where: str = "") -> Iterator[list[Row]]:
        """All rows of `table` in id order, `batch_size` at a time (keyset paging on id)."""
        if not self.has_table(table):
            return
        last_id = -1
        condition = f" AND ({where})" if where else ""
        while True:
            rows = self.query(
                f"SELECT {columns} FROM `{table}` WHERE id > %s{condition} ORDER BY id LIMIT %s",  # noqa: S608
                (last_id, self.batch_size),
            )
            if not rows:
                return
            yield rows
            last_id = rows[-1]["id"]

    def rows_for(
        self, table: str, column: str, values: Iterable[Any], columns: str = "*"
    ) -> list[Row]:
        """Rows of `table` whose `column` is one of `values`, in id order."""
        values = list(values)
        if not values or not self.has_table(table):
            return []
        found: list[Row] = []
        for start in range(0, len(values), 5000):
            chunk = values[start : start + 5000]
            placeholders = ", ".join(["%s"] * len(chunk))
            found += self.query(
                f"SELECT {columns} FROM `{table}` WHERE `{column}` IN ({placeholders}) ORDER BY id",  # noqa: S608
                chunk,
            )
        return found

    def count(self, table: str) -> int:
        if not self.has_table(table):
            return 0
        return int(self.query(f"SELECT COUNT(*) AS n FROM `{table}`")[0]["n"])  # noqa: S608

    def configuration(self) -> dict[str, str]:
        if not self.has_table("tblconfiguration"):
            return {}
        return {
            row["setting"]: row["value"]
            for row in self.query("SELECT setting, value FROM tblconfiguration")
        }
