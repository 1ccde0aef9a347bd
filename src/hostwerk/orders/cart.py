"""The client-area cart: item requests kept in the session, per client (impersonation-safe)."""

from __future__ import annotations

from dataclasses import asdict

from django.contrib.sessions.backends.base import SessionBase

from hostwerk.orders.items import ItemRequest

MAX_CART_ITEMS = 30


def _key(client_id: int) -> str:
    return f"hostwerk_cart_{client_id}"


def cart_items(session: SessionBase, client_id: int) -> list[ItemRequest]:
    return [ItemRequest(**data) for data in session.get(_key(client_id), [])]


def cart_add(session: SessionBase, client_id: int, item: ItemRequest) -> bool:
    items = session.get(_key(client_id), [])
    if len(items) >= MAX_CART_ITEMS:
        return False
    data = asdict(item)
    data["price"] = None  # the cart never carries a price; checkout prices from the catalogue
    session[_key(client_id)] = [*items, data]
    return True


def cart_remove(session: SessionBase, client_id: int, index: int) -> None:
    items = session.get(_key(client_id), [])
    if 0 <= index < len(items):
        del items[index]
        session[_key(client_id)] = items


def cart_clear(session: SessionBase, client_id: int) -> None:
    session.pop(_key(client_id), None)
