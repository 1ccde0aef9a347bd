"""Accepting mail filtering items (R8)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hostwerk.core.audit import Actor
from hostwerk.orders.acceptance import (
    AcceptFailed,
    ItemHandler,
    ItemPlan,
    PlanContext,
    item_mark_accepted,
)


class MailFilterHandler(ItemHandler):
    def default_plan(self, plan: ItemPlan, context: PlanContext) -> None:
        plan.request_filtering = True

    def apply_overrides(self, plan: ItemPlan, overrides: dict[str, Any]) -> dict[str, str]:
        if "request_filtering" in overrides:
            plan.request_filtering = bool(overrides["request_filtering"])
        return {}

    def accept(self, plan: ItemPlan, actor: Actor) -> None:
        if plan.request_filtering:
            raise AcceptFailed(
                _(
                    "Requesting filtering from the provider is not automated in this version: "
                    "request it by hand, then untick “request filtering” and accept again."
                ),
                link=f"#plan-{plan.item.pk}-request_filtering",
            )
        with transaction.atomic():
            item_mark_accepted(actor=actor, item=plan.item, data={"request_filtering": False})
