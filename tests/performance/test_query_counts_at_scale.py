"""Every page of the bench (bench/page_list.py) needs as many queries over a few thousand rows
as over a handful, so that an N+1 or a missing select_related fails the suite (house style 10
at scale); and exactly the number this module expects, so that a change in a count is an edit."""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from hostwerk.core import clock

# The scripts of bench/ import each other by module name, as they do when run.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import dataset
import page_list

# Sizes in clients: about 125 rows, and about 4,600. The data set repeats its pattern every 60
# clients (an order every 2nd client, a company every 3rd, an open invoice every 10th, ...) and the
# pages show the client in the middle (clients // 2: 2 and 62), so that client has an order, a
# mailbox and two invoices at both sizes. The first client's extra services and the first zone's
# extra records: 5 in the small set, so that every list there is shorter than a page (25 rows) and
# full in the large one, which has the bench's 500.
SMALL = 4
SMALL_EXTRAS = {"heavy_services": 5, "heavy_records": 5}
LARGE = 124
# Pages with no rows at either size guard only their fixed queries: the data set has no expiring
# domains, zone changes or mail filters, the middle client no zone, and the API pages 1000 are
# past the end.

# Queries per page: the session and the user of every request, then the page's own.
EXPECTED_QUERIES: dict[str, int] = {
    "staff dashboard": 15,
    "staff clients": 4,
    "staff clients page 1000": 4,
    "staff clients search name": 4,
    "staff clients search number": 4,
    "staff clients search email": 4,
    "staff clients search 2 characters": 4,
    "staff client detail": 12,
    "staff client detail heavy": 12,
    "staff orders": 4,
    "staff orders page 1000": 4,
    "staff orders pending": 4,
    "staff orders of client": 4,
    "staff order detail": 6,
    "staff services": 4,
    "staff services page 1000": 4,
    "staff services suspended": 4,
    "staff services search": 4,
    "staff service detail": 8,
    "staff domains": 4,
    "staff domains page 1000": 4,
    "staff domains expired": 4,
    "staff domains expiring": 3,
    "staff domains search": 4,
    "staff domain detail": 8,
    "staff invoices": 4,
    "staff invoices page 1000": 4,
    "staff invoices unpaid": 4,
    "staff invoices search": 4,
    "staff invoices of client": 5,
    "staff invoice detail": 7,
    "staff billing runs": 3,
    "staff billing runs preview": 22,
    "staff zones": 4,
    "staff zones page 1000": 4,
    "staff zones search": 5,
    "staff zone detail": 7,  # and the count of its records, for the page links
    "staff zone detail 500 records": 7,
    "staff zone 500 records page 5": 7,
    "staff zone 500 records filter": 8,  # and the zone's total beside the matches
    "staff zone history": 4,
    "staff mail filters": 6,
    "staff mailboxes": 7,
    "staff mailboxes page 1000": 7,
    "staff mailboxes search": 7,
    "staff mailbox detail": 7,
    "staff servers": 5,
    "client dashboard": 8,
    "client services": 5,
    "client service detail": 5,
    "client invoices": 5,
    "client invoice detail": 5,
    "client orders": 5,
    "client domains": 5,
    "client domain detail": 5,
    "client zones": 4,
    "client mailboxes": 7,
    "heavy client dashboard": 8,
    "heavy client services": 5,
    "heavy client services page 10": 5,
    "heavy client zone 500 records": 6,
    "api clients": 3,
    "api clients page 1000": 3,
    "api clients search": 3,
    "api client": 2,
    "api invoices": 3,
    "api invoices page 1000": 3,
    "api orders": 3,
    "api services": 3,
    "api services suspended": 3,
    "api domains": 3,
    "api zones": 3,
    "api zone": 3,
    "api mailboxes": 3,
    "api mail filters": 3,
    "api servers": 3,
    "api products": 4,
    "api tlds": 4,
    "api client users": 4,
    "api invoice payments": 4,
}


@dataclass(frozen=True)
class Measured:
    url: str
    status: int
    queries: list[str]  # the SQL of each query of the page, warm


def _measure_pages(clients: int, **extras: int) -> dict[str, Measured]:
    """Each page of page_list, fetched once to warm up and once counting, over the bench data set
    of `clients` clients on the day it describes; the data set is rolled back afterwards."""
    measured = {}
    with transaction.atomic(), clock.frozen_at(dataset.DAY):
        dataset.build(clients, **extras)
        logged_in = page_list.logins(clients)
        for name, who, url in page_list.pages(clients):
            web, headers = logged_in[who]
            web.get(url, headers=headers)  # the session, templates and caches warm
            with CaptureQueriesContext(connection) as queries:
                response = web.get(url, headers=headers)
            sql = [query["sql"] for query in queries.captured_queries]
            measured[name] = Measured(url=url, status=response.status_code, queries=sql)
        transaction.set_rollback(True)
    return measured


def _repeated(statements: list[str]) -> str:
    """The statements run more than once (numbers aside), most often first: an N+1's signature."""
    shapes = Counter(
        re.sub(r"\d+", "N", re.sub(r"^SELECT .*? FROM ", "SELECT ... FROM ", sql, flags=re.S))[:160]
        for sql in statements
    )
    return "".join(f"\n    {times} x {shape}" for shape, times in shapes.most_common() if times > 1)


def _problems(small: dict[str, Measured], large: dict[str, Measured]) -> list[str]:
    problems = []
    for name, at_small in small.items():
        at_large = large[name]
        counts = (
            f"{len(at_small.queries)} queries at {SMALL} clients ({at_small.url}), "
            f"{len(at_large.queries)} at {LARGE} clients ({at_large.url}), "
            f"expected {EXPECTED_QUERIES.get(name)}"
        )
        if at_small.status != 200 or at_large.status != 200:
            problems.append(f"{name}: status {at_small.status} and {at_large.status}, not 200")
        elif len(at_small.queries) != len(at_large.queries):
            problems.append(f"{name} grows with the rows: {counts}{_repeated(at_large.queries)}")
        elif len(at_large.queries) != EXPECTED_QUERIES.get(name):
            problems.append(f"{name}: {counts}; if that is right, make it the expected count")
    return problems


@pytest.mark.django_db
def test_every_page_needs_as_many_queries_over_thousands_of_rows_as_over_a_handful():
    small = _measure_pages(SMALL, **SMALL_EXTRAS)
    large = _measure_pages(LARGE)
    assert set(small) == set(large) == set(EXPECTED_QUERIES), "one page list, one table"
    problems = _problems(small, large)
    assert not problems, "\n".join(problems)
