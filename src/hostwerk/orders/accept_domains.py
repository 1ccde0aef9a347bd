"""Accepting domain items (R3 domain part, R4, R5): register or transfer at the TLD's registrar.

The plan proposes the TLD's registrar with "register at registrar" on; a TLD without one blocks
the item until staff choose a registrar or untick "register". Accepting runs the domain actions,
which check the owner contact first, publish the zone first where the registry checks DNS, and
checkpoint every registry step; the item is marked accepted in the same transaction that makes
the domain active.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from hostwerk.core.audit import Actor
from hostwerk.domains.common import DomainRefused, domain_fresh
from hostwerk.domains.models import Domain, DomainStatus, Registrar
from hostwerk.domains.registration import (
    domain_accept_without_registration,
    domain_for_order_item,
    domain_register,
    tld_for,
)
from hostwerk.domains.transfer import domain_transfer
from hostwerk.orders.handlers import (
    AcceptFailed,
    ItemHandler,
    ItemPlan,
    PlanContext,
    item_being_accepted,
    item_mark_accepted,
    order_refresh,
)
from hostwerk.orders.models import ItemKind, ItemStatus, OrderItem
from hostwerk.provisioning.models import StepStatus


class DomainHandler(ItemHandler):
    def default_plan(self, plan: ItemPlan, context: PlanContext) -> None:
        item = plan.item
        tld = tld_for(item.domain)
        plan.registrar_choices = list(Registrar.objects.filter(active=True))
        plan.registrar = tld.registrar if tld is not None else None
        plan.register = True
        domain = Domain.objects.filter(order_item=item).select_related("registrar").first()
        if domain is not None and domain.registrar is not None:
            # Once the registry has been asked, the registrar can no longer change.
            started = domain.steps.filter(
                status=StepStatus.DONE, name__in=("domain_create", "transfer_request")
            ).exists()
            if started or domain.status != DomainStatus.PENDING:
                plan.registrar = domain.registrar
                plan.registrar_choices = [domain.registrar]
        if (
            tld is not None
            and tld.dns_before_registration
            and item.kind == ItemKind.DOMAIN_REGISTER
        ):
            plan.notes.append(
                _(
                    "The registry checks the name servers: the zone is created and published "
                    "before the registration is sent."
                )
            )
        self._block_without_registrar(plan)

    @staticmethod
    def _block_without_registrar(plan: ItemPlan) -> None:
        plan.blocked = ""
        if plan.register and plan.registrar is None:
            plan.blocked = _(
                "The TLD has no registrar: choose one, or untick “register at registrar”."
            )

    def apply_overrides(self, plan: ItemPlan, overrides: dict[str, Any]) -> dict[str, str]:
        errors = {}
        if "register" in overrides:
            plan.register = bool(overrides["register"])
        registrar = overrides.get("registrar")
        if registrar not in (None, ""):
            chosen = next(
                (
                    choice
                    for choice in plan.registrar_choices
                    if choice.name == registrar or str(choice.pk) == str(registrar)
                ),
                None,
            )
            if chosen is None:
                errors["registrar"] = _("Choose one of the active registrars.")
            else:
                plan.registrar = chosen
        self._block_without_registrar(plan)
        return errors

    def accept(self, plan: ItemPlan, actor: Actor) -> None:
        item = plan.item

        def mark_accepted(domain: Domain) -> None:
            item_mark_accepted(
                actor=actor,
                item=item,
                data={
                    "domain": domain.pk,
                    "registrar": domain.registrar.name if domain.registrar else None,
                    "register": plan.register,
                    "status": domain.status,
                },
            )

        try:
            domain = domain_for_order_item(actor=actor, item=item, registrar=plan.registrar)
            if not plan.register:
                # Staff registered it elsewhere or by hand: recorded, audited, no registry call.
                domain_accept_without_registration(
                    actor=actor, domain=domain, before_commit=mark_accepted
                )
            elif item.kind == ItemKind.DOMAIN_TRANSFER:
                domain_transfer(actor=actor, domain=domain, before_commit=mark_accepted)
            else:
                domain_register(actor=actor, domain=domain, before_commit=mark_accepted)
        except DomainRefused as refused:
            raise AcceptFailed(refused.message, link=refused.link) from refused


# -- sending a failed registration or transfer again from the domain page -----------------------


def _accept_open_order_item(actor: Actor, domain: Domain) -> None:
    """Inside the final transaction of a resend: the failed order item is done now as well."""
    if domain.order_item_id is None:
        return
    item = (
        OrderItem.objects.select_for_update(of=("self",))
        .select_related("order__client")
        .get(pk=domain.order_item_id)
    )
    if item.status not in (ItemStatus.PENDING, ItemStatus.FAILED):
        return
    item_mark_accepted(actor=actor, item=item, data={"domain": domain.pk, "from": "domain page"})
    order_refresh(actor=actor, order=item.order)


def _refuse_while_accepting(domain: Domain) -> None:
    if item_being_accepted(domain.order_item_id):
        raise DomainRefused(
            _("Order %(order)s is being accepted right now; wait until it is done.")
            % {"order": domain.order_item.order.number},
        )


def domain_registration_resend(*, actor: Actor, domain: Domain) -> Domain:
    """Try a failed (or never sent) registration again; its open order item is accepted with it."""
    domain = domain_fresh(domain)
    if domain.status not in (DomainStatus.PENDING, DomainStatus.PENDING_REGISTRATION):
        raise DomainRefused(
            _("%(domain)s is %(status)s: only a pending registration can be sent again.")
            % {"domain": domain.name_unicode, "status": domain.get_status_display()}
        )
    _refuse_while_accepting(domain)
    return domain_register(
        actor=actor,
        domain=domain,
        before_commit=lambda locked: _accept_open_order_item(actor, locked),
    )


def domain_transfer_resend(*, actor: Actor, domain: Domain, auth_code: str = "") -> Domain:
    """Request a refused or failed transfer again, with a new auth code when given."""
    domain = domain_fresh(domain)
    _refuse_while_accepting(domain)
    return domain_transfer(
        actor=actor,
        domain=domain,
        auth_code=auth_code or None,
        before_commit=lambda locked: _accept_open_order_item(actor, locked),
    )
