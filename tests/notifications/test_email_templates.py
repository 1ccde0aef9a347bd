"""Staff's own e-mail templates: saved and audited, refused when they do not compile or name a
variable their kind lacks (the form keeps what was typed), sandboxed, and used by the senders
in the client's language while the other language keeps the file template."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from hostwerk.core.audit import Actor
from hostwerk.core.models import AuditEvent
from hostwerk.notifications.actions import (
    EmailTemplateInvalid,
    email_template_reset,
    email_template_save,
)
from hostwerk.notifications.kinds import KIND_BY_NAME
from hostwerk.notifications.models import EmailTemplateOverride
from hostwerk.notifications.sandbox import TemplateRefused, template_compile
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from tests.support.tasks import run_queued_tasks

CONFIRMATION = KIND_BY_NAME["order_confirmation"]
OWN = {
    "subject": "Bestelling {{ order.number }} ontvangen",
    "body_text": "Beste {{ client.first_name }},\n\n{% for item in items %}* {{ item.description }}\n{% endfor %}Tot snel!",
    "body_html": "<p>Beste {{ client.first_name }}</p>",
}


def edit_url(kind="order_confirmation", language="nl"):
    return reverse("staff:email_template_edit", args=[kind, language])


def place(staff_user, client, hosting):
    return order_place(
        actor=Actor.for_user(staff_user),
        client=client,
        channel="staff",
        items=[ItemRequest(product_id=hosting.pk, domain="example.nl")],
        generate_invoice=False,
        send_confirmation=True,
        send_invoice_email=False,
    )


@pytest.mark.django_db
def test_staff_save_an_own_template_and_the_change_is_audited(staff_web, staff_user):
    response = staff_web.post(edit_url(), OWN)
    assert response.status_code == 302
    override = EmailTemplateOverride.objects.get(kind="order_confirmation", language="nl")
    assert (override.subject, override.body_text, override.body_html) == (
        OWN["subject"],
        OWN["body_text"],
        OWN["body_html"],
    )
    event = AuditEvent.objects.get(action="email_template.update")
    assert event.actor == staff_user
    assert event.data == {"kind": "order_confirmation", "language": "nl"}
    assert event.changes["subject"] == [None, OWN["subject"]]
    staff_web.post(edit_url(), {**OWN, "subject": "Nieuw onderwerp"})
    second = AuditEvent.objects.filter(action="email_template.update").latest("id")
    assert second.changes == {"subject": [OWN["subject"], "Nieuw onderwerp"]}
    page = staff_web.get(edit_url()).content.decode()
    assert "Nieuw onderwerp" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("body_text", "Beste {{ client.first_name }},\n{% if %}", "Line 2: "),
        ("subject", "{% load static %}Hallo", "Line 1: the tag load is not allowed"),
        ("body_html", "<p>{% include 'notifications/base_email.html' %}</p>", "the tag include"),
        ("body_text", "Hallo {{ secret_key }}", "Unknown variable: secret_key"),
        ("subject", "", "Enter a subject."),
    ],
)
def test_a_refused_template_names_the_field_and_keeps_what_was_typed(
    staff_web, field, value, expected
):
    response = staff_web.post(edit_url(), {**OWN, field: value})
    assert response.status_code == 422
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert expected in form.errors[field][0]
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    # What was typed is still in the form, the allowed variables are named on the page.
    assert form["body_text"].value() == (value if field == "body_text" else OWN["body_text"])
    assert "order_url" in page and "<code>items</code>" in page
    assert not EmailTemplateOverride.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="email_template.").exists()


def test_the_sandbox_has_no_load_include_or_debug():
    for source in ("{% load i18n %}", "{% include 'x.html' %}", "{% debug %}", "{% extends 'a' %}"):
        with pytest.raises(TemplateRefused):
            template_compile(source, allowed=["client"])
    template_compile("{% translate 'Hi' %} {{ client.first_name|upper }}", allowed=["client"])


@pytest.mark.django_db
def test_the_action_refuses_what_the_form_would(staff_user):
    with pytest.raises(EmailTemplateInvalid) as refused:
        email_template_save(
            actor=Actor.for_user(staff_user),
            kind=CONFIRMATION,
            language="en",
            values={**OWN, "body_text": "{{ password }}"},
        )
    assert refused.value.field == "body_text"
    assert not EmailTemplateOverride.objects.exists()


@pytest.mark.django_db
def test_the_sent_email_uses_the_override_in_the_clients_language_only(
    staff_user, client_a, client_b, hosting, tlds
):
    email_template_save(
        actor=Actor.for_user(staff_user), kind=CONFIRMATION, language="nl", values=OWN
    )
    client_a.language, client_b.language = "nl", "en"
    client_a.save()
    client_b.save()
    dutch = place(staff_user, client_a, hosting)
    english = place(staff_user, client_b, hosting)
    run_queued_tasks()
    by_address = {message.to[0]: message for message in mail.outbox}
    own = by_address[client_a.email]
    assert own.subject == f"Bestelling {dutch.number} ontvangen"
    assert (
        own.body == f"Beste {client_a.first_name},\n\n* Webhosting Basis — example.nl\nTot snel!\n"
    )
    [(html, _type)] = own.alternatives
    assert f"<p>Beste {client_a.first_name}</p>" in html and "Hostwerk" in html
    default = by_address[client_b.email]
    assert default.subject == f"Your order {english.number}"
    assert "Thank you for your order" in default.body


@pytest.mark.django_db
def test_reset_goes_back_to_the_file_template_and_is_audited(
    staff_web, staff_user, client_a, hosting, tlds
):
    email_template_save(
        actor=Actor.for_user(staff_user), kind=CONFIRMATION, language="en", values=OWN
    )
    response = staff_web.post(
        reverse("staff:email_template_reset", args=["order_confirmation", "en"])
    )
    assert response.status_code == 302
    assert not EmailTemplateOverride.objects.exists()
    event = AuditEvent.objects.get(action="email_template.reset")
    assert event.changes["subject"] == [OWN["subject"], None]
    client_a.language = "en"
    client_a.save()
    order = place(staff_user, client_a, hosting)
    run_queued_tasks()
    [message] = mail.outbox
    assert message.subject == f"Your order {order.number}"
    assert (
        email_template_reset(actor=Actor.for_user(staff_user), kind=CONFIRMATION, language="en")
        is False
    )


@pytest.mark.django_db
def test_the_preview_renders_staff_text_with_sample_values(staff_web):
    url = reverse("staff:email_template_preview", args=["order_confirmation", "nl"])
    response = staff_web.post(url, OWN, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="email-preview"' in page and "<html" not in page
    assert "Bestelling ORD-2026-0042 ontvangen" in page
    assert "* Webhosting Basis — bakkerij-devries.nl" in page
    broken = staff_web.post(url, {**OWN, "body_text": "{% if %}"}).content.decode()
    assert "Line 1: " in broken


@pytest.mark.django_db
def test_the_edit_page_starts_from_the_file_template(staff_web):
    response = staff_web.get(edit_url("invoice_overdue", "en"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "{% load" not in form["body_text"].value()
    assert "{% payment_instructions invoice overdue=True %}" in form["body_text"].value()
    assert "Invoice 2026-0042" in response.content.decode()  # the preview of the default


@pytest.mark.django_db
def test_the_list_shows_which_languages_have_own_text_in_constant_queries(
    staff_web, staff_user, django_assert_max_num_queries
):
    url = reverse("staff:email_template_list")
    with django_assert_max_num_queries(12) as before:
        staff_web.get(url)
    actor = Actor.for_user(staff_user)
    for kind in ("order_confirmation", "invoice", "domain_expiry"):
        for language in ("nl", "en"):
            email_template_save(
                actor=actor,
                kind=KIND_BY_NAME[kind],
                language=language,
                values={"subject": "S", "body_text": "T"},
            )
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = staff_web.get(url)
    page = response.content.decode()
    row = page.split('id="email-invoice"')[1].split("</tr>")[0]
    assert row.count("own text") == 2
    other = page.split('id="email-welcome_hosting"')[1].split("</tr>")[0]
    assert other.count("own text") == 0 and other.count("default") == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "args", "method"),
    [
        ("staff:email_template_list", [], "get"),
        ("staff:email_template_edit", ["invoice", "nl"], "get"),
        ("staff:email_template_edit", ["invoice", "nl"], "post"),
        ("staff:email_template_preview", ["invoice", "nl"], "post"),
        ("staff:email_template_reset", ["invoice", "nl"], "post"),
    ],
)
def test_non_staff_cannot_reach_email_templates(client_a_web, client, name, args, method):
    url = reverse(name, args=args)
    assert getattr(client_a_web, method)(url, OWN).status_code == 403
    assert getattr(client, method)(url, OWN).status_code == 302
    assert not EmailTemplateOverride.objects.exists()


@pytest.mark.django_db
def test_an_unknown_kind_or_language_is_404(staff_web):
    assert staff_web.get(edit_url("no_such_mail", "nl")).status_code == 404
    assert staff_web.get(edit_url("invoice", "de")).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(KIND_BY_NAME))
def test_every_email_has_one_frame_signed_by_the_provider_also_when_saved_unchanged(
    staff_user, settings, kind
):
    """The invoice e-mail was a whole document of its own: its preview, and an override saved
    from it, drew the frame twice; and e-mails to the provider's clients were signed 'The
    Hostwerk team'."""
    from hostwerk.notifications.email_templates import default_sources, render_email
    from hostwerk.notifications.kinds import sample_context

    settings.HOSTWERK_SELLER_NAME = "Movenext Hosting B.V."
    email_kind = KIND_BY_NAME[kind]
    context = sample_context(email_kind)
    for language in ("nl", "en"):
        _subject, text, html = render_email(kind, language, context)
        assert "Hostwerk team" not in text + html and "Hostwerk-team" not in text + html
        if not html:
            continue  # a text-only e-mail (to staff)
        assert html.count("<html") == 1, (kind, language)
        assert f'<html lang="{language}"' in html
        email_template_save(
            actor=Actor.for_user(staff_user),
            kind=email_kind,
            language=language,
            values=default_sources(email_kind),
        )
        saved = render_email(kind, language, context)
        assert saved[2].count("<html") == 1, (kind, language)
        assert "Movenext Hosting B.V." in saved[2]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(KIND_BY_NAME))
