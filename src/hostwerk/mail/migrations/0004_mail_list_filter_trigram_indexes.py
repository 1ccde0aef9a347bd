"""PostgreSQL only: trigram indexes behind the staff and API mailbox list filters (part of the
address) and the staff mail filter list (part of the domain). Other databases get nothing (see
core/search_indexes.py)."""

from django.db import migrations

from hostwerk.core.search_indexes import TrigramSearchIndex


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0003_mail_filter_remote_error"),
    ]

    operations = [
        TrigramSearchIndex(model_name="mailbox", name="mailbox_address_trigram", column="address"),
        TrigramSearchIndex(
            model_name="mailfilter", name="mailfilter_domain_trigram", column="domain"
        ),
    ]
