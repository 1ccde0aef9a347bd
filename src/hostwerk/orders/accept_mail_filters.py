"""Accepting mail filtering items (R3, R8): request filtering at the provider, on by default.

The request goes out first (the provider's API, or an e-mail in the final transaction); the
filter and the accepted item are then written together (for a new registration with the
confirmation too). The MX records stay as they are until
the provider confirms, except for a domain registered in the same order (or not active yet):
no mail flows there, so the switch happens at once.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from hostwerk.core.audit import Actor
from hostwerk.core.domain_names import DomainNameError, parse_domain_name
from hostwerk.core.errors import HostwerkError
from hostwerk.dns.models import Zone
from hostwerk.mail.filter_provider import (
    mail_filter_send_request,
    provider_link,
    request_failure_message,
)
from hostwerk.mail.filtering import (
    MailFilterRefused,
    is_new_registration,
    mail_filter_confirm_created,
    mail_filter_create,
    mail_filter_switch,
)
from hostwerk.mail.models import MailFilter, MailFilterStatus, ProviderMode, RequestChannel
from hostwerk.mail.queries import provider_for_product
from hostwerk.orders.handlers import (
    AcceptFailed,
    ItemHandler,
    ItemPlan,
    PlanContext,
    item_mark_accepted,
)
from hostwerk.orders.models import ItemKind, ItemStatus


def _domain(plan: ItemPlan) -> str:
    try:
        return parse_domain_name(plan.item.domain).ascii
    except DomainNameError:
        return plan.item.domain.strip().lower()


class MailFilterHandler(ItemHandler):
    def default_plan(self, plan: ItemPlan, context: PlanContext) -> None:
        plan.request_filtering = True
        item = plan.item
        provider = provider_for_product(product=item.product)
        plan.mail_filter_provider = provider
        if provider is None:
            plan.blocked = _(
                "There is no active mail filtering provider for this product: add one under "
                "Mail → Providers."
            )
            return
        domain = _domain(plan)
        if provider.mode == ProviderMode.API:
            plan.notes.append(
                _("Requested through the API of %(provider)s.") % {"provider": provider.name}
            )
        else:
            plan.notes.append(
                _("Requested by e-mail to %(provider)s (%(address)s).")
                % {"provider": provider.name, "address": provider.request_email}
            )
        # The order's domain items are at hand: is_new_registration's look at them is not needed.
        plan.new_registration = any(
            other.kind == ItemKind.DOMAIN_REGISTER and other.domain == domain
            for other in context.items
        ) or is_new_registration(domain=domain)
        if plan.new_registration:
            plan.notes.append(
                _("New registration: no mail flows yet, so the MX records switch at once.")
            )
        else:
            plan.notes.append(
                _("The MX records switch only after the provider confirms the domain.")
            )
            if not Zone.objects.filter(name=domain).exists():
                plan.notes.append(
                    _(
                        "There is no DNS zone for %(domain)s in Hostwerk yet; the MX switch needs "
                        "one."
                    )
                    % {"domain": item.domain_display}
                )
        existing = (
            MailFilter.objects.filter(domain=domain)
            .exclude(status=MailFilterStatus.REMOVED)
            .exclude(order_item=item)
            .first()
        )
        if existing is not None and item.status != ItemStatus.ACCEPTED:
            plan.blocked = _(
                "%(domain)s already has mail filtering (%(status)s); cancel that one first, or "
                "cancel this item."
            ) % {"domain": existing.domain_display, "status": existing.get_status_display()}

    def apply_overrides(self, plan: ItemPlan, overrides: dict[str, Any]) -> dict[str, str]:
        if "request_filtering" in overrides:
            plan.request_filtering = bool(overrides["request_filtering"])
        return {}

    def accept(self, plan: ItemPlan, actor: Actor) -> None:
        item = plan.item
        domain = _domain(plan)
        # As planned in this run: the plan showed staff this provider.
        provider = plan.mail_filter_provider
        if provider is None:
            raise AcceptFailed(
                _("There is no active mail filtering provider for this product: add one."),
                link=reverse("staff:mail_provider_list"),
            )
        request_text = ""
        if not plan.request_filtering:
            channel = RequestChannel.MANUAL
        elif provider.mode == ProviderMode.API:
            channel = RequestChannel.API
            try:
                request_text = mail_filter_send_request(provider=provider, domain=domain)
            except HostwerkError as error:
                raise AcceptFailed(
                    request_failure_message(error, provider), link=provider_link(provider)
                ) from error
        else:
            channel = RequestChannel.EMAIL
            if not provider.request_email:
                raise AcceptFailed(
                    _("Provider %(provider)s has no request e-mail address: add it.")
                    % {"provider": provider.name},
                    link=provider_link(provider),
                )
        # The plan asked just before; a domain registered in this order counts either way.
        new_registration = plan.new_registration or is_new_registration(
            domain=domain, order_item=item
        )
        try:
            with transaction.atomic():
                mail_filter = mail_filter_create(
                    actor=actor,
                    provider=provider,
                    client=item.order.client,
                    domain=domain,
                    channel=channel,
                    request_text=request_text,
                    order_item=item,
                    new_registration=new_registration,
                )
                item_mark_accepted(
                    actor=actor,
                    item=item,
                    data={
                        "mail_filter": mail_filter.pk,
                        "provider": provider.name,
                        "request": channel,
                        "new_registration": new_registration,
                    },
                )
                if new_registration:
                    mail_filter_confirm_created(
                        actor=actor,
                        mail_filter=mail_filter,
                        confirmation=_(
                            "New registration: no mail flows yet, so no confirmation is awaited."
                        ),
                    )
        except MailFilterRefused as refused:
            raise AcceptFailed(refused.message, link=reverse("staff:mail_overview")) from refused
        if new_registration:
            # The filter is requested, confirmed and the item accepted; a failing switch is
            # retried by cron.
            mail_filter_switch(actor=actor, mail_filter=mail_filter)
