"""PostgreSQL only: trigram indexes behind the staff invoice list filter (part of the number, or of
the client's name, company or e-mail address on the invoice). Other databases get nothing (see
core/search_indexes.py)."""

from django.db import migrations

from hostwerk.core.search_indexes import TrigramSearchIndex


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0008_invoice_list_order_index"),
    ]

    operations = [
        TrigramSearchIndex(model_name="invoice", name="invoice_number_trigram", column="number"),
        TrigramSearchIndex(
            model_name="invoice", name="invoice_client_name_trigram", column="client_name"
        ),
        TrigramSearchIndex(
            model_name="invoice", name="invoice_client_company_trigram", column="client_company"
        ),
        TrigramSearchIndex(
            model_name="invoice", name="invoice_client_email_trigram", column="client_email"
        ),
    ]
