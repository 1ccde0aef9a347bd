"""The EPP session (RFC 5730, 5734): connect over TLS, greeting, login, one exchange per command,
each exchange recorded; the commands themselves are in `client.py`."""

from __future__ import annotations

import contextlib
import logging
import secrets
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Self

from lxml import etree

from hostwerk.integrations.epp import namespaces
from hostwerk.integrations.epp.data import (
    CommandResult,
    ExchangeLog,
    Greeting,
    Response,
)
from hostwerk.integrations.epp.errors import (
    EppConnectFailed,
    EppConnectionError,
    EppConnectionLost,
    EppProtocolError,
    EppTimeout,
    error_for_result,
)
from hostwerk.integrations.epp.framing import FrameReader, FramingError, encode_frame
from hostwerk.integrations.epp.messages import (
    ResponseFormatError,
    add,
    document_bytes,
    new_command,
    new_document,
    parse_greeting,
    parse_response,
    redact,
    set_client_transaction_id,
)

logger = logging.getLogger(__name__)


def new_client_transaction_id() -> str:
    """`HW-<UTC time>-<random>`: unique per command, so a registry's log can be matched to ours."""
    return f"HW-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}-{secrets.token_hex(6)}"


@dataclass(frozen=True)
class _Sent:
    """One data unit on its way: what the exchange record and the errors name."""

    command_name: str
    object_name: str
    client_transaction_id: str
    request: bytes
    started: float


