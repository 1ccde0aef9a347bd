"""R1 b: staff log in as a client; visible banner, audited as the staff member, staff URLs closed."""

import pytest
from django.urls import reverse

from hostwerk.core.models import AuditEvent
from tests.factories import StaffUserFactory


def impersonate(web, client):
    return web.post(reverse("staff:client_impersonate", args=[client.pk]))


@pytest.mark.django_db
def test_r1_staff_with_permission_lands_in_the_client_area_with_a_banner(staff_web, client_a):
    response = impersonate(staff_web, client_a)
    assert response["Location"] == reverse("portal:dashboard")
    html = staff_web.get(reverse("portal:dashboard")).content.decode()
    assert 'id="impersonation-banner"' in html
    assert f"client {client_a.number}" in html
    assert "Back to staff" in html


@pytest.mark.django_db
def test_r1_banner_is_on_every_client_area_page(staff_web, client_a):
    impersonate(staff_web, client_a)
    for name in ("portal:dashboard", "portal:profile"):
        assert 'id="impersonation-banner"' in staff_web.get(reverse(name)).content.decode()


@pytest.mark.django_db
def test_r1_actions_while_impersonating_are_audited_with_the_staff_member_as_actor(
    staff_web, staff_user, client_a
):
    impersonate(staff_web, client_a)
    data = {
        "first_name": "Anna",
        "last_name": "Aalbers",
        "email": client_a.email,
        "phone": "+31201234567",
        "postcode": "1015 CJ",
        "city": "Haarlem",
        "country": "NL",
        "language": "nl",
        "legal_form": "PERSOON",
    }
    staff_web.post(reverse("portal:profile"), data)
    event = AuditEvent.objects.get(action="client.update")
    assert event.actor == staff_user
    assert event.actor_kind == "staff_as_client"
    assert event.as_client == client_a
    assert event.changes["city"] == ["Amsterdam", "Haarlem"]
    assert AuditEvent.objects.filter(action="impersonation.start", actor=staff_user).count() == 1


@pytest.mark.django_db
def test_r1_staff_urls_are_unreachable_while_impersonating(staff_web, client_a):
    impersonate(staff_web, client_a)
    for url in (reverse("staff:client_list"), reverse("staff:dashboard"), "/django-admin/"):
        response = staff_web.get(url)
        assert response.status_code == 403
        assert "Back to staff" in response.content.decode()


@pytest.mark.django_db
def test_r1_back_to_staff_ends_impersonation_and_is_audited(staff_web, staff_user, client_a):
    impersonate(staff_web, client_a)
    response = staff_web.post(reverse("portal:stop_impersonating"))
    assert response["Location"] == reverse("staff:client_detail", args=[client_a.pk])
    assert staff_web.get(reverse("staff:client_list")).status_code == 200
    assert AuditEvent.objects.filter(action="impersonation.stop", actor=staff_user).count() == 1


@pytest.mark.django_db
def test_r1_staff_without_the_permission_cannot_impersonate(client_a):
    from django.test import Client as WebClient

    web = WebClient()
    web.force_login(StaffUserFactory(impersonate=False))
    detail = web.get(reverse("staff:client_detail", args=[client_a.pk])).content.decode()
    assert "Log in as client" not in detail
    response = impersonate(web, client_a)
    assert response["Location"] == reverse("staff:client_detail", args=[client_a.pk])
    assert web.get(reverse("portal:dashboard"))["Location"] == reverse("staff:dashboard")
    assert not AuditEvent.objects.filter(action="impersonation.start").exists()


@pytest.mark.django_db
def test_impersonation_needs_post(staff_web, client_a):
    assert staff_web.get(reverse("staff:client_impersonate", args=[client_a.pk])).status_code == 405
