"""The staff page of the last WHMCS import: counts, warnings and the skipped rows, staff only."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hostwerk.imports.models import ImportRun


def _run(skipped: int, *, started: datetime.datetime) -> ImportRun:
    return ImportRun.objects.create(
        database="mysql://root@127.0.0.1:3306/whmcs",
        started_at=started,
        finished_at=started,
        started_by="system (command)",
        report={
            "clients": 12,
            "created": {"clients": 3},
            "warnings": [
                "TLD .xyz did not exist: created, not for sale, without registrar or prices"
            ],
            "skipped": [
                {"table": "tblinvoices", "id": number, "reason": f"reason {number}"}
                for number in range(1, skipped + 1)
            ],
        },
    )


@pytest.mark.django_db
def test_staff_see_the_last_import_and_its_skipped_rows(staff_web, django_assert_max_num_queries):
    now = timezone.now()
    _run(1, started=now - datetime.timedelta(days=1))
    _run(250, started=now)
    with django_assert_max_num_queries(6):
        response = staff_web.get(reverse("staff:whmcs_import"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "250 rows skipped" in page
    assert "reason 200</td>" in page and "reason 201</td>" not in page
    assert "TLD .xyz did not exist" in page
    assert "mysql://root@127.0.0.1:3306/whmcs" in page
    second = staff_web.get(reverse("staff:whmcs_import"), {"page": 2}).content.decode()
    assert "reason 201</td>" in second and "reason 250</td>" in second


@pytest.mark.django_db
def test_the_page_says_when_no_import_ran(staff_web):
    response = staff_web.get(reverse("staff:whmcs_import"))
    assert "No import has run yet." in response.content.decode()


@pytest.mark.django_db
def test_clients_cannot_see_the_import(client_a_web):
    assert client_a_web.get(reverse("staff:whmcs_import")).status_code == 403
