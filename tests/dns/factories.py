"""factory_boy factories of the DNS app."""

from __future__ import annotations

import factory

from hostwerk.dns.models import PublishStatus, Record, Zone
from hostwerk.provisioning.models import ServerKind
from tests.factories import ServerFactory


class ForwardingServerFactory(ServerFactory):
    """The forwarding server of the seed (movealong.movenext.nl)."""

    name = "movealong"
    kind = ServerKind.FORWARDING
    group = None
    hostname = "movealong.movenext.nl"
    web_ip = "80.247.175.4"
    mail_ip = "80.247.175.5"


class ZoneFactory(factory.django.DjangoModelFactory):
    """A zone made directly (no template records, no history), already published."""

    class Meta:
        model = Zone

    name = factory.Sequence(lambda n: f"zone{n}.nl")
    status = PublishStatus.PUBLISHED
    version = 1
    published_version = 1


class RecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Record

    zone = factory.SubFactory(ZoneFactory)
    name = factory.Sequence(lambda n: f"host{n}")
    type = "A"
    ttl = 3600
    content = factory.Sequence(lambda n: f"192.0.2.{n % 250 + 1}")


def latest_zone_of(client) -> Zone:
    """The client's newest zone (made if it has none): URL tests put a record in the zone they
    named just before."""
    return Zone.objects.filter(client=client).order_by("-pk").first() or ZoneFactory(client=client)


def record_of_latest_zone(client) -> int:
    return RecordFactory(zone=latest_zone_of(client)).pk
