"""Index for the staff search: a service by (the start of) its login."""

from django.db import migrations

from hostwerk.core.search_indexes import PrefixSearchIndex


class Migration(migrations.Migration):
    dependencies = [
        ("provisioning", "0004_billing_lifecycle"),
    ]

    operations = [
        PrefixSearchIndex(model_name="service", name="service_username_prefix", column="username"),
    ]
