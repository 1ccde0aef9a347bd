"""The session with one Plesk server: authentication, sending packets, reading results and errors."""

from __future__ import annotations

import ssl
from typing import Self

import httpx
from lxml import etree

from hostwerk.core.errors import TransientError
from hostwerk.core.http import HttpClient
from hostwerk.core.xml import UnsafeXmlError, parse_xml, to_bytes
from hostwerk.integrations.plesk.errors import (
    PleskAuthError,
    PleskCertificateError,
    PleskError,
    PleskUnavailable,
    PleskUnexpectedAnswer,
    error_class_for,
)
from hostwerk.integrations.plesk.packets import int_of, text_of

AGENT_PATH = "/enterprise/control/agent.php"
NOT_FOUND = 1013


class PleskTransport:
    """Sends packets to one Plesk server and checks the answers; the operations build on it."""

    def __init__(
        self,
        url: str,
        *,
        login: str | None = None,
        password: str | None = None,
        secret_key: str | None = None,
        verify_tls: bool = True,
        timeout: float = 30.0,
        name: str = "Plesk",
    ) -> None:
        if secret_key:
            headers = {"KEY": secret_key}
        elif login and password:
            headers = {"HTTP_AUTH_LOGIN": login, "HTTP_AUTH_PASSWD": password}
        else:
            raise ValueError("a Plesk client needs login and password, or a secret key")
        headers["Content-Type"] = "text/xml"
        self.url = url.rstrip("/")
        self.name = name
        self.label = "Plesk server" if name == "Plesk" else f"Plesk server {name}"
        self._credential = "secret key" if secret_key else "login"
        self._http = HttpClient(
            self.url, timeout=timeout, service=self.label, verify=verify_tls, headers=headers
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- low level --------------------------------------------------------------------------

    def request(self, packet: etree._Element) -> etree._Element:
        """Send a packet built by the caller; returns the answer's <packet> element.

        Packet-level (<system>) errors are raised; results are left to the caller.
        """
        return self._send(packet)

    def _send(self, packet: etree._Element) -> etree._Element:
        try:
            response = self._http.request("POST", AGENT_PATH, content=to_bytes(packet))
        except TransientError as exc:
            problem = _certificate_problem(exc)
            if problem is not None:
                raise PleskCertificateError(
                    f"{self.label} presented a TLS certificate that cannot be verified "
                    f"({problem.verify_message}); install a trusted certificate or switch off "
                    "certificate verification for this server.",
                    code=0,
                    text=str(problem),
                ) from exc
            raise PleskUnavailable(exc.message, code=exc.code, detail=exc.detail) from exc
        answer = self._parse(response)
        system = answer.find("system")
        if system is not None and text_of(system, "status") != "ok":
            code, text = _error_of(system)
            error_class = error_class_for(code)
            if issubclass(error_class, PleskAuthError):
                message = f"{self.label} refused the {self._credential} ({code}): {text}"
            else:
                message = f"{self.label} rejected the request ({code}): {text}"
            raise error_class(message, code=code, text=text)
        return answer

    def _parse(self, response: httpx.Response) -> etree._Element:
        # Plesk answers errors with HTTP 200; some setups answer a 500 that still carries an
        # error packet, so the body is read before the status is judged.
        try:
            answer = parse_xml(response.content)
        except UnsafeXmlError:
            answer = None
        if answer is not None and answer.tag == "packet":
            return answer
        status = response.status_code
        if status == 200 or status >= 500:
            raise PleskUnavailable(
                f"{self.label} answered HTTP {status} with something that is not a Plesk packet; "
                "try again later.",
                code=status,
                detail=response.text[:2000],
            )
        raise PleskUnexpectedAnswer(
            f"{self.label} answered HTTP {status} at {self.url}{AGENT_PATH}; "
            "check the server address.",
            code=status,
            text=response.text[:2000],
        )

    def _call(
        self, packet: etree._Element, operator: str, operation: str, *, action: str
    ) -> etree._Element:
        """Send a one-operation packet and return its checked result."""
        return self._single_result(self._send(packet), operator, operation, action=action)

    def _results(
        self, answer: etree._Element, operator: str, operation: str, *, action: str
    ) -> list[etree._Element]:
        """All results of one operation, each checked; raises on the first error."""
        name = _operation_name(operator, operation)
        node = answer.find(f"{operator}/{operation}")
        if node is None:
            raise self._unexpected(name, f"an answer to {name}")
        return [self._check(result, name, action) for result in node.findall("result")]

    def _single_result(
        self, answer: etree._Element, operator: str, operation: str, *, action: str
    ) -> etree._Element:
        name = _operation_name(operator, operation)
        node = answer.find(f"{operator}/{operation}")
        result = node.find("result") if node is not None else None
        if result is None:
            raise self._unexpected(name, f"a result for {name}")
        return self._check(result, name, action)

    def _check(self, result: etree._Element, operation: str, action: str) -> etree._Element:
        if text_of(result, "status") == "ok":
            return result
        code, text = _error_of(result)
        raise error_class_for(code)(
            f"{self.label} could not {action} ({code}): {text}",
            code=code,
            text=text,
            operation=operation,
            server="" if self.name == "Plesk" else self.name,
        )

    def _unexpected(self, operation: str, missing: str) -> PleskError:
        return PleskUnexpectedAnswer(
            f"{self.label} did not send {missing}.",
            code=0,
            text=f"missing {missing}",
            operation=operation,
        )


def _certificate_problem(error: BaseException) -> ssl.SSLCertVerificationError | None:
    """The certificate verification failure somewhere in the chain of causes, if any."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _error_of(element: etree._Element) -> tuple[int, str]:
    code = int_of(element, "errcode")
    text = text_of(element, "errtext") or "no error text"
    return (code if code is not None else 0), text


def _operation_name(operator: str, operation: str) -> str:
    return f"{operator}.{operation.split('/')[0]}"
