"""Every staff and client page, rendered in Dutch, shows no English text of our own catalogue.

The pages come from the URL configuration (GET on each pattern of the staff and client areas,
with one object of each kind from the test factories), so new pages are checked automatically.
A page fails when its text holds a msgid of our catalogue whose Dutch translation differs: the
text was not run through gettext, or was rendered in the wrong language. That the catalogue
itself is complete is tests/core/test_translations.py's job.
"""

from __future__ import annotations

import gettext
import re
from html.parser import HTMLParser

import pytest
from django.urls import URLPattern, URLResolver, reverse

import hostwerk
from hostwerk.catalog.models import ProductGroup
from hostwerk.clients.actions import client_update
from hostwerk.core.audit import Actor
from hostwerk.core.audit_labels import ACTION_LABELS
from hostwerk.dns.models import ZoneChange, ZoneTemplateRecord
from hostwerk.portal import urls as portal_urls
from hostwerk.provisioning.models import ServerGroup
from hostwerk.staff import urls as staff_urls
from tests.billing.factories import InvoiceFactory
from tests.dns.factories import ZoneFactory, record_of_latest_zone
from tests.domains.factories import DomainFactory
from tests.factories import (
    ClientUserFactory,
    ProductFactory,
    RegistrarFactory,
    ServerFactory,
    TldFactory,
)
from tests.mail.factories import MailboxFactory, MailFilterFactory, ProviderFactory
from tests.orders.factories import OrderFactory
from tests.provisioning.factories import ServiceFactory

ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
MO_FILE = hostwerk.__file__.replace("__init__.py", "locale/nl/LC_MESSAGES/django.mo")

# Pages that are not HTML pages of their own or that act on GET.
SKIP = {"staff:zone_export", "portal:zone_export", "staff:service_action"}


def _english_msgids() -> tuple[set[str], list[str]]:
    """Our msgids whose Dutch differs: short ones (matched as a whole text) and long ones
    (four words or more, matched anywhere in the page's text)."""
    with open(MO_FILE, "rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    # A Dutch text can be spelt like an English msgid ("Order", "Server"): those are no sign.
    dutch = {" ".join(str(value).split()) for value in catalogue.values()}
    short, long = set(), []
    for key, translation in catalogue.items():
        if not isinstance(key, str) or not key or key == translation:
            continue
        msgid = key.split("\x04", 1)[-1]
        if "%(" in msgid or "{" in msgid or "<" in msgid or not re.search("[a-z]{3}", msgid):
            continue
        text = " ".join(msgid.split())
        if text in dutch:
            continue
        short.add(text)
        if len(text.split()) >= 4:
            long.append(text)
    return short, long


class _Text(HTMLParser):
    # A textarea holds what is being edited (an e-mail template's source), like an input's value.
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code", "pre", "textarea"):
            self._skip += 1
        for name, value in attrs:
            if name in ("placeholder", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code", "pre", "textarea") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def _patterns(patterns, namespace):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}", list(entry.pattern.converters)


@pytest.fixture
def world(db, client_a, client_a_user, staff_user):
    """One object of each kind, all of client A; URL parameter name -> value."""
    staff_user.language = "nl"
    staff_user.save()
    client_a_user.language = "nl"
    client_a_user.save()
    # An audited change, so the client's audit trail has an entry with before and after.
    client_update(actor=Actor.for_user(staff_user), client=client_a, values={"status": "inactive"})
    zone = ZoneFactory(client=client_a)
    service = ServiceFactory(client=client_a)
    values = {
        "client_id": client_a.pk,
        "domain_id": DomainFactory(client=client_a).pk,
        "invoice_id": InvoiceFactory(client=client_a).pk,
        "zone_id": zone.pk,
        "record_id": record_of_latest_zone(client_a),
        "order_id": OrderFactory(client=client_a).pk,
        "service_id": service.pk,
        "mailbox_id": MailboxFactory(service=service).pk,
        "mail_filter_id": MailFilterFactory(client=client_a).pk,
        "user_id": ClientUserFactory(client=client_a, client_access="billing").pk,
        "product_id": ProductFactory().pk,
        "tld_id": TldFactory().pk,
        "registrar_id": RegistrarFactory().pk,
        "server_id": ServerFactory().pk,
        "provider_id": ProviderFactory().pk,
    }
    group = ProductGroup.objects.create(name_nl="Hosting", name_en="Hosting")
    server_group = ServerGroup.objects.first()
    template_record = ZoneTemplateRecord.objects.first()
    change = ZoneChange.objects.filter(zone=zone).first()
    by_name = {
        "staff:product_group_edit": {"group_id": group.pk},
        "staff:server_group_edit": {"group_id": server_group.pk if server_group else None},
        "staff:email_template_edit": {"kind": "order_confirmation", "language": "nl"},
    }
    values["template_record_id"] = template_record.pk if template_record else None
    values["change_id"] = change.pk if change else None
    return values, by_name


def _render_all(web, names, world):
    values, by_name = world
    short, long = _english_msgids()
    rendered, problems = [], []
    for name, parameters in names:
        if name in SKIP:
            continue
        given = {**values, **by_name.get(name, {})}
        if any(given.get(parameter) is None for parameter in parameters):
            continue
        url = reverse(name, kwargs={parameter: given[parameter] for parameter in parameters})
        response = web.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Text()
        parser.feed(response.content.decode())
        text = " ".join(parser.parts)
        english = {part for part in parser.parts if part in short}
        english |= {msgid for msgid in long if msgid in text}
        # Raw codes and machine timestamps are no Dutch either.
        english |= {code for code in ACTION_LABELS if code in text}
        english |= set(ISO_TIMESTAMP.findall(text))
        rendered.append(name)
        if english:
            problems.append(f"{name} ({url}): {sorted(english)}")
    return rendered, problems


@pytest.mark.django_db
def test_every_staff_page_is_dutch(staff_web, world):
    rendered, problems = _render_all(staff_web, _patterns(staff_urls.urlpatterns, "staff"), world)
    assert len(rendered) > 40, rendered
    assert "staff:client_detail" in rendered and "staff:invoice_detail" in rendered
    assert {"staff:email_template_list", "staff:email_template_edit"} <= set(rendered)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_every_client_page_is_dutch(client_a_web, world):
    rendered, problems = _render_all(
        client_a_web, _patterns(portal_urls.urlpatterns, "portal"), world
    )
    assert len(rendered) > 15, rendered
    assert not problems, "\n".join(problems)


def test_the_scan_sees_english_text():
    short, _long = _english_msgids()
    parser = _Text()
    parser.feed("<p>Nothing recorded yet.</p><code>Nothing recorded yet.</code>")
    assert [part for part in parser.parts if part in short] == ["Nothing recorded yet."]


@pytest.mark.django_db
def test_password_rules_speak_dutch():
    """The password validators' messages come from Django's own Dutch catalogue."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        validate_password("12345")
    messages = refused.value.messages
    assert messages == [
        "Dit wachtwoord is te kort. De minimale lengte is 8 tekens.",
        "Dit wachtwoord is te algemeen.",
        "Dit wachtwoord bevat alleen cijfers.",
    ]
