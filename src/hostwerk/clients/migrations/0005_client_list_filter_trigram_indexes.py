"""PostgreSQL only: trigram indexes behind the staff and API client list filters (part of a first
name, e-mail address or city); company and last name have theirs since 0004. Other databases get
nothing (see core/search_indexes.py)."""

from django.db import migrations

from hostwerk.core.search_indexes import TrigramSearchIndex


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0004_client_search_indexes"),
    ]

    operations = [
        TrigramSearchIndex(
            model_name="client", name="client_first_name_trigram", column="first_name"
        ),
        TrigramSearchIndex(model_name="client", name="client_email_trigram", column="email"),
        TrigramSearchIndex(model_name="client", name="client_city_trigram", column="city"),
    ]
