"""DNS scheduled jobs: zones whose publishing is stuck get another try."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from hostwerk.core.scheduling import scheduled
from hostwerk.dns.models import PublishStatus, Zone
from hostwerk.dns.publishers import publishes_remotely

# A pending zone younger than this still has its own task queued.
STUCK_AFTER = timedelta(minutes=15)


@scheduled(name="dns.republish_stuck_zones", every=timedelta(hours=1))
def enqueue_republish_stuck_zones():
    """Publish again zones that stayed pending or failed."""
    from hostwerk.dns.tasks import publish_zone

    if not publishes_remotely():
        return
    cutoff = timezone.now() - STUCK_AFTER
    stuck = Zone.objects.filter(
        Q(status=PublishStatus.FAILED) | Q(status=PublishStatus.PENDING, changed_at__lt=cutoff)
    ).values_list("pk", flat=True)
    for zone_id in stuck.iterator():
        publish_zone.enqueue(zone_id)
