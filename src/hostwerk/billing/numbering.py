"""Gapless invoice numbers per year ("2026-00001"), safe with several web and worker processes.

The counter row of the year is locked and incremented in the transaction that creates the
invoice: a second transaction waits for the first to commit, and a rolled-back invoice gives its
number back. Tax rules require invoice numbers without gaps, so a database sequence (which never
gives numbers back) cannot be used.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from hostwerk.billing.models import InvoiceCounter


def invoice_number_format(*, year: int, sequence: int) -> str:
    return f"{year}-{sequence:05d}"


def invoice_number_take(*, year: int) -> tuple[int, str]:
    """Take the next number of `year`; call inside the transaction that creates the invoice."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invoice_number_take must run inside the invoice's transaction")
    # The row lock is held until the invoice's transaction ends (on SQLite the IMMEDIATE
    # transaction already holds the database's write lock).
    counter = InvoiceCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            # The first invoice of a year: two transactions may both find no row and insert.
            # The second insert waits for the first transaction and then fails on the primary
            # key; the savepoint keeps our transaction usable, and the locked read below waits
            # its turn on the row the first transaction created.
            with transaction.atomic():
                counter = InvoiceCounter.objects.create(year=year, last_number=0)
        except IntegrityError:
            counter = InvoiceCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, invoice_number_format(year=year, sequence=counter.last_number)
