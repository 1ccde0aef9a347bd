"""API personas for the billing API tests (the same tokens as tests/api use)."""

import pytest

from tests.api.conftest import ApiClient, token_for


@pytest.fixture
def staff_api(staff_user):
    return ApiClient(token_for(staff_user))


@pytest.fixture
def client_a_api(client_a_user):
    return ApiClient(token_for(client_a_user))


@pytest.fixture
def client_b_api(client_b_user):
    return ApiClient(token_for(client_b_user))
