"""Plesk: a Plesk customer per client per server, and a subscription (webspace) per service."""

from __future__ import annotations

import contextlib
import re
import secrets
import string

from django.conf import settings
from django.utils.translation import gettext as _

from hostwerk.core.errors import PermanentError
from hostwerk.integrations.plesk import (
    CustomerSpec,
    PleskClient,
    PleskObjectExists,
    PleskObjectNotFound,
    WebspaceSpec,
)
from hostwerk.provisioning.checkpoints import Checkpoints
from hostwerk.provisioning.models import Server, Service, ServiceStatus
from hostwerk.provisioning.modules.base import ProvisioningModule

PASSWORD_ALPHABET = string.ascii_letters + string.digits + "-_.!"


class ProvisioningRefused(PermanentError):
    """The server holds something that stops Hostwerk; `message` says what to do."""


def generate_password(length: int = 16) -> str:
    # Plesk's default policy wants letters, digits and a sign; a fixed prefix guarantees them.
    return "Hw7!" + "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length - 4))


def plesk_client_for(server: Server) -> PleskClient:
    return PleskClient(
        server.api_url,
        login=server.username or None,
        password=server.password or None,
        secret_key=server.api_key or None,
        verify_tls=server.verify_tls,
        timeout=settings.HOSTWERK_PLESK_TIMEOUT,
        name=server.name,
    )


def customer_external_id(service: Service) -> str:
    return f"hostwerk-client-{service.client_id}"


def customer_login(service: Service) -> str:
    return f"hw{service.client.number}"


def ftp_login(domain: str) -> str:
    # Plesk system users: lower case, start with a letter, at most 16 characters.
    base = re.sub(r"[^a-z0-9]", "", domain.split(".")[0].lower()) or "site"
    if not base[0].isalpha():
        base = "w" + base
    return base[:16]


