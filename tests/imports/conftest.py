"""A WHMCS 8 database in the real MariaDB at 127.0.0.1:3306 (root, no password), built once per
test module from whmcs8-schema.sql and the rows in whmcs_rows.py, and dropped afterwards."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import skip_or_fail

MARIADB = {"host": "127.0.0.1", "port": 3306, "user": "root", "password": ""}


@pytest.fixture(scope="module")
def whmcs_url():
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
        yield f"mysql://root@127.0.0.1:3306/{name}"
    finally:
        database_drop(connection, name)
        connection.close()
