"""Mail filtering at the provider (R8): its API client, the request, e-mails to a partner."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from hostwerk.core.errors import HostwerkError, TransientError
from hostwerk.integrations.spamexperts import (
    SpamExpertsAuthError,
    SpamExpertsClient,
    SpamExpertsDomainExists,
    SpamExpertsNotOwner,
)
from hostwerk.mail.models import MailFilter, MailFilterProvider
from hostwerk.mail.mx import MAIL_HOST, SMTP_PORT, FilterHost, MxSetInvalid


def provider_client(provider: MailFilterProvider) -> SpamExpertsClient:
    return SpamExpertsClient(
        provider.api_url,
        username=provider.username,
        password=provider.password,
        verify_tls=provider.verify_tls,
        timeout=settings.HOSTWERK_SPAMEXPERTS_TIMEOUT,
    )


def delivery_destination(domain: str) -> tuple[str, int]:
    """Where the filter delivers clean mail: the domain's own mail host, port 25."""
    return f"{MAIL_HOST}.{domain}", SMTP_PORT


def mail_filter_send_request(*, provider: MailFilterProvider, domain: str) -> str:
    """Add the domain at the provider's API; returns what was sent, for the record.

    A domain the provider already holds for our account is adopted (a retried accept whose
    first attempt got through). Raises the SpamExperts errors for everything else.
    """
    host, port = delivery_destination(domain)
    sent = (
        f"GET {provider.api_url.rstrip('/')}/api/domain/add/domain/{domain}/format/json/"
        f'destinations/["{host}:{port}"]/ (as {provider.username})'
    )
    try:
        with provider_client(provider) as client:
            client.domain_add(domain=domain, destinations=[(host, port)])
    except SpamExpertsDomainExists:
        return sent + "\n" + _("The provider already had the domain; it was taken over.")
    return sent


def request_failure_message(error: HostwerkError, provider: MailFilterProvider) -> str:
    """What staff should do about a refused or failed request to the provider (R4)."""
    if isinstance(error, SpamExpertsAuthError):
        return _("%(error)s Check the API login and password of provider %(provider)s.") % {
            "error": error,
            "provider": provider.name,
        }
    if isinstance(error, SpamExpertsNotOwner):
        return _(
            "%(error)s The domain is filtered under another account at %(provider)s: ask them to "
            "release it, then accept again."
        ) % {"error": error, "provider": provider.name}
    if isinstance(error, TransientError):
        return _(
            "%(error)s Nothing is lost: try again once %(provider)s answers; if it keeps failing, "
            "check its API address."
        ) % {"error": error, "provider": provider.name}
    return _("%(provider)s refused: %(error)s") % {"provider": provider.name, "error": error}


def provider_link(provider: MailFilterProvider) -> str:
    return reverse("staff:mail_provider_edit", args=[provider.pk])


def _email_context(mail_filter: MailFilter, action: str) -> dict[str, Any]:
    host, port = delivery_destination(mail_filter.domain)
    hosts = planned_hosts(mail_filter)
    return {
        "action": action,
        "provider": mail_filter.provider,
        "domain": mail_filter.domain_display,
        "domain_ascii": mail_filter.domain,
        "destination": host,
        "port": port,
        "mx_records": [f"MX {h.priority} {h.target(mail_filter.domain)}" for h in hosts],
        "reference": f"MF-{mail_filter.pk}",
    }


def planned_hosts(mail_filter: MailFilter) -> list[FilterHost]:
    """The filter's hosts for showing: as applied, else as the provider's set would make them."""
    if mail_filter.applied_mx:
        return [FilterHost.from_json(entry) for entry in mail_filter.applied_mx]
    try:
        return mail_filter.provider.filter_hosts()
    except MxSetInvalid:
        return []


def queue_provider_email(mail_filter: MailFilter, action: str) -> str:
    """E-mail the provider (in the caller's transaction); returns the text, for the record."""
    from hostwerk.notifications.actions import email_queue

    provider = mail_filter.provider
    email = email_queue(
        template="mail_filter_request",
        to=provider.request_email,
        language=provider.language,
        client=mail_filter.client,
        obj=mail_filter,
        context=_email_context(mail_filter, action),
    )
    return f"To: {email.to}\nSubject: {email.subject}\n\n{email.body_text}"