class PleskModule(ProvisioningModule):
    name = "plesk"

    @staticmethod
    def _server(service: Service) -> Server:
        if service.server is None:
            raise ProvisioningRefused(_("Choose a server for this service first."))
        return service.server

    def _client(self, service: Service) -> PleskClient:
        return plesk_client_for(self._server(service))

    # -- create ---------------------------------------------------------------------------------

    def create(self, service: Service) -> None:
        steps = Checkpoints(service)
        with self._client(service) as plesk:
            customer_id = int(steps.run("customer", lambda: self._ensure_customer(plesk, service)))
            if service.remote_customer_id != str(customer_id):
                Service.objects.filter(pk=service.pk).update(remote_customer_id=str(customer_id))
                service.remote_customer_id = str(customer_id)
            webspace_id = steps.run(
                "subscription", lambda: self._ensure_webspace(plesk, service, customer_id)
            )
            if service.remote_service_id != webspace_id:
                Service.objects.filter(pk=service.pk).update(remote_service_id=webspace_id)
                service.remote_service_id = webspace_id

    def _ensure_customer(self, plesk: PleskClient, service: Service) -> str:
        external_id = customer_external_id(service)
        found = plesk.customer_get(external_id=external_id)
        if found is not None:
            self._share_login_with_siblings(service)
            return str(found.id)
        client = service.client
        login = customer_login(service)
        password = service.password or generate_password()
        spec = CustomerSpec(
            login=login,
            password=password,
            pname=client.full_name,
            cname=client.company,
            email=client.email,
            phone=client.phone,
            address=" ".join(filter(None, [client.address1, client.address2])),
            city=client.city,
            pcode=client.postcode,
            country=client.country.code,
            external_id=external_id,
        )
        self._remember_login(service, login, password)
        try:
            customer = plesk.customer_add(spec)
        except PleskObjectExists:
            # Created by an earlier attempt whose answer was lost, or by someone by hand.
            existing = plesk.customer_get(login=login)
            if existing is None or existing.external_id != external_id:
                raise ProvisioningRefused(
                    _(
                        "%(server)s already has a customer with login %(login)s that Hostwerk did "
                        "not create. Rename or remove it in Plesk, then accept again."
                    )
                    % {"server": self._server(service).name, "login": login}
                ) from None
            return str(existing.id)
        return str(customer.id)

    def _share_login_with_siblings(self, service: Service) -> None:
        """A client has one Plesk customer per server: reuse the login another service keeps."""
        sibling = (
            Service.objects.filter(client=service.client, server=service.server)
            .exclude(pk=service.pk)
            .exclude(username="")
            .order_by("created_at")
            .first()
        )
        if sibling is not None:
            self._remember_login(service, sibling.username, sibling.password)

    def _remember_login(self, service: Service, login: str, password: str) -> None:
        if service.username != login or service.password != password:
            service.username, service.password = login, password
            Service.objects.filter(pk=service.pk).update(username=login, password=password)

    def _ensure_webspace(self, plesk: PleskClient, service: Service, customer_id: int) -> str:
        existing = plesk.webspace_get(name=service.domain)
        if existing is not None:
            return self._adopt_webspace(service, existing, customer_id)
        settings = service.product.module_settings or {}
        hosting_type = settings.get("hosting_type", "vrt_hst")
        spec = WebspaceSpec(
            name=service.domain,
            owner_id=customer_id,
            plan_name=settings.get("plan", "Default Domain"),
            ip_address=self._server(service).web_ip,
            hosting_type=hosting_type,
            ftp_login=ftp_login(service.domain) if hosting_type == "vrt_hst" else "",
            ftp_password=generate_password() if hosting_type == "vrt_hst" else "",
            forwarding_url=service.forwarding_url if hosting_type != "vrt_hst" else "",
            external_id=f"hostwerk-service-{service.pk}",
        )
        try:
            return str(plesk.webspace_add(spec).id)
        except PleskObjectExists:
            existing = plesk.webspace_get(name=service.domain)
            if existing is None:
                raise
            return self._adopt_webspace(service, existing, customer_id)

    def _adopt_webspace(self, service: Service, webspace, customer_id: int) -> str:
        if webspace.owner_id != customer_id:
            raise ProvisioningRefused(
                _(
                    "%(domain)s already exists on %(server)s for another Plesk customer. Remove it "
                    "there or choose another server, then accept again."
                )
                % {"domain": service.domain, "server": self._server(service).name}
            )
        return str(webspace.id)

    # -- lifecycle ------------------------------------------------------------------------------

    def _webspace_id(self, plesk: PleskClient, service: Service) -> int | None:
        if service.remote_service_id:
            return int(service.remote_service_id)
        found = plesk.webspace_get(name=service.domain)
        return found.id if found is not None else None

    def _require_webspace(self, plesk: PleskClient, service: Service) -> int:
        webspace_id = self._webspace_id(plesk, service)
        if webspace_id is None:
            raise ProvisioningRefused(
                _("%(domain)s does not exist on %(server)s.")
                % {"domain": service.domain, "server": self._server(service).name}
            )
        return webspace_id

    def suspend(self, service: Service) -> None:
        with self._client(service) as plesk:
            plesk.webspace_set_status(id=self._require_webspace(plesk, service), status="suspended")

    def unsuspend(self, service: Service) -> None:
        with self._client(service) as plesk:
            plesk.webspace_set_status(id=self._require_webspace(plesk, service), status="active")

    def terminate(self, service: Service) -> None:
        with self._client(service) as plesk:
            webspace_id = self._webspace_id(plesk, service)
            if webspace_id is not None:
                # Already gone is fine: the goal of terminating is reached.
                with contextlib.suppress(PleskObjectNotFound):
                    plesk.webspace_del(id=webspace_id)
            others = Service.objects.filter(
                client=service.client,
                server=service.server,
                status__in=(ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED),
            ).exclude(pk=service.pk)
            if service.remote_customer_id and not others.exists():
                with contextlib.suppress(PleskObjectNotFound):
                    plesk.customer_del(id=int(service.remote_customer_id))
        Checkpoints(service).forget("customer", "subscription")

    def change_package(self, service: Service, *, plan: str) -> None:
        with self._client(service) as plesk:
            plesk.webspace_switch_plan(id=self._require_webspace(plesk, service), plan_name=plan)

    def change_password(self, service: Service, *, password: str) -> None:
        if not service.remote_customer_id:
            raise ProvisioningRefused(_("This service has no Plesk customer yet."))
        with self._client(service) as plesk:
            plesk.customer_set_password(id=int(service.remote_customer_id), password=password)
