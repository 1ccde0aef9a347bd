

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_product_groups_hidden'),
        ('provisioning', '0005_service_username_search_index'),
        ('clients', '0003_client_payment_method'),
        ('orders', '0005_order_list_order_index'),
        ('provisioning', '0004_billing_lifecycle'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='service',
            index=models.Index(fields=['-created_at', '-id'], name='service_newest'),
        ),
    ]
