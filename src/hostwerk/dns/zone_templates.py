"""Zone templates: filling in {domain}, {web_ip}, {mail_ip}, and which records follow the hosting (R6, R7)."""

from __future__ import annotations

from dataclasses import dataclass

from hostwerk.dns.models import ZoneTemplate, ZoneTemplateRecord
from hostwerk.dns.roles import MAIL_PREFIX, WEB_PREFIX
from hostwerk.dns.validation import RecordValues, record_clean, template_fill, template_variables


@dataclass(frozen=True)
class TemplateRecordValues:
    values: RecordValues
    template_key: str


def template_key_for(*, name: str, type: str, content: str, taken: set[str]) -> str:
    """A role for a new template record, unique within its template.

    Records that hold {web_ip} or {mail_ip} get a role that follows the hosting; the default
    template's own names keep the roles the rest of Hostwerk knows (web, www, mail_host, mx).
    """
    variables = set(template_variables(content))
    if "web_ip" in variables:
        candidates = {"@": "web", "www": "www"}.get(name, "") or f"{WEB_PREFIX}{name}"
    elif "mail_ip" in variables:
        candidates = "mail_host" if name == "mn-mx1" else f"{MAIL_PREFIX}{name}"
    elif type == "MX" and name == "@" and "mx" not in taken:
        candidates = "mx"
    else:
        candidates = f"{type.lower()}:{name}"
    key = candidates
    number = 2
    while key in taken:
        key = f"{candidates}-{number}"
        number += 1
    return key


def default_template() -> ZoneTemplate | None:
    return ZoneTemplate.objects.filter(is_default=True).first()


def template_records(
    *, template: ZoneTemplate, domain: str, web_ip: str, mail_ip: str
) -> list[TemplateRecordValues]:
    """The template's records for `domain`, filled in and checked like typed records."""
    values = {"domain": domain, "web_ip": web_ip, "mail_ip": mail_ip}
    result = []
    row: ZoneTemplateRecord
    for row in template.records.all():
        result.append(
            TemplateRecordValues(
                values=record_clean(
                    zone_name=domain,
                    name=row.name,
                    type=row.type,
                    content=template_fill(row.content, values),
                    ttl=row.ttl,
                    priority=row.priority,
                ),
                template_key=row.template_key,
            )
        )
    return result
