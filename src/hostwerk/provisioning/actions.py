"""Writes on services: their lifecycle on the server, audited, with the zone following (R7)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostwerk.core.audit import Actor, audit_record
from hostwerk.provisioning.models import Service, ServiceStatus, SuspendReason
from hostwerk.provisioning.modules import module_for
from hostwerk.provisioning.modules.plesk import generate_password


class ServiceRefused(Exception):
    """The service cannot change this way; the message says why."""


def _require_status(service: Service, allowed: tuple[str, ...], action: str) -> Service:
    service = Service.objects.select_related("server", "product", "client").get(pk=service.pk)
    if service.status not in allowed:
        raise ServiceRefused(
            _("A %(status)s service cannot be %(action)s.")
            % {"status": service.get_status_display(), "action": action}
        )
    return service


@transaction.atomic
def _set_status(
    *, actor: Actor, service: Service, old: str, new: str, action: str, **fields
) -> Service:
    updated = Service.objects.filter(pk=service.pk, status=old).update(status=new, **fields)
    if not updated:
        service.refresh_from_db()
        return service
    audit_record(
        actor=actor,
        action=action,
        obj=service,
        client=service.client,
        changes={"status": [old, new]},
        data={key: str(value) for key, value in fields.items() if key == "suspend_reason"},
    )
    service.refresh_from_db()
    return service


def _on_server(service: Service, operation: str, **arguments) -> None:
    """Run a lifecycle operation of the service's module; products without one have no remote side."""
    module = module_for(service.product.module)
    if module is not None:
        getattr(module, operation)(service, **arguments)


def service_suspend(
    *, actor: Actor, service: Service, reason: str = SuspendReason.STAFF
) -> Service:
    """Switch the service off on its server. An "overdue" suspension is lifted by the payment;
    one made by staff stays until staff lift it."""
    service = _require_status(service, (ServiceStatus.ACTIVE,), _("suspended"))
    _on_server(service, "suspend")
    return _set_status(
        actor=actor,
        service=service,
        old=ServiceStatus.ACTIVE,
        new=ServiceStatus.SUSPENDED,
        action="service.suspend",
        suspend_reason=SuspendReason(reason),
    )


def service_unsuspend(*, actor: Actor, service: Service) -> Service:
    service = _require_status(service, (ServiceStatus.SUSPENDED,), _("unsuspended"))
    _on_server(service, "unsuspend")
    return _set_status(
        actor=actor,
        service=service,
        old=ServiceStatus.SUSPENDED,
        new=ServiceStatus.ACTIVE,
        action="service.unsuspend",
        suspend_reason="",
    )


def service_terminate(*, actor: Actor, service: Service) -> Service:
    service = _require_status(
        service, (ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED), _("terminated")
    )
    _on_server(service, "terminate")
    old = service.status
    service = _set_status(
        actor=actor,
        service=service,
        old=old,
        new=ServiceStatus.TERMINATED,
        action="service.terminate",
        terminated_at=timezone.now(),
    )
    zone_follow_forwarding_after_terminate(actor=actor, service=service)
    return service


def zone_follow_forwarding_after_terminate(*, actor: Actor, service: Service) -> None:
    """R7: a terminated hosting service hands its zone back to the forwarding server."""
    from hostwerk.provisioning.zones import zone_after_service_change

    zone_after_service_change(actor=actor, service=service)


@transaction.atomic
def _audit(actor: Actor, service: Service, action: str, **data) -> None:
    audit_record(actor=actor, action=action, obj=service, client=service.client, data=data)


def service_change_package(*, actor: Actor, service: Service, plan: str) -> Service:
    service = _require_status(
        service, (ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED), _("changed")
    )
    _on_server(service, "change_package", plan=plan)
    _audit(actor, service, "service.change_package", plan=plan)
    return service


def service_change_password(*, actor: Actor, service: Service) -> str:
    """Set a new generated password on the server; it is shown once (R: login details once)."""
    service = _require_status(
        service, (ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED), _("changed")
    )
    password = generate_password()
    _on_server(service, "change_password", password=password)
    with transaction.atomic():
        # Every service of the client on this server shares the one Plesk customer login.
        Service.objects.filter(
            client=service.client, server=service.server, username=service.username
        ).update(password=password, password_shown_at=None)
        audit_record(
            actor=actor, action="service.change_password", obj=service, client=service.client
        )
    return password


