"""Labels for the audit trail: what each action code means, in the reader's language, and the
changes with field names and choice labels instead of stored values.

Every `action=` given to `hostwerk.core.audit.audit_record` has a label here (a test checks the
source for codes without one); an unknown code falls back to "<object>: <code>" so nothing is
lost, and a code ending in `_failed` reads as its action followed by "failed".
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hostwerk.core.audit import AS_CLIENT, SYSTEM_LABEL
from hostwerk.core.models import ActorKind
from hostwerk.core.moments import stored_moment_text
from hostwerk.core.money import MoneyField, format_money

ACTION_LABELS = {
    "api_token.create": _("API token created"),
    "api_token.revoke": _("API token revoked"),
    "billing_run.queue": _("Billing run queued"),
    "billing_settings.update": _("Billing settings changed"),
    "client.create": _("Client created"),
    "email_template.reset": _("E-mail template reset to the default"),
    "email_template.update": _("E-mail template changed"),
    "client.credit_add": _("Credit added"),
    "client.update": _("Client details changed"),
    "client_user.create": _("Login added"),
    "client_user.remove": _("Login removed"),
    "client_user.update": _("Login changed"),
    "dns.client_change": _("Zone moved to another client"),
    "dns.record_create": _("DNS record added"),
    "dns.record_delete": _("DNS record deleted"),
    "dns.record_update": _("DNS record changed"),
    "dns.template_record_create": _("Template record added"),
    "dns.template_record_delete": _("Template record deleted"),
    "dns.template_record_update": _("Template record changed"),
    "dns.zone_create": _("Zone created"),
    "dns.zone_delete": _("Zone deleted"),
    "dns.zone_import": _("Zone imported from a DNS server"),
    "dns.zones_import": _("Zones imported from a DNS server"),
    "dns.zone_point_to": _("Zone pointed at a server"),
    "dns.zone_publish": _("Zone published"),
    "dns.zone_publish_all": _("All zones published"),
    "dns.zone_restore": _("Earlier zone version restored"),
    "domain.accept_without_registration": _("Domain accepted without registration"),
    "domain.auth_code_change": _("Authorisation code changed"),
    "domain.cancel": _("Domain cancelled"),
    "domain.create": _("Domain added"),
    "domain.due_date_move": _("Domain due date moved"),
    "domain.expiry_from_registry": _("Expiry date taken from the registry"),
    "domain.expiry_reminder": _("Expiry reminder sent"),
    "domain.nameservers_update": _("Name servers changed"),
    "domain.register": _("Domain registered"),
    "domain.registrar_change": _("Registrar changed"),
    "domain.registration_sent": _("Registration sent to the registry"),
    "domain.renew": _("Domain renewed"),
    "domain.reuse": _("Existing domain used"),
    "domain.sync": _("Domain synchronised with the registry"),
    "domain.transfer": _("Domain transferred"),
    "domain.transfer_away_notice": _("Notice of transfer away"),
    "domain.transfer_request": _("Transfer requested"),
    "domain.transferred_away": _("Domain transferred away"),
    "drift.check": _("Servers compared"),
    "drift.check_enqueued": _("Comparison started"),
    "drift.found": _("Difference found"),
    "drift.gone": _("Difference gone"),
    "drift.repair": _("Difference repaired"),
    "impersonation.start": _("Logged in as the client"),
    "impersonation.stop": _("Stopped acting as the client"),
    "invoice.cancel": _("Invoice cancelled"),
    "invoice.chargeback": _("Chargeback booked"),
    "invoice.create": _("Invoice created"),
    "invoice.create_renewal": _("Renewal invoice created"),
    "invoice.credit_note": _("Credit note created"),
    "invoice.mark_paid": _("Marked paid"),
    "invoice.online_payment_start": _("Online payment started"),
    "invoice.online_payment_status": _("Online payment status changed"),
    "invoice.paid": _("Invoice paid"),
    "invoice.payment": _("Payment booked"),
    "invoice.refund": _("Refund booked"),
    "invoice.reminder": _("Payment reminder sent"),
    "invoice.send_email": _("Invoice e-mailed"),
    "mail_filter.activate": _("Mail filtering active (MX switched)"),
    "mail_filter.cancel": _("Mail filtering cancelled"),
    "mail_filter.cancel_failed": _("Cancelling at the provider failed"),
    "mail_filter.check_failed": _("Check at the provider failed"),
    "mail_filter.confirm": _("Mail filtering confirmed"),
    "mail_filter.confirm_override": _("Mail filtering confirmed anyway"),
    "mail_filter.confirm_refused": _("Confirmation refused by the provider"),
    "mail_filter.remove": _("Mail filtering removed"),
    "mail_filter.request": _("Mail filtering requested"),
    "mail_filter.switch_failed": _("MX switch failed"),
    "mail_filter_provider.create": _("Mail filtering provider created"),
    "mail_filter_provider.update": _("Mail filtering provider changed"),
    "mailbox.change_password": _("Mailbox password changed"),
    "mailbox.create": _("Mailbox created"),
    "mailbox.create_unfinished": _("Mailbox creation unfinished"),
    "mailbox.delete": _("Mailbox deleted"),
    "mailbox.found": _("Mailbox found on the server"),
    "mailbox.missing": _("Mailbox missing on the server"),
    "mailbox.set_quota": _("Mailbox size changed"),
    "mailbox.spam_filter": _("Spam filter changed"),
    "mailbox.spam_filter_drift": _("Spam filter differs on the server"),
    "mailbox.spam_filter_fix": _("Spam filter switched on again"),
    "order.accept_enqueued": _("Acceptance started"),
    "order.activate": _("Order active"),
    "order.auto_accept": _("Order accepted automatically"),
    "order.auto_accept_held": _("Automatic acceptance held for staff"),
    "order.cancel": _("Order cancelled"),
    "order.place": _("Order placed"),
    "order_item.accept": _("Order item accepted"),
    "order_item.fail": _("Order item failed"),
    "order_item.price_override": _("Price changed by staff"),
    "product.create": _("Product created"),
    "product.update": _("Product changed"),
    "product_group.create": _("Product group created"),
    "product_group.update": _("Product group changed"),
    "registrar.connection_test": _("Registrar connection tested"),
    "registrar.create": _("Registrar created"),
    "registrar.update": _("Registrar changed"),
    "registrar_contact.create": _("Contact created at the registrar"),
    "registrar_contact.update": _("Contact changed at the registrar"),
    "server.connection_test": _("Server connection tested"),
    "server.create": _("Server created"),
    "server.update": _("Server changed"),
    "server_group.create": _("Server group created"),
    "server_group.update": _("Server group changed"),
    "service.activate": _("Service set up"),
    "service.billing_update": _("Service billing changed"),
    "service.cancellation_done": _("Cancellation carried out"),
    "service.cancellation_request": _("Cancellation requested"),
    "service.cancellation_withdraw": _("Cancellation withdrawn"),
    "service.change_package": _("Package changed"),
    "service.change_password": _("Service password changed"),
    "service.due_date_move": _("Service due date moved"),
    "service.password_shown": _("Password shown"),
    "service.suspend": _("Service suspended"),
    "service.terminate": _("Service terminated"),
    "service.unsuspend": _("Service unsuspended"),
    "tld.create": _("TLD created"),
    "tld.update": _("TLD changed"),
    "user.invitation_send": _("Invitation sent"),
    "user.password_reset_send": _("Password reset link sent"),
    "user.password_set": _("Password set"),
    "user.two_factor_enrol": _("Two-factor login set up"),
    "user.two_factor_failed": _("Two-factor code refused"),
    "user.two_factor_login": _("Logged in with a two-factor code"),
    "user.two_factor_recovery_code_used": _("Recovery code used"),
    "whmcs.import": _("Imported from WHMCS"),
}

# The object an action code starts with, for codes without their own label.
OBJECT_LABELS = {
    "api_token": _("API token"),
    "billing_settings": _("Billing settings"),
    "client": _("Client"),
    "client_user": _("Login"),
    "dns": _("DNS"),
    "domain": _("Domain"),
    "drift": _("Differences"),
    "impersonation": _("Logged in as client"),
    "invoice": _("Invoice"),
    "mail_filter": _("Mail filtering"),
    "mail_filter_provider": _("Mail filtering provider"),
    "mailbox": _("Mailbox"),
    "order": _("Order"),
    "order_item": _("Order item"),
    "product": _("Product"),
    "product_group": _("Product group"),
    "registrar": _("Registrar"),
    "registrar_contact": _("Registrar contact"),
    "server": _("Server"),
    "server_group": _("Server group"),
    "service": _("Service"),
    "tld": _("TLD"),
    "user": _("Login"),
    "whmcs": _("WHMCS import"),
}


def audit_action_label(action: str) -> str:
    """The action in the current language, e.g. "invoice.create" -> "Factuur aangemaakt"."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    if action.endswith("_failed") and action.removesuffix("_failed") in ACTION_LABELS:
        return gettext("%(action)s: failed") % {
            "action": ACTION_LABELS[action.removesuffix("_failed")]
        }
    prefix = action.split(".", 1)[0]
    if prefix in OBJECT_LABELS:
        return f"{OBJECT_LABELS[prefix]}: {action}"
    return action