class EppSession:
    """The session under EppClient: connection, login, and one recorded exchange per command.

    Connects on first use and again after the registry dropped the connection; `_command`
    resends only what is safe to resend (see EppClient). Calls are serialised with a lock.
    """

    def __init__(
        self,
        host: str,
        port: int = 700,
        *,
        client_id: str,
        password: str,
        timeout: float = 30.0,
        verify_tls: bool = True,
        ca_file: str | None = None,
        client_certificate: str | None = None,
        client_key: str | None = None,
        on_exchange: Callable[[ExchangeLog], None] | None = None,
        language: str = "en",
    ) -> None:
        self.host = host
        self.port = port
        self.client_id = client_id
        self._password = password
        self.timeout = timeout
        self.verify_tls = verify_tls
        self.ca_file = ca_file
        self.client_certificate = client_certificate
        self.client_key = client_key
        self.on_exchange = on_exchange
        self.language = language
        self.last_exchange: ExchangeLog | None = None
        self._lock = threading.RLock()
        self._socket: ssl.SSLSocket | None = None
        self._reader: FrameReader | None = None
        self._greeting: Greeting | None = None
        self._logged_in = False
        self._last_activity = 0.0
        self._sidn_uri: str | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.host!r}, {self.port}, client_id={self.client_id!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- session ----------------------------------------------------------------------------

    @property
    def greeting(self) -> Greeting | None:
        """The registry's latest greeting (None before the first connection)."""
        return self._greeting

    @property
    def connected(self) -> bool:
        return self._socket is not None and self._logged_in

    @property
    def extension_uris(self) -> tuple[str, ...]:
        """Extensions announced at login: those the registry offers and this client speaks."""
        if self._greeting is None:
            return ()
        return tuple(
            uri for uri in self._greeting.extension_uris if uri in namespaces.SIDN_ALTERNATIVES
        )

    def connect(self) -> Greeting:
        """Open the session now (connect, greeting, login) instead of on the first command."""
        with self._lock:
            self._ensure_session()
            assert self._greeting is not None
            return self._greeting

    def hello(self) -> Greeting:
        """Send <hello/>; the registry answers with a fresh greeting. Keeps an idle session alive."""
        with self._lock:
            self._ensure_session()
            document = new_document()
            add(document, namespaces.EPP, "hello")
            request = document_bytes(document)
            sent = _Sent("hello", "", "", request, time.monotonic())
            response_xml = self._round_trip(sent)
            try:
                greeting = parse_greeting(response_xml)
            except ResponseFormatError as exc:
                raise self._fail(
                    sent,
                    EppProtocolError,
                    f"unreadable greeting: {exc}",
                    response_xml=response_xml,
                    raised=f"EPP hello: unreadable greeting: {exc}",
                )
            self._greeting = greeting
            self._record(sent, message="greeting", response_xml=response_xml)
            return greeting

    def keepalive(self, *, max_idle_seconds: float = 300.0) -> bool:
        """Send hello when the session has been idle longer than `max_idle_seconds`.

        Registries close idle sessions; call this from a timer. Returns whether a hello was sent.
        A session that turns out to be dead is dropped quietly; the next command reconnects.
        """
        with self._lock:
            if not self.connected:
                return False
            if time.monotonic() - self._last_activity < max_idle_seconds:
                return False
            try:
                self.hello()
            except EppConnectionError:
                self._discard()
                return False
            return True

    def logout(self) -> None:
        """End the session politely (logout, result 1500) and close the connection."""
        with self._lock:
            if self._socket is None:
                return
            if self._logged_in:
                command, _verb = new_command("logout")
                with contextlib.suppress(EppConnectionError):
                    self._exchange("logout", "", command)
            self._discard()

    def close(self) -> None:
        self.logout()

    def _ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.ca_file)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if not self.verify_tls:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if self.client_certificate:
            context.load_cert_chain(self.client_certificate, self.client_key)
        return context

    def _open(self) -> None:
        where = f"{self.host}:{self.port}"
        try:
            raw = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            raise EppConnectFailed(f"cannot connect to the registry at {where}: {exc}") from None
        # One small data unit per command: send it at once instead of waiting for ACKs.
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            tls = self._ssl_context().wrap_socket(raw, server_hostname=self.host)
        except (ssl.SSLError, OSError) as exc:
            raw.close()
            raise EppConnectFailed(f"TLS handshake with {where} failed: {exc}") from None
        tls.settimeout(self.timeout)
        reader = FrameReader(tls)
        try:
            greeting = parse_greeting(reader.read_frame())
        except (FramingError, OSError, ResponseFormatError) as exc:
            tls.close()
            raise EppConnectFailed(f"no EPP greeting from {where}: {exc}") from None
        self._socket = tls
        self._reader = reader
        self._greeting = greeting
        self._logged_in = False
        self._last_activity = time.monotonic()
        self._sidn_uri = next(
            (uri for uri in greeting.extension_uris if uri in namespaces.SIDN_ALTERNATIVES), None
        )
        logger.info("EPP connected to %s (%s)", where, greeting.server_id)

    def _discard(self) -> None:
        """Forget the connection without a word to the registry (it is gone or unusable)."""
        sock = self._socket
        self._socket = None
        self._reader = None
        self._logged_in = False
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()

    def _connection_is_stale(self) -> bool:
        """True when the registry closed the connection while it was idle.

        A registry never sends anything unasked, so a readable socket between commands means
        end-of-file, a reset or a farewell message: in every case the session is over. Checking
        this before sending lets a dropped session be replaced without risking a command.
        """
        sock = self._socket
        if sock is None or self._reader is None:
            return True
        if self._reader.buffered:
            return True
        try:
            readable, _, _ = select.select([sock], [], [], 0)
        except (OSError, ValueError):
            return True
        if not readable and not sock.pending():
            return False
        try:
            sock.setblocking(False)
            sock.recv(1)
        except ssl.SSLWantReadError:
            # Only TLS housekeeping (a session ticket) arrived; the session is fine.
            return False
        except OSError:
            return True
        finally:
            with contextlib.suppress(OSError):
                sock.settimeout(self.timeout)
        return True

    def _ensure_session(self) -> None:
        if self._socket is not None and self._connection_is_stale():
            logger.info("EPP connection to %s:%s was closed by the registry", self.host, self.port)
            self._discard()
        if self._socket is None:
            self._open()
        if not self._logged_in:
            self._login()

    def _login(self) -> None:
        greeting = self._greeting
        assert greeting is not None
        command, login = new_command("login")
        add(login, namespaces.EPP, "clID", self.client_id)
        add(login, namespaces.EPP, "pw", self._password)
        options = add(login, namespaces.EPP, "options")
        version = (
            "1.0" if "1.0" in greeting.versions or not greeting.versions else greeting.versions[0]
        )
        add(options, namespaces.EPP, "version", version)
        language = self.language
        if greeting.languages and language not in greeting.languages:
            language = "en" if "en" in greeting.languages else greeting.languages[0]
        add(options, namespaces.EPP, "lang", language)
        services = add(login, namespaces.EPP, "svcs")
        for uri in greeting.object_uris:
            if uri in namespaces.SUPPORTED_OBJECTS:
                add(services, namespaces.EPP, "objURI", uri)
        extensions = self.extension_uris
        if extensions:
            extension_list = add(services, namespaces.EPP, "svcExtension")
            for uri in extensions:
                add(extension_list, namespaces.EPP, "extURI", uri)
        try:
            response = self._exchange("login", self.client_id, command)
        except EppConnectionLost as exc:
            # A lost login changed nothing at the registry: report it as "not sent".
            raise EppConnectFailed(
                f"login at {self.host}:{self.port} failed: {exc}",
                command="login",
                client_transaction_id=exc.client_transaction_id,
            ) from None
        if response.code >= 2000:
            self._discard()
            raise self._error(response, "login")
        self._logged_in = True

    # -- exchanges ---------------------------------------------------------------------------

    def _round_trip(self, sent: _Sent) -> bytes:
        """Send one data unit and return the answer; transport failures become typed errors."""
        sock, reader = self._socket, self._reader
        assert sock is not None and reader is not None
        command_name = sent.command_name
        try:
            sock.sendall(encode_frame(sent.request))
        except OSError as exc:
            # sendall stops at the first failed write, so the registry never got the whole
            # data unit and cannot have acted on it.
            message = f"sending {command_name} failed, the command was not delivered: {exc}"
            raise self._fail(sent, EppConnectFailed, message) from None
        try:
            response_xml = reader.read_frame()
        except TimeoutError:
            message = f"no response to {command_name} within {self.timeout:g} s; outcome unknown"
            raise self._fail(sent, EppTimeout, message) from None
        except (FramingError, OSError) as exc:
            message = f"connection lost waiting for the response to {command_name}: {exc}"
            raise self._fail(sent, EppConnectionLost, message) from None
        self._last_activity = time.monotonic()
        return response_xml

    def _exchange(self, command_name: str, object_name: str, command: etree._Element) -> Response:
        """Send a <command> with a fresh clTRID and return the parsed response (any code)."""
        client_transaction_id = new_client_transaction_id()
        set_client_transaction_id(command, client_transaction_id)
        sent = _Sent(
            command_name,
            object_name,
            client_transaction_id,
            document_bytes(command),
            time.monotonic(),
        )
        response_xml = self._round_trip(sent)
        try:
            response = parse_response(response_xml)
        except ResponseFormatError as exc:
            message = f"unreadable response to {command_name}: {exc}"
            raise self._fail(sent, EppProtocolError, message, response_xml=response_xml) from None
        if (
            response.client_transaction_id
            and response.client_transaction_id != client_transaction_id
        ):
            # The answer belongs to another command: the stream is out of step.
            message = (
                f"response to {command_name} carries clTRID {response.client_transaction_id}, "
                f"expected {client_transaction_id}"
            )
            raise self._fail(
                sent,
                EppProtocolError,
                message,
                response_xml=response_xml,
                server_transaction_id=response.server_transaction_id,
                result_code=response.code,
            )
        message = response.message + (f" ({response.reason})" if response.reason else "")
        self._record(
            sent,
            message=message,
            response_xml=response_xml,
            server_transaction_id=response.server_transaction_id,
            result_code=response.code,
        )
        if response.code >= 2500:
            # 25xx: the registry closes the session after this answer.
            self._discard()
        return response

    def _fail(
        self,
        sent: _Sent,
        error_type: type[EppConnectionError] | type[EppProtocolError],
        message: str,
        *,
        response_xml: bytes = b"",
        server_transaction_id: str = "",
        result_code: int | None = None,
        raised: str | None = None,
    ) -> Exception:
        """A failed exchange: drop the connection, record it, and return the error to raise."""
        self._discard()
        self._record(
            sent,
            message=message,
            response_xml=response_xml,
            server_transaction_id=server_transaction_id,
            result_code=result_code,
        )
        return error_type(
            raised or message,
            command=sent.command_name,
            client_transaction_id=sent.client_transaction_id,
        )

    def _record(
        self,
        sent: _Sent,
        *,
        message: str,
        response_xml: bytes = b"",
        server_transaction_id: str = "",
        result_code: int | None = None,
    ) -> None:
        command_name, object_name = sent.command_name, sent.object_name
        client_transaction_id = sent.client_transaction_id
        entry = ExchangeLog(
            command=command_name,
            object_name=object_name,
            client_transaction_id=client_transaction_id,
            server_transaction_id=server_transaction_id,
            result_code=result_code,
            message=message,
            request_xml=redact(sent.request),
            response_xml=redact(response_xml),
            duration_seconds=round(time.monotonic() - sent.started, 6),
        )
        self.last_exchange = entry
        level = logging.INFO if result_code is not None and result_code < 2000 else logging.WARNING
        logger.log(
            level,
            "EPP %s %s -> %s %s (clTRID %s, svTRID %s, %.3f s)",
            command_name,
            object_name,
            result_code,
            message,
            client_transaction_id,
            server_transaction_id,
            entry.duration_seconds,
        )
        logger.debug("EPP request: %s", entry.request_xml)
        logger.debug("EPP response: %s", entry.response_xml)
        if self.on_exchange is not None:
            try:
                self.on_exchange(entry)
            except Exception:
                # A failing log sink must not turn a registry success into a failure.
                logger.exception("EPP exchange callback failed")

    def _error(self, response: Response, command_name: str) -> Exception:
        return error_for_result(
            code=response.code,
            message=response.message,
            reason=response.reason,
            command=command_name,
            client_transaction_id=response.client_transaction_id,
            server_transaction_id=response.server_transaction_id,
        )

    def _command(
        self,
        command_name: str,
        object_name: str,
        command: etree._Element,
        *,
        idempotent: bool = False,
    ) -> Response:
        with self._lock:
            for attempt in range(2):
                last_attempt = attempt == 1
                self._ensure_session()
                try:
                    response = self._exchange(command_name, object_name, command)
                except EppConnectFailed as exc:
                    # Sending failed part-way: the registry never had the whole command, so
                    # one more try on a new connection is safe even for a create.
                    if last_attempt:
                        raise
                    logger.warning(
                        "EPP %s: %s; sending again on a new connection", command_name, exc
                    )
                    continue
                except EppConnectionLost as exc:
                    if last_attempt or not idempotent or isinstance(exc, EppTimeout):
                        raise
                    logger.warning(
                        "EPP %s: %s; asking again on a new connection", command_name, exc
                    )
                    continue
                break
            if response.code >= 2000:
                raise self._error(response, command_name)
            return response

    @staticmethod
    def _result(response: Response) -> CommandResult:
        return CommandResult(
            code=response.code,
            message=response.message,
            client_transaction_id=response.client_transaction_id,
            server_transaction_id=response.server_transaction_id,
        )
