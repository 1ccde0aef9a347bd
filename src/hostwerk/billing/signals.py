"""Billing's signals, for the apps above it (orders accepts a paid order automatically).

`invoice_paid` is sent inside the transaction that marks an invoice paid, once per invoice;
receivers enqueue their work in that transaction, so it happens if and only if the payment lands.
"""

from django.dispatch import Signal

invoice_paid = Signal()  # sender=Invoice, invoice=..., actor=...