# Changes recorded on one object that are a field of another ("model label", "field").
FIELDS_ELSEWHERE = {"online_payment_status": ("billing.molliepayment", "status")}


def _model_field(object_type: str, name: str):
    if not object_type:
        return None
    object_type, name = FIELDS_ELSEWHERE.get(name, (object_type, name))
    try:
        return apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def audit_value_label(value: Any, field=None) -> str:
    """A stored change value as a person reads it: choice labels, amounts and local dates in the
    reader's language, yes/no."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list | tuple):
        return ", ".join(audit_value_label(item, field) for item in value)
    choices = dict(getattr(field, "flatchoices", None) or ()) if field is not None else {}
    if choices and value in choices:
        return str(choices[value])
    if isinstance(field, models.DecimalField) and isinstance(value, str | int | float):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        if isinstance(field, MoneyField):
            return format_money(amount)
        return formats.number_format(amount, decimal_pos=field.decimal_places)
    if isinstance(value, str) and (moment := stored_moment_text(value)) is not None:
        return moment
    return str(value)


def audit_changes(event) -> list[tuple[str, str, str]]:
    """(field, before, after) for each change of an audit event, with labels."""
    rows = []
    for name, change in (event.changes or {}).items():
        field = _model_field(event.object_type, name)
        label = (
            str(field.verbose_name)
            if field is not None and hasattr(field, "verbose_name")
            else name
        )
        before, after = (
            [*change, None, None][:2] if isinstance(change, list | tuple) else (None, change)
        )
        shown = (label, audit_value_label(before, field), audit_value_label(after, field))
        # Moments a few seconds apart read the same: a row saying "12:47 → 12:47" shows nothing.
        if shown[1] != shown[2]:
            rows.append(shown)
    return rows


def actor_text(label: str, kind: str = "") -> str:
    """Who acted, as a stored actor label ("system (cron)", "piet@… as client 10042") reads in the
    reader's language; a person's own name or address stays as it is."""
    if kind == ActorKind.SYSTEM or (not kind and label.startswith(f"{SYSTEM_LABEL} (")):
        return gettext("Hostwerk (automatic)")
    if AS_CLIENT in label and kind in ("", ActorKind.STAFF_AS_CLIENT):
        staff, number = label.rsplit(AS_CLIENT, 1)
        return gettext("%(staff)s as client %(number)s") % {"staff": staff, "number": number}
    return label
