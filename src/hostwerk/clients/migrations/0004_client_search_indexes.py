"""Indexes for the staff search: name, company, e-mail and phone by prefix; on PostgreSQL also
trigram indexes so that part of a company or last name ("vries" in "de Vries") is found."""

from django.db import migrations

from hostwerk.core.search_indexes import PrefixSearchIndex, TrigramSearchIndex


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0003_client_payment_method"),
    ]

    operations = [
        PrefixSearchIndex(model_name="client", name="client_first_name_prefix", column="first_name"),
        PrefixSearchIndex(model_name="client", name="client_last_name_prefix", column="last_name"),
        PrefixSearchIndex(model_name="client", name="client_company_prefix", column="company"),
        PrefixSearchIndex(model_name="client", name="client_email_prefix", column="email"),
        PrefixSearchIndex(model_name="client", name="client_phone_prefix", column="phone"),
        TrigramSearchIndex(model_name="client", name="client_company_trigram", column="company"),
        TrigramSearchIndex(model_name="client", name="client_last_name_trigram", column="last_name"),
    ]
