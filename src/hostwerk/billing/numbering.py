"""Gapless invoice numbers per year ("2026-00001") and credit-note numbers ("C2026-000001"), safe with several web and worker processes.

The counter row of the year is locked and incremented in the transaction that creates the
invoice: a second transaction waits for the first to commit, and a rolled-back invoice gives its
number back. Tax rules require invoice numbers without gaps, so a database sequence (which never
gives numbers back) cannot be used.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from hostwerk.billing.models import CreditNoteCounter, InvoiceCounter, InvoiceKind

_COUNTERS: dict[str, type[InvoiceCounter] | type[CreditNoteCounter]] = {
    InvoiceKind.INVOICE: InvoiceCounter,
    InvoiceKind.CREDIT_NOTE: CreditNoteCounter,
}


def invoice_number_format(*, year: int, sequence: int, kind: str = InvoiceKind.INVOICE) -> str:
    if kind == InvoiceKind.CREDIT_NOTE:
        return f"C{year}-{sequence:06d}"
    return f"{year}-{sequence:05d}"


def invoice_numbers_take(
    *, year: int, count: int, kind: str = InvoiceKind.INVOICE
) -> list[tuple[int, str]]:
    """Take the next `count` numbers of `year` in `kind`'s series, inside the documents'
    transaction: a billing run numbers a batch of invoices with one locked update."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invoice numbers must be taken inside the invoice's transaction")
    model = _COUNTERS[InvoiceKind(kind)]
    # The row lock is held until the invoice's transaction ends (on SQLite the IMMEDIATE
    # transaction already holds the database's write lock).
    counter = model.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            # The first invoice of a year: two transactions may both find no row and insert.
            # The second insert waits for the first transaction and then fails on the primary
            # key; the savepoint keeps our transaction usable, and the locked read below waits
            # its turn on the row the first transaction created.
            with transaction.atomic():
                counter = model.objects.create(year=year, last_number=0)
        except IntegrityError:
            counter = model.objects.select_for_update().get(year=year)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return [
        (sequence, invoice_number_format(year=year, sequence=sequence, kind=kind))
        for sequence in range(first, counter.last_number + 1)
    ]


def invoice_number_take(*, year: int, kind: str = InvoiceKind.INVOICE) -> tuple[int, str]:
    """Take the next number of `year`; call inside the transaction that creates the invoice."""
    return invoice_numbers_take(year=year, count=1, kind=kind)[0]
