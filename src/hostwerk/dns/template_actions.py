"""Staff's edits of the default zone template (R6): each one atomic and audited.

Zones made afterwards get the records as edited; existing zones keep theirs.
"""

from __future__ import annotations

from django.db import transaction

from hostwerk.core.audit import Actor, apply_changes, audit_record
from hostwerk.dns.history import record_line
from hostwerk.dns.models import ZoneTemplate, ZoneTemplateRecord
from hostwerk.dns.validation import record_check_zone, template_record_clean
from hostwerk.dns.zone_templates import template_key_for


@transaction.atomic
def template_record_create(
    *,
    actor: Actor,
    template: ZoneTemplate,
    name: str,
    type: str,
    content: str,
    ttl: int | str | None = None,
    priority: int | str | None = None,
) -> ZoneTemplateRecord:
    template = ZoneTemplate.objects.select_for_update().get(pk=template.pk)
    values = template_record_clean(
        name=name, type=type, content=content, ttl=ttl, priority=priority
    )
    existing = list(template.records.all())
    record_check_zone(values=values, others=existing)
    key = template_key_for(
        name=values.name,
        type=values.type,
        content=values.content,
        taken={row.template_key for row in existing},
    )
    row = ZoneTemplateRecord.objects.create(template=template, template_key=key, **values.as_dict())
    audit_record(
        actor=actor,
        action="dns.template_record_create",
        obj=template,
        data={"record": record_line(values.as_dict()), "role": key},
    )
    return row


@transaction.atomic
def template_record_update(
    *,
    actor: Actor,
    row: ZoneTemplateRecord,
    name: str,
    type: str,
    content: str,
    ttl: int | str | None = None,
    priority: int | str | None = None,
) -> ZoneTemplateRecord:
    row = ZoneTemplateRecord.objects.select_for_update().get(pk=row.pk)
    values = template_record_clean(
        name=name, type=type, content=content, ttl=ttl, priority=priority
    )
    record_check_zone(values=values, others=list(row.template.records.exclude(pk=row.pk)))
    changes = apply_changes(row, values.as_dict())
    if changes:
        row.save()
        audit_record(
            actor=actor,
            action="dns.template_record_update",
            obj=row.template,
            changes=changes,
            data={"role": row.template_key},
        )
    return row


@transaction.atomic
def template_record_delete(*, actor: Actor, row: ZoneTemplateRecord) -> None:
    row = ZoneTemplateRecord.objects.select_for_update().get(pk=row.pk)
    line = record_line(
        {
            "name": row.name,
            "type": row.type,
            "ttl": row.ttl,
            "content": row.content,
            "priority": row.priority,
        }
    )
    template = row.template
    row.delete()
    audit_record(
        actor=actor,
        action="dns.template_record_delete",
        obj=template,
        data={"record": line, "role": row.template_key},
    )
