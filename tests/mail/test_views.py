"""Client area and staff screens for mail: forms that keep what was typed (never the password),
404 for another client's mailbox, confirming a filter on its page (never from the list), one-click
fix, and lists without N+1."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hostwerk.mail.models import Mailbox, MailFilter, MailFilterStatus, SpamFilterState
from tests.mail.factories import MailboxFactory, MailFilterFactory, ProviderFactory
from tests.provisioning.factories import ServiceFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Zomer-Fiets-2025!"


def test_the_client_creates_a_mailbox_and_sees_its_filter_on(client_a_web, hosting_service, plesk1):
    page = client_a_web.get("/mail/new/").content.decode()
    assert "@anna.nl" in page

    response = client_a_web.post(
        "/mail/new/",
        {
            "service": hosting_service.pk,
            "local_part": "info",
            "password": PASSWORD,
            "password_again": PASSWORD,
            "quota_mb": "",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/mail/"
    page = response.content.decode()
    assert "Mailbox info@anna.nl is ready, with spam filtering on." in page
    assert "spam filter on" in page
    assert plesk1.spamfilter_get(mailbox="info@anna.nl") is True


def test_a_refused_form_keeps_what_was_typed_but_not_the_password(client_a_web, hosting_service):
    response = client_a_web.post(
        "/mail/new/",
        {
            "service": hosting_service.pk,
            "local_part": "jan.jansen",
            "password": "jan.jansen1",
            "password_again": "jan.jansen1",
            "quota_mb": "250",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="jan.jansen"' in page
    assert 'value="250"' in page
    assert "jan.jansen1" not in page
    assert 'id="id_password_error"' in page
    assert "must not contain the mailbox address" in page
    assert Mailbox.objects.count() == 0


def test_every_problem_of_a_new_mailbox_shows_at_once(client_a_web, hosting_service, plesk1):
    """A bad name and a short password waited for the next try behind the empty repeat field."""
    response = client_a_web.post(
        "/mail/new/",
        {"service": hosting_service.pk, "local_part": "a b!", "password": "1"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_password_again_error"' in page
    assert 'id="id_local_part_error"' in page and "Use letters, digits, dots" in page
    assert 'id="id_password_error"' in page and "too short" in page
    assert Mailbox.objects.count() == 0


def test_differing_passwords_are_caught_before_plesk(client_a_web, hosting_service, plesk1):
    response = client_a_web.post(
        "/mail/new/",
        {
            "service": hosting_service.pk,
            "local_part": "info",
            "password": PASSWORD,
            "password_again": PASSWORD + "x",
        },
    )
    assert response.status_code == 422
    assert "The two passwords differ" in response.content.decode()
    assert plesk1.mail_list(site_id=int(hosting_service.remote_service_id)) == []


def test_a_client_cannot_make_a_mailbox_on_another_clients_hosting(
    client_b_web, client_b, hosting_service, plesk_servers, catalogue
):
    from tests.mail.conftest import make_hosting_service

    make_hosting_service(plesk_servers, catalogue["hosting"], client_b, "bram.nl")
    response = client_b_web.post(
        "/mail/new/",
        {
            "service": hosting_service.pk,
            "local_part": "info",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )
    assert response.status_code == 422
    assert Mailbox.objects.count() == 0


def test_another_clients_mailbox_is_a_404(client_b_web, client_a):
    mailbox = MailboxFactory(service=ServiceFactory(client=client_a))
    for path in ("", "password/", "quota/", "delete/"):
        url = f"/mail/{mailbox.pk}/{path}"
        assert client_b_web.post(url).status_code == 404
    assert client_b_web.get(f"/mail/{mailbox.pk}/").status_code == 404
    assert Mailbox.objects.filter(pk=mailbox.pk).exists()


def test_the_client_sees_the_state_of_their_mail_filtering(client_a_web, client_a, client_b):
    MailFilterFactory(domain="anna.nl", client=client_a, status=MailFilterStatus.REQUESTED)
    MailFilterFactory(domain="bram.nl", client=client_b)
    page = client_a_web.get("/mail/").content.decode()
    assert "anna.nl" in page and "bram.nl" not in page
    assert "Requested: your mail is routed through the filter as soon as it is ready." in page


def test_the_client_mailbox_list_does_not_grow_its_queries(client_a_web, client_a):
    service = ServiceFactory(client=client_a)
    MailboxFactory.create_batch(3, service=service)
    client_a_web.get("/mail/")
    with CaptureQueriesContext(connection) as few:
        assert client_a_web.get("/mail/").status_code == 200
    MailboxFactory.create_batch(15, service=service)
    with CaptureQueriesContext(connection) as many:
        assert client_a_web.get("/mail/").status_code == 200
    assert len(many) == len(few)


def test_r8_the_list_offers_no_one_click_mx_switch_only_the_way_to_the_filters_page(
    staff_web, client_a
):
    mail_filter = MailFilterFactory(domain="klant.nl", client=client_a)
    page = staff_web.get("/staff/mail/").content.decode()
    assert "klant.nl" in page
    assert f"/staff/mail/filters/{mail_filter.pk}/confirm/" not in page
    assert f'href="/staff/mail/filters/{mail_filter.pk}/"' in page

    detail = staff_web.get(f"/staff/mail/filters/{mail_filter.pk}/").content.decode()
    assert 'data-bs-target="#confirm-dialog"' in detail
    response = staff_web.post(
        f"/staff/mail/filters/{mail_filter.pk}/confirm/",
        {"note": "their e-mail of today"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/staff/mail/filters/{mail_filter.pk}/"
    mail_filter.refresh_from_db()
    # Without a zone in Hostwerk the switch waits, and staff are told why.
    assert mail_filter.status == MailFilterStatus.CONFIRMED
    assert mail_filter.confirmation == "Confirmed by sanne@provider.test: their e-mail of today"
    assert "There is no DNS zone for klant.nl in Hostwerk" in response.content.decode()


def test_staff_fix_a_mailbox_whose_filter_is_off(
    staff_web, client_a_actor, hosting_service, plesk_servers, plesk1
):
    from hostwerk.mail.actions import mailbox_create

    plesk_servers.fail_next("plesk1", "spamfilter.set", mode="ignore")
    mailbox = mailbox_create(
        actor=client_a_actor, service=hosting_service, local_part="info", password=PASSWORD
    )
    assert mailbox.spam_filter == SpamFilterState.OFF
    page = staff_web.get(f"/staff/mail/mailboxes/{mailbox.pk}/").content.decode()
    assert "Fix: switch it on" in page

    response = staff_web.post(f"/staff/mail/mailboxes/{mailbox.pk}/fix/", follow=True)
    assert "The spam filter of info@anna.nl is on." in response.content.decode()
    assert Mailbox.objects.get().spam_filter == SpamFilterState.ON
    assert plesk1.spamfilter_get(mailbox="info@anna.nl") is True


def test_staff_make_a_mailbox_for_a_client(staff_web, hosting_service, plesk1):
    response = staff_web.post(
        "/staff/mail/mailboxes/new/",
        {
            "domain": "anna.nl",
            "local_part": "boekhouding",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
        follow=True,
    )
    assert "Mailbox boekhouding@anna.nl is created, with spam filtering on." in (
        response.content.decode()
    )
    assert plesk1.spamfilter_get(mailbox="boekhouding@anna.nl") is True
    unknown = staff_web.post(
        "/staff/mail/mailboxes/new/",
        {
            "domain": "nergens.nl",
            "local_part": "x",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )
    assert unknown.status_code == 422
    assert "no active hosting service" in unknown.content.decode()


def test_staff_add_a_provider_and_the_password_is_kept_write_only(staff_web, mail_filter):
    response = staff_web.post(
        "/staff/mail/providers/new/",
        {
            "name": "SpamExperts",
            "mode": "api",
            "api_url": "https://api.antispamcloud.com",
            "username": "reseller@provider.test",
            "password": "geheim-geheim",
            "verify_tls": "on",
            "language": "en",
            "mx_hosts": "spamx:10,spamx-fallback:20",
            "mx_addresses": "spamx:192.0.2.53",
            "products": [mail_filter.pk],
            "active": "on",
        },
    )
    assert response.status_code == 422  # spamx-fallback has no address
    page = response.content.decode()
    assert "spamx-fallback lives in the client&#x27;s zone" in page
    assert "geheim-geheim" not in page
    assert 'value="reseller@provider.test"' in page

    response = staff_web.post(
        "/staff/mail/providers/new/",
        {
            "name": "SpamExperts",
            "mode": "api",
            "api_url": "https://api.antispamcloud.com",
            "username": "reseller@provider.test",
            "password": "geheim-geheim",
            "language": "en",
            "mx_hosts": "spamx:10,spamx-fallback:20",
            "mx_addresses": "spamx:192.0.2.53,spamx-fallback:192.0.2.54",
            "products": [mail_filter.pk],
            "active": "on",
        },
    )
    assert response.status_code == 302
    from hostwerk.mail.models import MailFilterProvider

    provider = MailFilterProvider.objects.get()
    assert provider.password == "geheim-geheim"
    edit = staff_web.get(f"/staff/mail/providers/{provider.pk}/").content.decode()
    assert "geheim-geheim" not in edit


@pytest.mark.parametrize(
    "url", ["/staff/mail/", "/staff/mail/mailboxes/", "/staff/mail/providers/"]
)
def test_staff_mail_lists_do_not_grow_their_queries(staff_web, url):
    def make(count):
        for _ in range(count):
            MailFilterFactory(provider=ProviderFactory())
            MailboxFactory(spam_filter=SpamFilterState.OFF)

    make(3)
    staff_web.get(url)
    with CaptureQueriesContext(connection) as few:
        assert staff_web.get(url).status_code == 200
    make(12)
    with CaptureQueriesContext(connection) as many:
        assert staff_web.get(url).status_code == 200
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]


def test_staff_mail_pages_render(staff_web, client_a):
    mail_filter = MailFilterFactory(client=client_a, status=MailFilterStatus.ACTIVE)
    mailbox = MailboxFactory()
    for url in (
        f"/staff/mail/filters/{mail_filter.pk}/",
        f"/staff/mail/mailboxes/{mailbox.pk}/",
        "/staff/mail/mailboxes/new/",
        "/staff/mail/providers/new/",
        f"/staff/mail/providers/{mail_filter.provider_id}/",
        "/staff/mail/?status=attention",
    ):
        assert staff_web.get(url).status_code == 200, url
    assert MailFilter.objects.count() == 1


def test_clients_do_not_reach_the_staff_mail_pages(client_a_web):
    assert client_a_web.get("/staff/mail/").status_code in (302, 403)


def _mailbox_through_the_client_area(client_a_web, hosting_service) -> Mailbox:
    client_a_web.post(
        "/mail/new/",
        {
            "service": hosting_service.pk,
            "local_part": "info",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )
    return Mailbox.objects.get(address="info@anna.nl")


def test_the_client_changes_a_mailbox_password_and_quota(client_a_web, hosting_service, plesk1):
    mailbox = _mailbox_through_the_client_area(client_a_web, hosting_service)
    new_password = "Herfst-Step-2026?"
    response = client_a_web.post(
        f"/mail/{mailbox.pk}/password/",
        {"password": new_password, "password_again": new_password},
        follow=True,
    )
    assert "The password is changed." in response.content.decode()
    response = client_a_web.post(f"/mail/{mailbox.pk}/quota/", {"quota_mb": "2048"}, follow=True)
    assert "The quota is changed." in response.content.decode()
    mailbox.refresh_from_db()
    assert mailbox.quota_mb == 2048


def test_a_weak_new_password_is_refused_beside_the_field(client_a_web, hosting_service, plesk1):
    mailbox = _mailbox_through_the_client_area(client_a_web, hosting_service)
    response = client_a_web.post(
        f"/mail/{mailbox.pk}/password/", {"password": "info", "password_again": "info"}
    )
    assert response.status_code == 422
    assert response.context["password_form"].errors["password"]


def test_staff_change_a_mailbox_password_and_quota(
    staff_web, client_a_web, hosting_service, plesk1
):
    mailbox = _mailbox_through_the_client_area(client_a_web, hosting_service)
    new_password = "Winter-Slee-2027#"
    response = staff_web.post(
        f"/staff/mail/mailboxes/{mailbox.pk}/password/",
        {"password": new_password, "password_again": new_password},
        follow=True,
    )
    assert "The password is changed." in response.content.decode()
    response = staff_web.post(
        f"/staff/mail/mailboxes/{mailbox.pk}/quota/", {"quota_mb": "1024"}, follow=True
    )
    assert "The quota is changed." in response.content.decode()
