"""Reads for the client area overview; every query is scoped to the request's client."""

from __future__ import annotations

from typing import Any

from hostwerk.clients.models import Client


def portal_dashboard_figures(*, client: Client) -> dict[str, Any]:
    return {}
