"""PostgreSQL only: trigram indexes behind the staff service list filter (part of the domain name).
Other databases get nothing (see core/search_indexes.py)."""

from django.db import migrations

from hostwerk.core.search_indexes import TrigramSearchIndex


class Migration(migrations.Migration):
    dependencies = [
        ("provisioning", "0006_service_list_order_index"),
    ]

    operations = [
        TrigramSearchIndex(model_name="service", name="service_domain_trigram", column="domain"),
    ]
