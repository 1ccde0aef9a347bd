

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0007_payment_paid_on_index'),
        ('clients', '0003_client_payment_method'),
        ('orders', '0005_order_list_order_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(fields=['-year', '-sequence'], name='invoice_newest'),
        ),
    ]
