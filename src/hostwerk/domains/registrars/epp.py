"""The "epp" adapter: a registrar reached straight over EPP (SIDN, DENIC, a gTLD registry).

It builds an EppClient from the Registrar record, writes every exchange to the EPP log, and
turns registry refusals into messages that say what to fix.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hostwerk.domains.registrars.base import (
    FIX_CLIENT_PROFILE,
    FIX_DOMAIN,
    FIX_REGISTRAR_SETTINGS,
    FIX_ZONE,
    AuthCodeWrong,
    Availability,
    CommandNotOffered,
    ContactData,
    DomainExists,
    DomainState,
    ObjectMissing,
    PollNotice,
    RegistrarClient,
    RegistrarOutcomeUnknown,
    RegistrarRefused,
    RegistrarUnavailable,
    RegistrationResult,
    TransferResult,
)
from hostwerk.integrations.epp import (
    ContactSpec,
    EppAuthenticationError,
    EppAuthorizationError,
    EppBillingFailure,
    EppClient,
    EppConnectFailed,
    EppConnectionError,
    EppConnectionLost,
    EppError,
    EppObjectExists,
    EppObjectNotFound,
    EppParameterError,
    EppPolicyError,
    EppStatusProhibits,
    EppTransientResultError,
    EppUnimplemented,
    EppValueRangeError,
    ExchangeLog,
    TransferStatus,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

    from hostwerk.domains.models import Domain, Registrar

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0

# What each command is called in messages for staff.
COMMAND_LABELS = {
    "login": gettext_lazy("login"),
    "check": gettext_lazy("availability check"),
    "contact": gettext_lazy("contact update"),
    "create": gettext_lazy("registration"),
    "transfer": gettext_lazy("transfer request"),
    "transfer_query": gettext_lazy("transfer query"),
    "renew": gettext_lazy("renewal"),
    "info": gettext_lazy("information request"),
    "update": gettext_lazy("name-server change"),
    "delete": gettext_lazy("deletion"),
    "poll": gettext_lazy("message queue request"),
    "ack": gettext_lazy("message acknowledgement"),
}


@dataclass(frozen=True)
class Refusal:
    """One rule of REFUSALS: which registry errors it explains, how, and where staff fix it."""

    error: type[EppError]
    message: StrPromise
    fix: str
    refusal: type[RegistrarRefused] = RegistrarRefused
    words: tuple[str, ...] = ()  # any of them in the registry's reason (lower case); () for all
    code: int | None = None  # only this result code
    command: str | None = None  # only for this command

    def fits(self, error: EppError, command: str, reason: str) -> bool:
        lowered = reason.lower()
        return (
            isinstance(error, self.error)
            and (not self.words or any(word in lowered for word in self.words))
            and (self.code is None or error.code == self.code)
            and (self.command is None or command == self.command)
        )


# First match wins: the narrower rule of an error class comes before its general one.
REFUSALS = (
    Refusal(
        EppAuthenticationError,
        gettext_lazy(
            "The registry refused the login of registrar %(registrar)s: check its login "
            "and password in the registrar settings."
        ),
        FIX_REGISTRAR_SETTINGS,
    ),
    Refusal(
        EppPolicyError,
        gettext_lazy(
            "SIDN refuses the owner contact without a legal form: set the owner's legal "
            "form (and for a company its chamber of commerce number) on the client's "
            "profile. The registry said: %(reason)s"
        ),
        FIX_CLIENT_PROFILE,
        words=("legal form", "legalform"),
    ),
    Refusal(
        EppPolicyError,
        gettext_lazy(
            "The registry's name-server check for %(name)s failed: %(reason)s. The zone "
            "must be published on our name servers before the registration; check the "
            "zone, then try again."
        ),
        FIX_ZONE,
        words=("nameserver check",),
    ),
    Refusal(
        EppParameterError,
        gettext_lazy(
            "The registry refuses the owner's phone number (%(reason)s). Correct it on the "
            "client's profile, with country code, like +31 20 123 4567."
        ),
        FIX_CLIENT_PROFILE,
        words=("voice", "fax"),
    ),
    Refusal(
        EppParameterError,
        gettext_lazy(
            "The registry refuses the owner's e-mail address (%(reason)s): correct it on the client's profile."
        ),
        FIX_CLIENT_PROFILE,
        words=("e-mail", "email"),
    ),
    Refusal(
        EppParameterError,
        gettext_lazy(
            "The registry refuses the owner's country (%(reason)s): correct it on the client's profile."
        ),
        FIX_CLIENT_PROFILE,
        words=("country",),
    ),
    Refusal(
        EppValueRangeError,
        gettext_lazy("The registry does not accept this period for %(name)s: %(reason)s."),
        FIX_DOMAIN,
        words=("period",),
    ),
    Refusal(
        EppObjectExists,
        gettext_lazy(
            "%(name)s is already registered. If it belongs to the client, order a "
            "transfer with the auth code from the current registrar instead."
        ),
        FIX_DOMAIN,
        refusal=DomainExists,
    ),
    Refusal(
        EppObjectNotFound,
        gettext_lazy("The registry does not know %(name)s (%(reason)s)."),
        FIX_DOMAIN,
        refusal=ObjectMissing,
    ),
    Refusal(
        EppAuthorizationError,
        gettext_lazy(
            "The auth code for %(name)s is wrong. Ask the owner for the current code at "
            "their registrar and enter it on the domain page."
        ),
        FIX_DOMAIN,
        refusal=AuthCodeWrong,
        code=2202,
    ),
    Refusal(
        EppAuthorizationError,
        gettext_lazy(
            "%(name)s is held by another registrar account, so registrar %(registrar)s may "
            "not change it (%(reason)s)."
        ),
        FIX_DOMAIN,
    ),
    Refusal(
        EppStatusProhibits,
        gettext_lazy("A transfer of %(name)s is already pending at the registry."),
        FIX_DOMAIN,
        code=2300,
    ),
    Refusal(
        EppStatusProhibits,
        gettext_lazy(
            "%(name)s cannot be transferred now (%(reason)s). If it is locked, ask the "
            "owner to unlock it at the current registrar, then try again."
        ),
        FIX_DOMAIN,
        command="transfer",
    ),
    Refusal(
        EppStatusProhibits,
        gettext_lazy(
            "The status of %(name)s at the registry does not allow the %(command)s (%(reason)s)."
        ),
        FIX_DOMAIN,
    ),
    Refusal(
        EppUnimplemented,
        gettext_lazy(
            "The registry does not renew %(name)s on request: it renews automatically "
            "until the domain is cancelled."
        ),
        FIX_DOMAIN,
        refusal=CommandNotOffered,
        command="renew",
    ),
    Refusal(
        EppUnimplemented,
        gettext_lazy("The registry does not offer the %(command)s (%(reason)s)."),
        FIX_DOMAIN,
        refusal=CommandNotOffered,
    ),
    Refusal(
        EppBillingFailure,
        gettext_lazy(
            "The registry refused the %(command)s for %(name)s for billing reasons: top "
            "up the account of registrar %(registrar)s."
        ),
        FIX_REGISTRAR_SETTINGS,
    ),
)


def _registry_words(error: EppError | EppTransientResultError) -> str:
    """The registry's result code and its own text, for a sentence in the reader's language (the
    EPP client's own description is English: "EPP domain:create failed with 2400 …")."""
    words = f"{error.message}: {error.reason}" if error.reason else error.message
    return _("registry code %(code)s: %(words)s") % {"code": error.code, "words": words}


REFUSED_OTHERWISE = gettext_lazy(
    "The registry refused the %(command)s for %(name)s: %(code)s %(message)s (%(reason)s)."
)


def _transfer_result(status: TransferStatus) -> TransferResult:
    return TransferResult(
        name=status.name,
        status=status.status,
        expires=status.expires,
        requesting_account=status.requesting_client_id,
    )


class EppRegistrar(RegistrarClient):
    """One EPP session with the registry of `registrar`; exchanges are logged against `domain`."""

    def __init__(
        self, registrar: Registrar, *, domain: Domain | None = None, timeout: float | None = None
    ) -> None:
        self.registrar = registrar
        self.domain = domain
        self.account = registrar.username
        options = registrar.settings or {}
        self._client = EppClient(
            registrar.host,
            registrar.port,
            client_id=registrar.username,
            password=registrar.password,
            timeout=timeout or float(options.get("timeout", DEFAULT_TIMEOUT)),
            verify_tls=registrar.verify_tls,
            ca_file=options.get("ca_file") or None,
            client_certificate=options.get("client_certificate") or None,
            client_key=options.get("client_key") or None,
            on_exchange=self._log,
        )

    def close(self) -> None:
        with contextlib.suppress(EppConnectionError, EppError, EppTransientResultError):
            self._client.close()

    # -- the EPP log ----------------------------------------------------------------------------

    def _log(self, exchange: ExchangeLog) -> None:
        from hostwerk.domains.models import Domain, EppLogEntry

        domain = self.domain
        if (
            domain is None
            and exchange.command.startswith("domain:")
            and exchange.command != "domain:check"
        ):
            domain = Domain.objects.filter(name=exchange.object_name).first()
        EppLogEntry.objects.create(
            domain=domain if domain is not None and domain.pk else None,
            registrar=self.registrar,
            command=exchange.command[:40],
            object_name=exchange.object_name[:255],
            client_transaction_id=exchange.client_transaction_id[:64],
            server_transaction_id=exchange.server_transaction_id[:64],
            result_code=exchange.result_code,
            message=exchange.message,
            request_xml=exchange.request_xml,
            response_xml=exchange.response_xml,
            duration_ms=int(exchange.duration_seconds * 1000),
        )

    # -- errors ---------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _explained(self, command: str, name: str) -> Iterator[None]:
        """Raise the registry's refusals and outages as messages that say what to do."""
        try:
            yield
        except EppConnectFailed as error:
            raise RegistrarUnavailable(
                _(
                    "Could not reach registrar %(registrar)s (%(detail)s). Nothing was sent; "
                    "try again once it answers, and if it keeps failing, check its address and "
                    "certificate settings."
                )
                % {"registrar": self.registrar.name, "detail": error}
            ) from error
        except EppConnectionLost as error:
            raise RegistrarOutcomeUnknown(
                _(
                    "Registrar %(registrar)s did not answer the %(command)s for %(name)s, so it is "
                    "unknown whether it was carried out (%(detail)s). Hostwerk looks at the "
                    "registry before it tries again."
                )
                % {
                    "registrar": self.registrar.name,
                    "command": COMMAND_LABELS.get(command, command),
                    "name": name,
                    "detail": error,
                }
            ) from error
        except EppTransientResultError as error:
            raise RegistrarUnavailable(
                _(
                    "The registry failed on the %(command)s for %(name)s (%(detail)s); nothing was "
                    "changed. Try again later."
                )
                % {
                    "command": COMMAND_LABELS.get(command, command),
                    "name": name,
                    "detail": _registry_words(error),
                }
            ) from error
        except EppError as error:
            raise self._refusal(error, command, name) from error

    def _refusal(self, error: EppError, command: str, name: str) -> RegistrarRefused:
        """The registry's refusal as staff should read it: the first rule of REFUSALS that fits."""
        reason = error.reason or error.message
        values = {
            "registrar": self.registrar.name,
            "command": COMMAND_LABELS.get(command, command),
            "name": name,
            "reason": reason,
            "code": error.code,
            "message": error.message,
        }
        rule = next((rule for rule in REFUSALS if rule.fits(error, command, reason)), None)
        if rule is None:
            return RegistrarRefused(
                REFUSED_OTHERWISE % values, registry_code=error.code, reason=reason
            )
        return rule.refusal(
            rule.message % values, fix=rule.fix, registry_code=error.code, reason=reason
        )

    # -- commands -------------------------------------------------------------------------------

    def connection_test(self) -> str:
        with self._explained("login", self.account):
            greeting = self._client.connect()
        return greeting.server_id

    def check(self, names: list[str]) -> list[Availability]:
        with self._explained("check", ", ".join(names)):
            answers = self._client.domain_check(names)
        return [Availability(item.name, item.available, item.reason) for item in answers]

    @staticmethod
    def _spec(contact: ContactData, handle: str) -> ContactSpec:
        return ContactSpec(
            id=handle,
            name=contact.name,
            organization=contact.organization,
            email=contact.email,
            street_lines=contact.street_lines,
            city=contact.city,
            postcode=contact.postcode,
            province=contact.province,
            country_code=contact.country_code,
            voice=contact.voice,
            legal_form=contact.legal_form or None,
            legal_form_registration_number=contact.registration_number or None,
        )

    def contact_ensure(self, *, contact: ContactData, handle: str, proposed_handle: str) -> str:
        subject = handle or proposed_handle
        with self._explained("contact", subject):
            if handle:
                try:
                    self._client.contact_update(id=handle, spec=self._spec(contact, handle))
                    return handle
                except EppObjectNotFound:
                    # Gone at the registry (deleted, or a test registry was reset): make it anew.
                    logger.warning(
                        "contact %s is unknown at %s; creating it again", handle, self.registrar
                    )
            return self._contact_create(contact, proposed_handle)

    def _contact_create(self, contact: ContactData, proposed_handle: str) -> str:
        spec = self._spec(contact, proposed_handle)
        try:
            return self._client.contact_create(spec)
        except EppObjectExists:
            pass
        except EppConnectionLost:
            # It may have been created; a handle we chose ourselves can be looked up.
            try:
                self._client.contact_info(id=proposed_handle)
            except EppObjectNotFound:
                return self._client.contact_create(spec)
        info = self._client.contact_info(id=proposed_handle)
        if info.sponsoring_client_id != self.account:
            raise RegistrarRefused(
                _(
                    "The contact handle %(handle)s belongs to another registrar account; it "
                    "cannot be used for this client."
                )
                % {"handle": proposed_handle},
                fix=FIX_REGISTRAR_SETTINGS,
            )
        # Ours from an earlier attempt whose answer was lost: bring its data up to date.
        self._client.contact_update(id=proposed_handle, spec=spec)
        return proposed_handle

    def register(
        self, *, name: str, years: int, contact_handle: str, nameservers: list[str], auth_code: str
    ) -> RegistrationResult:
        with self._explained("create", name):
            result = self._client.domain_create(
                name=name,
                years=years,
                registrant=contact_handle,
                admin_contacts=[contact_handle],
                tech_contacts=[contact_handle],
                nameservers=nameservers,
                auth_code=auth_code,
            )
        return RegistrationResult(
            name=result.name, expires=result.expires, created=result.created, pending=result.pending
        )

    def transfer_request(self, *, name: str, auth_code: str, years: int | None) -> TransferResult:
        with self._explained("transfer", name):
            return _transfer_result(
                self._client.domain_transfer_request(name=name, auth_code=auth_code, years=years)
            )

    def transfer_query(self, *, name: str) -> TransferResult:
        with self._explained("transfer_query", name):
            return _transfer_result(self._client.domain_transfer_query(name=name))

    def renew(self, *, name: str, current_expiry: date, years: int) -> date:
        with self._explained("renew", name):
            return self._client.domain_renew(name=name, current_expiry=current_expiry, years=years)

    def info(self, *, name: str) -> DomainState:
        with self._explained("info", name):
            info = self._client.domain_info(name=name)
        return DomainState(
            name=info.name,
            roid=info.roid,
            statuses=info.statuses,
            sponsor=info.sponsoring_client_id,
            ours=info.sponsoring_client_id == self.account,
            registrant=info.registrant,
            admin=tuple(info.contacts.get("admin", ())),
            tech=tuple(info.contacts.get("tech", ())),
            nameservers=tuple(host.lower().rstrip(".") for host in info.nameservers),
            created=info.created,
            expires=info.expires,
        )

    def update_nameservers(self, *, name: str, nameservers: list[str]) -> None:
        wanted = [host.lower().rstrip(".") for host in nameservers]
        current = list(self.info(name=name).nameservers)
        added = [host for host in wanted if host not in current]
        removed = [host for host in current if host not in wanted]
        if not added and not removed:
            return
        with self._explained("update", name):
            self._client.domain_update(name=name, add_nameservers=added, remove_nameservers=removed)

    def delete(self, *, name: str) -> None:
        with self._explained("delete", name):
            self._client.domain_delete(name=name)

    def poll(self) -> PollNotice | None:
        with self._explained("poll", self.registrar.name):
            message = self._client.poll_request()
        if message is None:
            return None
        return PollNotice(
            id=message.id,
            text=message.text,
            domain_name=message.object_name,
            transfer=_transfer_result(message.transfer) if message.transfer else None,
        )

    def poll_ack(self, *, message_id: str) -> None:
        with self._explained("ack", message_id):
            self._client.poll_ack(message_id=message_id)
