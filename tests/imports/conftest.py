"""A WHMCS 8 database in the real MariaDB at 127.0.0.1:3306 (root, no password), built from
whmcs8-schema.sql and the rows in whmcs_rows.py under a unique name, and dropped afterwards.
`.ci/run` starts MariaDB when it is not running."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass

import pytest

from tests.conftest import skip_or_fail

MARIADB = {"host": "127.0.0.1", "port": 3306, "user": "root", "password": ""}


@dataclass
class WhmcsDatabase:
    url: str
    connection: object  # a PyMySQL connection using the database, to change rows in a test

    def execute(self, sql: str, params=()) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)


@contextlib.contextmanager
def _whmcs_database():
    import pymysql

    from hostwerk.sandbox.whmcs_database import database_create, database_drop, server_connect
    from tests.imports.whmcs_rows import whmcs_rows_insert

    try:
        connection = server_connect(**MARIADB)
    except pymysql.MySQLError as error:
        skip_or_fail(f"MariaDB is not reachable at 127.0.0.1:3306 ({error})")
    name = f"hw_whmcs_test_{uuid.uuid4().hex[:10]}"
    database_create(connection, name)
    try:
        whmcs_rows_insert(connection)
        yield WhmcsDatabase(url=f"mysql://root@127.0.0.1:3306/{name}", connection=connection)
    finally:
        database_drop(connection, name)
        connection.close()


@pytest.fixture(scope="module")
def whmcs_url():
    """The test WHMCS database, shared by a module's tests: they only read it."""
    with _whmcs_database() as database:
        yield database.url


@pytest.fixture
def whmcs_database():
    """A WHMCS database of the test's own, which it may change."""
    with _whmcs_database() as database:
        yield database
