"""Writes on mail filtering providers (the services in front of our mail servers), audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hostwerk.core.audit import Actor, apply_changes, audit_record
from hostwerk.core.errors import HostwerkError
from hostwerk.mail.models import MailFilterProvider

PROVIDER_FIELDS = (
    "name",
    "mode",
    "api_url",
    "username",
    "verify_tls",
    "request_email",
    "language",
    "mx_hosts",
    "mx_addresses",
    "active",
    "notes",
)


class ProviderInvalid(HostwerkError):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(" ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


def _provider_check(values: dict[str, Any], password_known: bool) -> None:
    from hostwerk.mail.mx import MxSetInvalid, filter_hosts, parse_mx_hosts

    errors: dict[str, list[str]] = {}
    if values.get("mode") == "api":
        if not values.get("api_url"):
            errors["api_url"] = [_("A provider with an API needs its address.")]
        if not values.get("username"):
            errors["username"] = [_("A provider with an API needs the API login.")]
        if not password_known:
            errors["password"] = [_("A provider with an API needs the API password.")]
    elif values.get("mode") == "email" and not values.get("request_email"):
        errors["request_email"] = [_("Requests are e-mailed: give the address they go to.")]
    try:
        parse_mx_hosts(values.get("mx_hosts", ""))
        filter_hosts(mx_hosts=values.get("mx_hosts", ""), addresses=values.get("mx_addresses", ""))
    except MxSetInvalid as invalid:
        field = "mx_hosts"
        try:
            parse_mx_hosts(values.get("mx_hosts", ""))
            field = "mx_addresses"
        except MxSetInvalid:
            pass
        errors[field] = [str(invalid)]
    if errors:
        raise ProviderInvalid(errors)


def provider_save(
    *,
    actor: Actor,
    values: dict[str, Any],
    products: list[Any] | None = None,
    password: str = "",
    provider: MailFilterProvider | None = None,
) -> MailFilterProvider:
    """Create a provider or change one. An empty `password` keeps the stored one."""
    values = {key: values[key] for key in PROVIDER_FIELDS if key in values}
    _provider_check(values, password_known=bool(password or (provider and provider.password)))
    same_name = MailFilterProvider.objects.filter(name=values.get("name", ""))
    if provider is not None:
        same_name = same_name.exclude(pk=provider.pk)
    if same_name.exists():
        raise ProviderInvalid({"name": [_("There is already a provider with this name.")]})
    with transaction.atomic():
        if provider is None:
            provider = MailFilterProvider(**values)
            if password:
                provider.password = password
            provider.save()
            changes: dict[str, list[Any]] = {
                key: [None, str(value)] for key, value in values.items()
            }
            action = "mail_filter_provider.create"
        else:
            provider = MailFilterProvider.objects.select_for_update().get(pk=provider.pk)
            changes = apply_changes(provider, values)
            if password:
                apply_changes(provider, {"password": password})
                changes["password"] = ["••••", "••••"]  # the audit trail never holds secrets
            provider.save()
            action = "mail_filter_provider.update"
        if products is not None:
            before = sorted(str(product) for product in provider.products.all())
            provider.products.set(products)
            after = sorted(str(product) for product in products)
            if before != after:
                changes["products"] = [before, after]
        if changes:
            audit_record(actor=actor, action=action, obj=provider, changes=changes)
    return provider