def service_reveal_password(*, actor: Actor, service: Service) -> str | None:
    """The login password, once: the first view marks it shown; after that only a reset helps."""
    with transaction.atomic():
        shown = (
            Service.objects.filter(pk=service.pk, password_shown_at__isnull=True)
            .exclude(password="")
            .update(password_shown_at=timezone.now())
        )
        if not shown:
            return None
        audit_record(
            actor=actor, action="service.password_shown", obj=service, client=service.client
        )
    return Service.objects.get(pk=service.pk).password


@transaction.atomic
def server_update(*, actor: Actor, server, values: dict) -> None:
    from hostwerk.core.audit import apply_changes
    from hostwerk.provisioning.models import Server

    server = Server.objects.select_for_update().get(pk=server.pk)
    changes = apply_changes(server, values)
    if changes:
        server.save()
        for secret in ("password", "api_key"):
            if secret in changes:
                changes[secret] = ["••••", "••••"]  # the audit trail never holds secrets
        audit_record(actor=actor, action="server.update", obj=server, changes=changes)


# -- servers and server groups ----------------------------------------------------------------


class ServerInvalid(Exception):
    """The change breaks a rule of servers or groups; `errors` maps each field to the problem."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


_SECRET_FIELDS = ("password", "api_key")


def _hide_secrets(changes: dict) -> dict:
    for secret in _SECRET_FIELDS:
        if secret in changes:
            changes[secret] = ["••••", "••••"]  # the audit trail never holds secrets
    return changes


@transaction.atomic
def server_create(*, actor: Actor, values: dict):
    from hostwerk.provisioning.models import Server

    server = Server.objects.create(**values)
    changes = _hide_secrets({name: [None, value] for name, value in values.items()})
    audit_record(actor=actor, action="server.create", obj=server, changes=changes)
    return server


def _group_check(group, values: dict) -> None:
    default = values.get("default_server")
    if default is not None and (group is None or default.group_id != group.pk):
        raise ServerInvalid(
            {
                "default_server": _(
                    "%(server)s is not in this group: put it in the group first (on the "
                    "server's page), then make it the default."
                )
                % {"server": default.name}
            }
        )
    if default is not None and not default.active:
        raise ServerInvalid(
            {"default_server": _("%(server)s is inactive.") % {"server": default.name}}
        )


@transaction.atomic
def server_group_create(*, actor: Actor, values: dict):
    from hostwerk.provisioning.models import ServerGroup

    _group_check(None, values)
    group = ServerGroup.objects.create(**values)
    audit_record(
        actor=actor,
        action="server_group.create",
        obj=group,
        changes={name: [None, value] for name, value in values.items()},
    )
    return group


@transaction.atomic
def server_group_update(*, actor: Actor, group, values: dict):
    from hostwerk.core.audit import apply_changes
    from hostwerk.provisioning.models import ServerGroup

    group = ServerGroup.objects.select_for_update().get(pk=group.pk)
    _group_check(group, values)
    changes = apply_changes(group, values)
    if changes:
        group.save()
        audit_record(actor=actor, action="server_group.update", obj=group, changes=changes)
    return group


def server_connection_test(*, actor: Actor, server) -> tuple[bool, str]:
    """Log in to the server's API with its stored settings; (worked, what to tell staff)."""
    from hostwerk.core.errors import RemoteError
    from hostwerk.provisioning.models import ServerKind
    from hostwerk.provisioning.modules.plesk import plesk_client_for

    if server.kind not in (ServerKind.PLESK, ServerKind.FORWARDING):
        return False, _("This kind of server has no connection test.")
    try:
        with plesk_client_for(server) as plesk:
            info = plesk.server_info()
    except RemoteError as error:
        worked = False
        message = _("The connection failed: %(error)s") % {"error": error}
    else:
        worked = True
        message = _("Connected to %(host)s (Plesk %(version)s).") % {
            "host": info.hostname,
            "version": info.version or "?",
        }
    audit_record(
        actor=actor,
        action="server.connection_test",
        obj=server,
        data={"worked": worked, "message": message},
    )
    return worked, message
