"""Accepting domain items (R3 domain part, R5)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hostwerk.core.audit import Actor
from hostwerk.domains.models import Registrar
from hostwerk.orders.acceptance import (
    AcceptFailed,
    ItemHandler,
    ItemPlan,
    PlanContext,
    item_mark_accepted,
)


class DomainHandler(ItemHandler):
    def default_plan(self, plan: ItemPlan, context: PlanContext) -> None:
        from hostwerk.catalog.models import Tld

        tld = (
            Tld.objects.select_related("registrar")
            .filter(name=plan.item.domain.rsplit(".", 1)[-1])
            .first()
        )
        plan.registrar_choices = list(Registrar.objects.filter(active=True))
        plan.registrar = tld.registrar if tld else None
        plan.register = True
        if plan.registrar is None:
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
                    r
                    for r in plan.registrar_choices
                    if r.name == registrar or str(r.pk) == str(registrar)
                ),
                None,
            )
            if chosen is None:
                errors["registrar"] = _("Choose one of the active registrars.")
            else:
                plan.registrar = chosen
        plan.blocked = ""
        if plan.register and plan.registrar is None:
            plan.blocked = _(
                "The TLD has no registrar: choose one, or untick “register at registrar”."
            )
        return errors

    def accept(self, plan: ItemPlan, actor: Actor) -> None:
        if plan.register:
            raise AcceptFailed(
                _(
                    "Registering at the registrar is not automated in this version: register the "
                    "domain by hand, then untick “register at registrar” and accept again."
                ),
                link=f"#plan-{plan.item.pk}-register",
            )
        with transaction.atomic():
            item_mark_accepted(actor=actor, item=plan.item, data={"register": False})
