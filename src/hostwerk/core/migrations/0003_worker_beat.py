from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0002_bulk_runs")]

    operations = [
        migrations.CreateModel(
            name="WorkerBeat",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("worker_id", models.CharField(max_length=64, unique=True)),
                ("hostname", models.CharField(blank=True, max_length=255)),
                ("pid", models.PositiveIntegerField(null=True)),
                ("started_at", models.DateTimeField(auto_now_add=True)),
                ("beat_at", models.DateTimeField()),
            ],
        ),
    ]
