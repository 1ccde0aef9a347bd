"""factory_boy factories of the mail app (ORM-level; Plesk and the provider are exercised
through the actions against the simulators)."""

from __future__ import annotations

import factory

from hostwerk.mail.models import (
    Mailbox,
    MailboxStatus,
    MailFilter,
    MailFilterProvider,
    MailFilterStatus,
    ProviderMode,
    RequestChannel,
    SpamFilterState,
)
from tests.factories import ClientFactory
from tests.provisioning.factories import ServiceFactory


class MailboxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mailbox

    service = factory.SubFactory(ServiceFactory)
    local_part = factory.Sequence(lambda n: f"box{n}")
    address = factory.LazyAttribute(lambda o: f"{o.local_part}@{o.service.domain}")
    status = MailboxStatus.ACTIVE
    spam_filter = SpamFilterState.ON


class ProviderFactory(factory.django.DjangoModelFactory):
    """An e-mail provider by default, like the seed's partner; see api_provider for the API."""

    class Meta:
        model = MailFilterProvider
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Filter partner {n}")
    mode = ProviderMode.EMAIL
    request_email = "spamfilter@partner.test"
    language = "en"
    mx_hosts = "spamx:10,spamx-fallback:20"
    mx_addresses = "spamx:192.0.2.53,spamx-fallback:192.0.2.54"


class MailFilterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MailFilter

    domain = factory.Sequence(lambda n: f"gefilterd{n}.nl")
    client = factory.SubFactory(ClientFactory)
    provider = factory.SubFactory(ProviderFactory)
    status = MailFilterStatus.REQUESTED
    request_channel = RequestChannel.EMAIL
    request_text = "To: spamfilter@partner.test"
