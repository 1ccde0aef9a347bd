"""The default zone template of R6: the site and the mail host on the forwarding server.

Contents use variables, filled in when a zone is made: {web_ip} and {mail_ip} are the forwarding
server's addresses (from its Server record), {domain} the zone's name. NS and SOA are not
records of the template: they come from the settings.
"""

from django.conf import settings
from django.db import migrations

DEFAULT_RECORDS = [
    # (role, name, type, priority, content)
    ("web", "@", "A", None, "{web_ip}"),
    ("www", "www", "A", None, "{web_ip}"),
    ("mail_host", "mn-mx1", "A", None, "{mail_ip}"),
    ("mx", "@", "MX", 10, "mn-mx1.{domain}."),
]


def create_default_template(apps, schema_editor):
    ZoneTemplate = apps.get_model("dns", "ZoneTemplate")
    ZoneTemplateRecord = apps.get_model("dns", "ZoneTemplateRecord")
    if ZoneTemplate.objects.filter(is_default=True).exists():
        return
    template = ZoneTemplate.objects.create(name="Standard", is_default=True)
    ttl = getattr(settings, "HOSTWERK_DNS_DEFAULT_TTL", 3600)
    for role, name, record_type, priority, content in DEFAULT_RECORDS:
        ZoneTemplateRecord.objects.create(
            template=template,
            template_key=role,
            name=name,
            type=record_type,
            priority=priority,
            content=content,
            ttl=ttl,
        )


def remove_default_template(apps, schema_editor):
    apps.get_model("dns", "ZoneTemplate").objects.filter(name="Standard", is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [("dns", "0001_initial")]

    operations = [migrations.RunPython(create_default_template, remove_default_template)]
