"""PostgreSQL only: trigram indexes behind the staff domain list filter (part of the name). Other
databases get nothing (see core/search_indexes.py)."""

from django.db import migrations

from hostwerk.core.search_indexes import TrigramSearchIndex


class Migration(migrations.Migration):
    dependencies = [
        ("domains", "0003_billing_lifecycle"),
    ]

    operations = [
        TrigramSearchIndex(model_name="domain", name="domain_name_trigram", column="name"),
    ]