def test_the_dutch_edit_starts_from_dutch_words_that_send_the_same_email(kind):
    """The Dutch editor showed the English msgids ("{% blocktranslate %}Dear {{ name }},…");
    written out in Dutch, the default still sends what the files send."""
    from hostwerk.notifications.email_templates import (
        default_sources,
        render_email,
        render_sources,
    )
    from hostwerk.notifications.kinds import sample_context

    email_kind = KIND_BY_NAME[kind]
    context = sample_context(email_kind)
    dutch = default_sources(email_kind, "nl")
    if kind != "staff_new_order":
        assert "Beste" in dutch["body_text"] or "Hallo" in dutch["body_text"], dutch["body_text"]
    assert "Dear " not in dutch["body_text"]
    template_compile(dutch["body_text"], allowed=email_kind.variables)  # staff may save it
    files = render_email(kind, "nl", context)
    own = render_sources(email_kind, "nl", dutch, context)

    def words(text):
        return re.sub(r"\s+<", "<", " ".join(text.split()))

    assert words(own[0]) == words(files[0])
    assert words(own[1]) == words(files[1])
    if files[2]:
        assert words(own[2]) == words(files[2])


@pytest.mark.django_db
def test_the_edit_form_takes_every_default_unchanged():
    """The subject template of domain_expiry is 350 characters with its tags: the form refused
    it (at most 255), and PostgreSQL refused to store it."""
    from hostwerk.notifications.email_templates import default_sources
    from hostwerk.notifications.forms import EmailTemplateForm

    for kind in KIND_BY_NAME.values():
        for language in ("", "nl"):
            form = EmailTemplateForm(default_sources(kind, language), kind=kind)
            assert form.is_valid(), (kind.name, form.errors)
