"""PostgreSQL only: trigram indexes behind the staff and API zone list filters (part of the name).
Other databases get nothing (see core/search_indexes.py)."""

from django.db import migrations

from hostwerk.core.search_indexes import TrigramSearchIndex


class Migration(migrations.Migration):
    dependencies = [
        ("dns", "0005_zone_publish_queued_at"),
    ]

    operations = [
        TrigramSearchIndex(model_name="zone", name="zone_name_trigram", column="name"),
    ]
