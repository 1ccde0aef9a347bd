"""The pages the bench measures: every staff and client list and detail page and list API
endpoint, with the objects they show picked from the data set of bench/dataset.py.

Used by bench/pages.py and by tests/performance/test_query_counts_at_scale.py (which compares
the query counts of two sizes page by page); needs Django set up and the data set built.
"""

from __future__ import annotations

import dataset
from django.test import Client as WebClient

from hostwerk.accounts.models import ApiToken, User
from hostwerk.accounts.tokens import api_token_create
from hostwerk.billing.models import Invoice
from hostwerk.clients.models import Client
from hostwerk.core.audit import Actor
from hostwerk.dns.models import Zone
from hostwerk.domains.models import Domain
from hostwerk.mail.models import Mailbox
from hostwerk.orders.models import Order
from hostwerk.provisioning.models import Service


def pages(clients: int) -> list[tuple[str, str, str]]:
    """(name, who, url): who is staff, heavy (the first client, with the extra services of
    dataset.build), client (the one in the middle) or api."""
    middle = clients // 2  # a client in the middle of the set
    client = Client.objects.get(number=100_000 + middle)
    service = Service.objects.filter(client=client).order_by("id").first()
    invoice = Invoice.objects.filter(client=client).order_by("id").first()
    domain = Domain.objects.filter(client=client).first()
    order = Order.objects.order_by("id")[Order.objects.count() // 2]
    zone = Zone.objects.order_by("id")[Zone.objects.count() // 2]
    heavy_zone = Zone.objects.order_by("id").first()
    mailbox = Mailbox.objects.order_by("id")[Mailbox.objects.count() // 2]
    own_zone = Zone.objects.filter(client_id=1).first()
    return [
        ("staff dashboard", "staff", "/staff/"),
        ("staff clients", "staff", "/staff/clients/"),
        ("staff clients page 1000", "staff", "/staff/clients/?page=1000"),
        ("staff clients search name", "staff", f"/staff/clients/?q=Vries+{middle}"),
        ("staff clients search number", "staff", f"/staff/clients/?q={100_000 + middle}"),
        ("staff clients search email", "staff", f"/staff/clients/?q=client{middle}@"),
        # Two characters match the start of a value: a fifth of the clients are called Jan.
        ("staff clients search 2 characters", "staff", "/staff/clients/?q=ja"),
        ("staff client detail", "staff", f"/staff/clients/{client.pk}/"),
        ("staff client detail heavy", "staff", "/staff/clients/1/"),
        ("staff orders", "staff", "/staff/orders/"),
        ("staff orders page 1000", "staff", "/staff/orders/?page=1000"),
        ("staff orders pending", "staff", "/staff/orders/?status=pending"),
        ("staff orders of client", "staff", f"/staff/orders/?client={client.number}"),
        ("staff order detail", "staff", f"/staff/orders/{order.pk}/"),
        ("staff services", "staff", "/staff/services/"),
        ("staff services page 1000", "staff", "/staff/services/?page=1000"),
        ("staff services suspended", "staff", "/staff/services/?status=suspended"),
        ("staff services search", "staff", f"/staff/services/?q=site{3 * middle}.nl"),
        ("staff service detail", "staff", f"/staff/services/{service.pk}/"),
        ("staff domains", "staff", "/staff/domains/"),
        ("staff domains page 1000", "staff", "/staff/domains/?page=1000"),
        ("staff domains expired", "staff", "/staff/domains/?status=expired"),
        ("staff domains expiring", "staff", "/staff/domains/?expiring=on"),
        ("staff domains search", "staff", f"/staff/domains/?q=domein{middle}"),
        ("staff domain detail", "staff", f"/staff/domains/{domain.pk}/"),
        ("staff invoices", "staff", "/staff/billing/"),
        ("staff invoices page 1000", "staff", "/staff/billing/?page=1000"),
        ("staff invoices unpaid", "staff", "/staff/billing/?status=unpaid"),
        ("staff invoices search", "staff", f"/staff/billing/?q={invoice.number}"),
        ("staff invoices of client", "staff", f"/staff/billing/?client={client.pk}"),
        ("staff invoice detail", "staff", f"/staff/billing/invoices/{invoice.pk}/"),
        ("staff billing runs", "staff", "/staff/billing/runs/"),
        # What the billing run page loads after it is shown (htmx): the preview and the domains
        # to cancel, counted with the run's own selections.
        ("staff billing runs preview", "staff htmx", "/staff/billing/runs/preview/"),
        ("staff zones", "staff", "/staff/dns/"),
        ("staff zones page 1000", "staff", "/staff/dns/?page=1000"),
        ("staff zones search", "staff", f"/staff/dns/?q={zone.name}"),
        ("staff zone detail", "staff", f"/staff/dns/{zone.pk}/"),
        ("staff zone detail 500 records", "staff", f"/staff/dns/{heavy_zone.pk}/"),
        ("staff zone 500 records page 5", "staff", f"/staff/dns/{heavy_zone.pk}/?page=5"),
        ("staff zone 500 records filter", "staff", f"/staff/dns/{heavy_zone.pk}/?q=host1&type=A"),
        ("staff zone history", "staff", f"/staff/dns/{zone.pk}/history/"),
        ("staff mail filters", "staff", "/staff/mail/"),
        ("staff mailboxes", "staff", "/staff/mail/mailboxes/"),
        ("staff mailboxes page 1000", "staff", "/staff/mail/mailboxes/?page=1000"),
        ("staff mailboxes search", "staff", f"/staff/mail/mailboxes/?q={mailbox.address}"),
        ("staff mailbox detail", "staff", f"/staff/mail/mailboxes/{mailbox.pk}/"),
        ("staff servers", "staff", "/staff/settings/servers/"),
        ("client dashboard", "client", "/"),
        ("client services", "client", "/services/"),
        ("client service detail", "client", f"/services/{service.pk}/"),
        ("client invoices", "client", "/invoices/"),
        ("client invoice detail", "client", f"/invoices/{invoice.pk}/"),
        ("client orders", "client", "/orders/"),
        ("client domains", "client", "/domains/"),
        ("client domain detail", "client", f"/domains/{domain.pk}/"),
        ("client zones", "client", "/dns/"),
        ("client mailboxes", "client", "/mail/"),
        ("heavy client dashboard", "heavy", "/"),
        ("heavy client services", "heavy", "/services/"),
        ("heavy client services page 10", "heavy", "/services/?page=10"),
        ("heavy client zone 500 records", "heavy", f"/dns/{own_zone.pk}/" if own_zone else "/dns/"),
        ("api clients", "api", "/api/v1/clients"),
        ("api clients page 1000", "api", "/api/v1/clients?page=1000"),
        ("api clients search", "api", f"/api/v1/clients?q=Vries+{middle}"),
        ("api client", "api", f"/api/v1/clients/{client.pk}"),
        ("api invoices", "api", "/api/v1/invoices"),
        ("api invoices page 1000", "api", "/api/v1/invoices?page=1000"),
        ("api orders", "api", "/api/v1/orders"),
        ("api services", "api", "/api/v1/services"),
        ("api services suspended", "api", "/api/v1/services?status=suspended"),
        ("api domains", "api", "/api/v1/domains"),
        ("api zones", "api", "/api/v1/dns/zones"),
        ("api zone", "api", f"/api/v1/dns/zones/{zone.name}"),
        ("api mailboxes", "api", "/api/v1/mailboxes"),
        ("api mail filters", "api", "/api/v1/mail-filters"),
        ("api servers", "api", "/api/v1/servers"),
        ("api products", "api", "/api/v1/products"),
        ("api tlds", "api", "/api/v1/tlds"),
        ("api client users", "api", f"/api/v1/clients/{client.pk}/users"),
        ("api invoice payments", "api", f"/api/v1/invoices/{invoice.pk}/payments"),
    ]


def logins(clients: int) -> dict[str, tuple[WebClient, dict[str, str]]]:
    """A test client and the headers to send, for each `who` of pages(): staff, staff htmx (a
    part of a page that htmx loads), the client in the middle, the heavy client (the first) and
    api (a staff API token)."""
    staff = User.objects.get(email=dataset.STAFF_EMAIL)
    webs = {"staff": WebClient(), "client": WebClient(), "heavy": WebClient(), "api": WebClient()}
    webs["staff"].force_login(staff)
    webs["client"].force_login(User.objects.get(email=dataset.client_email(clients // 2)))
    webs["heavy"].force_login(User.objects.get(email=dataset.client_email(0)))
    ApiToken.objects.filter(user=staff, name="bench").delete()  # of an earlier run on this database
    _, token = api_token_create(actor=Actor.system(via="command"), user=staff, name="bench")
    logged_in = {
        who: (web, {"Authorization": f"Bearer {token}"} if who == "api" else {})
        for who, web in webs.items()
    }
    logged_in["staff htmx"] = (webs["staff"], {"HX-Request": "true"})
    return logged_in
