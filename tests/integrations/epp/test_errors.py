"""Result codes become typed exceptions: permanent ones for staff, transient ones for retries."""

from __future__ import annotations

import pytest

from hostwerk.core.errors import PermanentError, TransientError
from hostwerk.integrations.epp import (
    EppAuthenticationError,
    EppAuthorizationError,
    EppBillingFailure,
    EppCommandFailed,
    EppCommandUseError,
    EppError,
    EppMissingParameter,
    EppObjectExists,
    EppObjectNotFound,
    EppParameterError,
    EppPolicyError,
    EppSessionEnded,
    EppStatusProhibits,
    EppSyntaxError,
    EppUnimplemented,
    EppValueRangeError,
)
from hostwerk.integrations.epp.errors import error_for_result

EXPECTED = [
    (2000, EppUnimplemented),
    (2001, EppSyntaxError),
    (2002, EppCommandUseError),
    (2003, EppMissingParameter),
    (2004, EppValueRangeError),
    (2005, EppSyntaxError),
    (2101, EppUnimplemented),
    (2102, EppUnimplemented),
    (2104, EppBillingFailure),
    (2105, EppStatusProhibits),
    (2106, EppStatusProhibits),
    (2200, EppAuthenticationError),
    (2201, EppAuthorizationError),
    (2202, EppAuthorizationError),
    (2300, EppStatusProhibits),
    (2302, EppObjectExists),
    (2303, EppObjectNotFound),
    (2304, EppStatusProhibits),
    (2305, EppStatusProhibits),
    (2306, EppPolicyError),
    (2307, EppUnimplemented),
    (2308, EppPolicyError),
    (2400, EppCommandFailed),
    (2500, EppSessionEnded),
    (2501, EppSessionEnded),
    (2502, EppSessionEnded),
]


@pytest.mark.parametrize(("code", "expected_class"), EXPECTED)
def test_result_code_maps_to_its_exception_class(code, expected_class):
    error = error_for_result(code=code, message="text", command="domain:create")

    assert type(error) is expected_class
    assert error.code == code


@pytest.mark.parametrize(("code", "expected_class"), EXPECTED)
def test_only_2400_and_25xx_are_worth_retrying(code, expected_class):
    error = error_for_result(code=code, message="text")

    if code == 2400 or code >= 2500:
        assert isinstance(error, TransientError)
        assert not isinstance(error, PermanentError)
    else:
        assert isinstance(error, EppError)
        assert isinstance(error, PermanentError)
        assert not isinstance(error, TransientError)


def test_parameter_errors_share_one_base_class():
    for code in (2001, 2003, 2004, 2005):
        assert isinstance(error_for_result(code=code, message=""), EppParameterError)


def test_an_unknown_failure_code_is_still_an_epp_error():
    error = error_for_result(code=2999, message="Something new")

    assert type(error) is EppError


def test_the_error_keeps_what_the_registry_said_for_staff():
    error = error_for_result(
        code=2308,
        message="Validation of the transaction failed.",
        reason="F0301 registrant: no legal form",
        command="domain:create",
        client_transaction_id="HW-1",
        server_transaction_id="SV-1",
    )

    assert error.message == "Validation of the transaction failed."
    assert error.reason == "F0301 registrant: no legal form"
    assert error.client_transaction_id == "HW-1"
    assert error.server_transaction_id == "SV-1"
    assert str(error) == (
        "EPP domain:create failed with 2308 Validation of the transaction failed.: "
        "F0301 registrant: no legal form"
    )
