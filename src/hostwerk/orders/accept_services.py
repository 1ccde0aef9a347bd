"""Accepting hosting, forwarding and other product items: a service, created on its server."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hostwerk.accounts.models import ClientArea
from hostwerk.accounts.queries import client_area_reachable
from hostwerk.billing.periods import add_months
from hostwerk.billing.settlement import order_lines_attach
from hostwerk.catalog.models import CYCLE_MONTHS, Product
from hostwerk.core import clock
from hostwerk.core.audit import Actor, audit_record
from hostwerk.core.errors import PermanentError, TransientError
from hostwerk.integrations.plesk import PleskAuthError, PleskCertificateError
from hostwerk.notifications.actions import email_queue
from hostwerk.orders.handlers import (
    AcceptFailed,
    ItemHandler,
    ItemPlan,
    PlanContext,
    item_mark_accepted,
)
from hostwerk.orders.models import OrderItem
from hostwerk.provisioning.models import Server, Service, ServiceStatus, StepStatus
from hostwerk.provisioning.modules import module_for
from hostwerk.provisioning.placement import server_proposal
from hostwerk.provisioning.zones import zone_after_service_change, zone_ensure


def server_settings_link(server: Server, *, back_to: str = "") -> str:
    link = reverse("staff:server_edit", args=[server.pk])
    return f"{link}?{urlencode({'next': back_to})}" if back_to else link


def explain_remote_failure(
    error: Exception, server: Server | None, *, back_to: str = ""
) -> AcceptFailed:
    """Turn a remote error into what staff should do about it, and where (R4)."""
    name = server.name if server else _("the server")
    link = server_settings_link(server, back_to=back_to) if server else ""
    if isinstance(error, PleskAuthError):
        return AcceptFailed(
            _("%(error)s Check the API login and password of server %(server)s.")
            % {"error": error, "server": name},
            link=link,
        )
    if isinstance(error, PleskCertificateError):
        return AcceptFailed(
            _(
                "%(error)s Install a valid certificate on %(server)s, or switch off certificate verification for it."
            )
            % {"error": error, "server": name},
            link=link,
        )
    if isinstance(error, TransientError):
        return AcceptFailed(
            _(
                "%(error)s Nothing is lost: accept again once %(server)s answers; if it keeps failing, check its API address."
            )
            % {"error": error, "server": name},
            link=link,
        )
    return AcceptFailed(str(error), link="")


def _product(item: OrderItem) -> Product:
    # Order entry requires a product for every item kind this handler takes.
    if item.product is None:
        raise ValueError(f"order item {item.pk} ({item.kind}) has no product")
    return item.product


class ServiceHandler(ItemHandler):
    def default_plan(self, plan: ItemPlan, context: PlanContext) -> None:
        item = plan.item
        product = _product(item)
        plan.automatic = module_for(product.module) is not None
        plan.create_on_server = plan.automatic
        plan.welcome_email = bool(product.welcome_email)
        if product.server_group is not None:
            plan.server_choices = list(product.server_group.servers.all())
        service = getattr(item, "service", None)
        if (
            service is not None
            and service.server_id
            and service.steps.filter(status=StepStatus.DONE).exists()
        ):
            plan.server = service.server
            plan.server_locked = True
            plan.server_reason = _("Already being created on %(server)s.") % {
                "server": service.server.name
            }
            return
        if plan.automatic:
            proposal = server_proposal(
                client=item.order.client,
                product=product,
                extra_load=context.planned_load,
                servers=plan.server_choices if product.server_group is not None else None,
            )
            plan.server, plan.server_reason, plan.server_skipped = (
                proposal.server,
                proposal.reason,
                proposal.skipped,
            )

    def apply_overrides(self, plan: ItemPlan, overrides: dict[str, Any]) -> dict[str, str]:
        errors = {}
        if "create_on_server" in overrides:
            plan.create_on_server = bool(overrides["create_on_server"]) and plan.automatic
        if "welcome_email" in overrides:
            plan.welcome_email = bool(overrides["welcome_email"])
        server_id = overrides.get("server_id")
        if server_id not in (None, "") and not plan.server_locked:
            chosen = next((s for s in plan.server_choices if str(s.pk) == str(server_id)), None)
            if chosen is None:
                errors["server_id"] = _("Choose one of the servers of the product's group.")
            elif not chosen.active:
                errors["server_id"] = _("%(server)s is inactive; choose another server.") % {
                    "server": chosen.name
                }
            elif chosen != plan.server:
                plan.server = chosen
                plan.server_reason = _("Chosen by staff.")
        return errors

    def _service(self, plan: ItemPlan) -> Service:
        item = plan.item
        service = Service.objects.filter(order_item=item).first()
        if service is None:
            return Service.objects.create(
                client=item.order.client,
                product=_product(item),
                order_item=item,
                server=plan.server if plan.create_on_server else None,
                domain=item.domain,
                billing_cycle=item.billing_cycle,
                recurring_amount=item.price,
                forwarding_url=item.forwarding_url,
            )
        if (
            not plan.server_locked
            and plan.create_on_server
            and service.server_id != getattr(plan.server, "pk", None)
        ):
            Service.objects.filter(pk=service.pk).update(server=plan.server)
            service.server = plan.server
        return service

    def accept(self, plan: ItemPlan, actor: Actor) -> None:
        item = plan.item
        if plan.create_on_server and plan.server is None:
            raise AcceptFailed(
                plan.server_reason or _("Choose a server for this item."),
                link=f"#plan-{item.pk}-server",
            )
        service = self._service(plan)
        product = _product(item)
        if plan.create_on_server:
            module = module_for(product.module)
            if module is None:  # create_on_server is only offered for a product with a module
                raise ValueError(f"product {product.pk} has no provisioning module")
            try:
                module.create(service)
            except (PermanentError, TransientError) as error:
                raise explain_remote_failure(
                    error,
                    service.server,
                    back_to=reverse("staff:order_accept", args=[item.order_id]),
                ) from error
        with transaction.atomic():
            today = clock.today()
            months = CYCLE_MONTHS.get(item.billing_cycle, 0)
            Service.objects.filter(pk=service.pk).update(
                status=ServiceStatus.ACTIVE,
                activated_at=timezone.now(),
                next_due_date=add_months(today, months) if months else None,
                billing_anchor_day=today.day if months else None,
            )
            if months:
                # Due from the start of the period the order invoice charges; moved to its end
                # when that invoice is paid (now or later).
                order_lines_attach(actor=actor, service=service, order_item_id=item.pk)
            # With what the audit event, the zone and the e-mail name (order_lines_attach may
            # have moved the due date).
            service.refresh_from_db(
                from_queryset=Service.objects.select_related("server", "client", "product")
            )
            item_mark_accepted(
                actor=actor,
                item=item,
                data={
                    "service": service.pk,
                    "server": service.server.name if service.server else None,
                    "create_on_server": plan.create_on_server,
                },
            )
            # The service's own trail starts here (its page showed "Nothing recorded yet").
            audit_record(
                actor=actor,
                action="service.activate",
                obj=service,
                client=service.client,
                changes={"status": [ServiceStatus.PENDING, ServiceStatus.ACTIVE]},
                data={
                    "order": item.order.number,
                    "server": service.server.name if service.server else None,
                },
            )
            if plan.create_on_server and service.domain:
                # The domain's visitors and mail reach the new service through our zone (R7).
                zone_ensure(actor=actor, domain=service.domain, client=service.client)
                zone_after_service_change(actor=actor, service=service)
            if plan.welcome_email and product.welcome_email:
                client = item.order.client
                email_queue(
                    template=product.welcome_email,
                    to=client.email,
                    language=client.language,
                    client=client,
                    obj=service,
                    context={
                        "client": client,
                        "service": service,
                        "panel_url": f"https://{service.server.hostname}:8443/"
                        if service.server
                        else "",
                        # The password is shown in the client area: say so only to a client
                        # who has a login that can open it.
                        "service_url": settings.BASE_URL
                        + reverse("portal:service_detail", args=[service.pk])
                        if client_area_reachable(client=client, area=ClientArea.TECHNICAL)
                        else "",
                    },
                )
