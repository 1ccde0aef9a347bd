"""Invoices: gapless numbering per year, VAT, due dates, payment status."""
