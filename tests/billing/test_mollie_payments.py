"""Paying invoices with iDEAL through Mollie, against the Mollie simulator over real sockets.

The webhook tests serve Hostwerk on a live server: the simulator calls `POST /webhooks/mollie`
there, as Mollie would, repeating, reordering and retrying its notices. Whatever arrives, one
payment is booked and each due date moves once (bug class 1 and 3 of the billing reference).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import httpx
import pytest

from hostwerk.billing.actions import invoice_send_email
from hostwerk.billing.models import (
    DueDateMove,
    Invoice,
    InvoiceStatus,
    MolliePayment,
    Payment,
    PaymentKind,
)
from hostwerk.billing.mollie_payments import mollie_payment_start, mollie_refund_create
from hostwerk.billing.run import billing_run
from hostwerk.catalog.models import ProvisioningModule
from hostwerk.core import clock
from hostwerk.integrations.mollie import Amount, MollieClient
from hostwerk.notifications.models import OutgoingEmail
from hostwerk.provisioning.models import Service
from tests.billing.factories import SYSTEM, InvoiceFactory, ensure_vat_rates
from tests.factories import ProductFactory
from tests.provisioning.factories import ServiceFactory
from tests.support.mollie import arm_fault, control


def renewal(client=None) -> tuple[Service, Invoice]:
    """A monthly service due in ten days, and the renewal invoice today's billing run makes."""
    ensure_vat_rates()
    today = clock.today()
    values = {
        "next_due_date": today + datetime.timedelta(days=10),
        "billing_cycle": "monthly",
        "recurring_amount": "10.00",
        "product": ProductFactory(module=ProvisioningModule.NONE),
    }
    if client is not None:
        values["client"] = client
    service = ServiceFactory(**values)
    Service.objects.filter(pk=service.pk).update(billing_anchor_day=service.next_due_date.day)
    billing_run(actor=SYSTEM, day=today)
    invoice = Invoice.objects.get(lines__service=service, status=InvoiceStatus.UNPAID)
    return service, invoice


def started(invoice: Invoice) -> MolliePayment:
    return mollie_payment_start(actor=SYSTEM, invoice=invoice)


def assert_paid_once(service: Service, invoice: Invoice, payment: MolliePayment) -> None:
    invoice.refresh_from_db()
    service.refresh_from_db()
    payment.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.amount_paid == invoice.total
    assert payment.status == "paid"
    rows = Payment.objects.filter(invoice=invoice)
    assert list(rows.values_list("provider", "reference", "kind", "amount", "method")) == [
        ("mollie", payment.mollie_id, "payment", invoice.total, "ideal")
    ]
    (move,) = DueDateMove.objects.filter(service=service)
    assert service.next_due_date == move.to_date > move.from_date


def deliveries(report: dict) -> list[int | None]:
    return [delivery["http_status"] for delivery in report["deliveries"]]


# Starting a payment.


@pytest.mark.django_db
def test_start_asks_mollie_for_the_open_amount_with_our_webhook_and_return(mollie_settings):
    _, invoice = renewal()
    payment = started(invoice)
    remote = mollie_settings.state.payments[payment.mollie_id]
    assert (payment.status, payment.amount, remote.value) == ("open", invoice.total, invoice.total)
    assert remote.webhook_url == "http://127.0.0.1:9/webhooks/mollie"
    assert remote.redirect_url == f"http://127.0.0.1:9/invoices/{invoice.pk}/payment/"
    assert remote.metadata == {"invoice_id": invoice.pk, "invoice_number": invoice.number}
    assert payment.checkout_url == f"{mollie_settings.url}/checkout/{payment.mollie_id}"
    assert mollie_settings.state.calls[-1]["idempotency_key"] == payment.idempotency_key


@pytest.mark.django_db
def test_a_second_start_while_open_gives_the_same_payment(mollie_settings):
    _, invoice = renewal()
    assert started(invoice) == started(invoice)
    assert len(mollie_settings.state.payments) == 1


@pytest.mark.django_db
def test_a_retried_create_after_a_dropped_answer_gets_the_same_payment(mollie_settings):
    """Mollie made the payment but the answer was lost; the retry with the same
    Idempotency-Key gets that payment instead of a second one."""
    _, invoice = renewal()
    arm_fault(mollie_settings, operation="payments.create", mode="drop_after_commit")
    payment = started(invoice)
    assert list(mollie_settings.state.payments) == [payment.mollie_id]


@pytest.mark.django_db
def test_a_partly_paid_invoice_is_paid_online_for_what_is_left(mollie_settings):
    from hostwerk.billing.payments import payment_book

    _, invoice = renewal()
    payment_book(
        actor=SYSTEM, invoice=invoice, amount="5.00", method="bank_transfer", reference="bank-1"
    )
    payment = started(invoice)
    assert payment.amount == invoice.total - Decimal("5.00")


# The webhook.


@pytest.mark.django_db(transaction=True)
def test_webhook_twice_books_one_payment_and_moves_the_due_date_once(mollie_live):
    service, invoice = renewal()
    payment = started(invoice)
    report = control(mollie_live, payment.mollie_id, status="paid", deliveries=2)
    assert deliveries(report) == [200, 200]
    assert_paid_once(service, invoice, payment)
    # A third notice, long after: still nothing more.
    control(mollie_live, payment.mollie_id, status="paid", deliveries=3)
    assert_paid_once(service, invoice, payment)


@pytest.mark.django_db(transaction=True)
def test_three_webhooks_at_the_same_moment_book_one_payment(mollie_live):
    """The webhook racing itself (and the client's return): the row lock and the ledger's unique
    reference let one of them book."""
    service, invoice = renewal()
    payment = started(invoice)
    report = control(mollie_live, payment.mollie_id, status="paid", deliveries=3, parallel=True)
    # A loser may have had to wait or retry (SQLite: "database is locked"), but all end in 200.
    assert [d["http_status"] for d in report["deliveries"] if d["http_status"] == 200] == [200] * 3
    assert_paid_once(service, invoice, payment)


@pytest.mark.django_db(transaction=True)
def test_webhooks_out_of_order_book_one_payment(mollie_live):
    service, invoice = renewal()
    payment = started(invoice)
    control(mollie_live, payment.mollie_id, status="pending")
    payment.refresh_from_db()
    assert payment.status == "pending"
    assert not Payment.objects.filter(invoice=invoice).exists()
    # The paid notice first, then the late pending one: the status stays paid.
    report = control(mollie_live, payment.mollie_id, status="paid", deliveries=2, reverse=True)
    assert [d["notified_status"] for d in report["deliveries"]] == ["paid", "paid", "pending"]
    assert_paid_once(service, invoice, payment)


@pytest.mark.django_db(transaction=True)
def test_webhook_after_a_5xx_is_retried_and_books_once(mollie_live):
    """Mollie failed when we asked about the payment: we answer 5xx, Mollie calls again."""
    service, invoice = renewal()
    payment = started(invoice)
    arm_fault(mollie_live, operation="payments.get", code=500)
    report = control(mollie_live, payment.mollie_id, status="paid", deliveries=2)
    assert deliveries(report) == [503, 200, 200]
    assert_paid_once(service, invoice, payment)


@pytest.mark.django_db(transaction=True)
def test_webhook_for_a_payment_we_did_not_start_answers_200_and_books_nothing(
    settings, mollie_live
):
    _, invoice = renewal()
    with MollieClient(mollie_live.url, api_key=mollie_live.api_key, timeout=5) as client:
        stranger = client.payment_create(
            amount=Amount(invoice.total),
            description="not ours",
            redirect_url="http://127.0.0.1:9/",
            webhook_url=f"{settings.HOSTWERK_PUBLIC_URL}/webhooks/mollie",
            metadata={"invoice_id": invoice.pk},
        )
    report = control(mollie_live, stranger.id, status="paid")
    assert deliveries(report) == [200]
    assert not Payment.objects.exists()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID
    # Nobody asked Mollie about it either: an unknown id is not looked up.
    assert [c["operation"] for c in mollie_live.state.calls].count("payments.get") == 0


@pytest.mark.django_db
def test_webhook_with_an_unknown_or_odd_id_answers_200(client, mollie_settings):
    for body in ({"id": "tr_unknown1"}, {"id": "../../etc"}, {}):
        assert client.post("/webhooks/mollie", body).status_code == 200
    assert mollie_settings.state.calls == []
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_webhook_answers_5xx_when_mollie_refuses_our_key(client, settings, mollie_settings):
    _, invoice = renewal()
    payment = started(invoice)
    settings.HOSTWERK_MOLLIE_API_KEY = "test_wrong"
    assert client.post("/webhooks/mollie", {"id": payment.mollie_id}).status_code == 500
    payment.refresh_from_db()
    assert payment.status == "open"


@pytest.mark.django_db
def test_webhook_handling_takes_a_bounded_number_of_queries(
    client, mollie_settings, django_assert_max_num_queries
):
    _, invoice = renewal()
    payment = started(invoice)
    control(mollie_settings, payment.mollie_id, status="paid")
    with django_assert_max_num_queries(60):
        assert client.post("/webhooks/mollie", {"id": payment.mollie_id}).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.post("/webhooks/mollie", {"id": payment.mollie_id}).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_failed_then_paid_books_only_the_paid_payment(mollie_live):
    service, invoice = renewal()
    first = started(invoice)
    control(mollie_live, first.mollie_id, status="failed")
    first.refresh_from_db()
    invoice.refresh_from_db()
    assert (first.status, invoice.status) == ("failed", InvoiceStatus.UNPAID)
    assert not Payment.objects.exists()
    assert DueDateMove.objects.filter(service=service).count() == 0
    second = started(invoice)
    assert second.mollie_id != first.mollie_id
    control(mollie_live, second.mollie_id, status="paid")
    assert_paid_once(service, invoice, second)
    # The failed one cannot be turned into a second payment afterwards.
    first.refresh_from_db()
    assert first.status == "failed"


# Refunds.


@pytest.mark.django_db(transaction=True)
def test_refund_is_recorded_in_the_ledger_once(mollie_live):
    service, invoice = renewal()
    payment = started(invoice)
    control(mollie_live, payment.mollie_id, status="paid")
    payment.refresh_from_db()
    refund = mollie_refund_create(actor=SYSTEM, mollie_payment=payment, amount="4.00")
    assert (refund.kind, refund.provider, refund.amount) == ("refund", "mollie", Decimal("4.00"))
    assert refund.reference.startswith("re_")
    assert [r.id for r in mollie_live.state.payments[payment.mollie_id].refunds] == [
        refund.reference
    ]
    # Mollie's refund notice: the refund is found booked already.
    control(mollie_live, payment.mollie_id, status="paid", deliveries=2)
    invoice.refresh_from_db()
    assert invoice.amount_paid == invoice.total - Decimal("4.00")
    assert Payment.objects.filter(invoice=invoice, kind=PaymentKind.REFUND).count() == 1
    assert DueDateMove.objects.filter(service=service).count() == 1


@pytest.mark.django_db(transaction=True)
def test_refund_made_at_mollie_is_booked_from_the_webhook(mollie_live):
    _, invoice = renewal()
    payment = started(invoice)
    control(mollie_live, payment.mollie_id, status="paid")
    with MollieClient(mollie_live.url, api_key=mollie_live.api_key, timeout=5) as client:
        refund = client.refund_create(payment_id=payment.mollie_id, amount=Amount(Decimal("2.50")))
    control(mollie_live, payment.mollie_id, status="paid")
    booked = Payment.objects.get(invoice=invoice, kind=PaymentKind.REFUND)
    assert (booked.reference, booked.amount) == (refund.id, Decimal("2.50"))


@pytest.mark.django_db
def test_refund_of_more_than_was_paid_is_refused_before_asking_mollie(mollie_settings):
    from hostwerk.billing.payments import PaymentInvalid

    _, invoice = renewal()
    payment = started(invoice)
    control(mollie_settings, payment.mollie_id, status="paid")
    # The return page (or webhook) applies the status.
    from hostwerk.billing.mollie_payments import mollie_payment_sync

    mollie_payment_sync(actor=SYSTEM, mollie_id=payment.mollie_id)
    payment.refresh_from_db()
    calls = len(mollie_settings.state.calls)
    with pytest.raises(PaymentInvalid) as refused:
        mollie_refund_create(actor=SYSTEM, mollie_payment=payment, amount=payment.amount + 1)
    assert refused.value.field == "amount"
    assert len(mollie_settings.state.calls) == calls
    assert not Payment.objects.filter(kind=PaymentKind.REFUND).exists()


# The API.


@pytest.mark.django_db
def test_pay_endpoint_gives_the_checkout_for_the_clients_own_invoice(
    client_a, client_a_api, mollie_settings
):
    _, invoice = renewal(client=client_a)
    response = client_a_api.post(f"/invoices/{invoice.pk}/pay")
    assert response.status_code == 200, response.content
    body = response.json()
    payment = MolliePayment.objects.get(invoice=invoice)
    assert body == {
        "checkout_url": f"{mollie_settings.url}/checkout/{payment.mollie_id}",
        "payment_id": payment.mollie_id,
        "status": "open",
    }
    assert client_a_api.post(f"/invoices/{invoice.pk}/pay").json() == body


@pytest.mark.django_db
def test_pay_endpoint_is_404_for_another_clients_invoice(client_a, client_b_api, mollie_settings):
    _, invoice = renewal(client=client_a)
    assert client_b_api.post(f"/invoices/{invoice.pk}/pay").status_code == 404
    assert not MolliePayment.objects.exists()
    assert mollie_settings.state.calls == []


@pytest.mark.django_db
def test_staff_may_start_a_payment_for_any_invoice(staff_api, mollie_settings):
    _, invoice = renewal()
    assert staff_api.post(f"/invoices/{invoice.pk}/pay").status_code == 200


@pytest.mark.django_db
def test_pay_endpoint_refuses_a_paid_invoice_and_a_missing_configuration(
    staff_api, settings, mollie_settings
):
    _, invoice = renewal()
    from hostwerk.billing.actions import invoice_mark_paid

    invoice_mark_paid(actor=SYSTEM, invoice=invoice, paid_on=None)
    assert staff_api.post(f"/invoices/{invoice.pk}/pay").status_code == 409
    _, other = renewal()
    settings.HOSTWERK_MOLLIE_API_URL = ""
    assert staff_api.post(f"/invoices/{other.pk}/pay").status_code == 503
    assert mollie_settings.state.calls == []


@pytest.mark.django_db
def test_pay_endpoint_answers_503_when_mollie_is_down(staff_api, mollie_settings):
    _, invoice = renewal()
    arm_fault(mollie_settings, operation="payments.create", code=503, count=2)
    response = staff_api.post(f"/invoices/{invoice.pk}/pay")
    assert response.status_code == 503
    assert not MolliePayment.objects.exists()


# The client area and e-mails.


@pytest.mark.django_db
def test_invoice_page_has_pay_now_which_goes_to_the_checkout(
    client_a, client_a_web, mollie_settings
):
    _, invoice = renewal(client=client_a)
    page = client_a_web.get(f"/invoices/{invoice.pk}/")
    assert b'id="pay-now"' in page.content
    response = client_a_web.post(f"/invoices/{invoice.pk}/pay/")
    payment = MolliePayment.objects.get(invoice=invoice)
    assert (response.status_code, response["Location"]) == (302, payment.checkout_url)


@pytest.mark.django_db
def test_no_pay_now_without_mollie_or_for_a_paid_invoice(client_a, client_a_web, settings):
    settings.HOSTWERK_MOLLIE_API_URL = ""
    _, invoice = renewal(client=client_a)
    assert b'id="pay-now"' not in client_a_web.get(f"/invoices/{invoice.pk}/").content


@pytest.mark.django_db
def test_e_mail_link_shows_the_amount_and_the_button(client_a, client_a_web, mollie_settings):
    _, invoice = renewal(client=client_a)
    page = client_a_web.get(f"/invoices/{invoice.pk}/pay/")
    assert page.status_code == 200
    assert b'id="pay-now"' in page.content
    assert not MolliePayment.objects.exists()  # a GET starts nothing


@pytest.mark.django_db
def test_invoice_e_mail_carries_the_pay_link(client_a, mollie_settings, settings):
    _, invoice = renewal(client=client_a)
    email = invoice_send_email(actor=SYSTEM, invoice=invoice)
    email = OutgoingEmail.objects.get(pk=email.pk)
    link = f"{settings.BASE_URL}/invoices/{invoice.pk}/pay/"
    assert link in email.body_text
    assert link in email.body_html


@pytest.mark.django_db
def test_return_page_asks_mollie_and_shows_paid_without_any_webhook(
    client_a, client_a_web, mollie_settings
):
    """The webhook went nowhere (closed port); the return page asks Mollie itself."""
    service, invoice = renewal(client=client_a)
    payment = started(invoice)
    report = control(mollie_settings, payment.mollie_id, status="paid")
    assert deliveries(report) == [None]
    page = client_a_web.get(f"/invoices/{invoice.pk}/payment/")
    assert page["Content-Type"] == "text/html; charset=utf-8"
    assert b'data-invoice-status="paid"' in page.content
    assert_paid_once(service, invoice, payment)
    # Coming back again changes nothing.
    client_a_web.get(f"/invoices/{invoice.pk}/payment/")
    assert_paid_once(service, invoice, payment)


@pytest.mark.django_db
def test_return_page_does_not_trust_the_redirect(client_a, client_a_web, mollie_settings):
    """Coming back while the payment is still open (or with a forged address) books nothing."""
    _, invoice = renewal(client=client_a)
    started(invoice)
    page = client_a_web.get(f"/invoices/{invoice.pk}/payment/?status=paid")
    assert b'data-payment-status="open"' in page.content
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_return_page_after_a_failed_payment_offers_to_try_again(
    client_a, client_a_web, mollie_settings
):
    _, invoice = renewal(client=client_a)
    payment = started(invoice)
    httpx.post(payment.checkout_url, data={"status": "failed"}, timeout=5)
    page = client_a_web.get(f"/invoices/{invoice.pk}/payment/")
    assert b'data-payment-status="failed"' in page.content
    assert b'id="pay-now"' in page.content


@pytest.mark.django_db
def test_return_page_is_404_for_another_client(client_a, client_b_web, mollie_settings):
    _, invoice = renewal(client=client_a)
    started(invoice)
    assert client_b_web.get(f"/invoices/{invoice.pk}/payment/").status_code == 404
    assert client_b_web.post(f"/invoices/{invoice.pk}/pay/").status_code == 404


@pytest.mark.django_db
def test_invoice_list_queries_do_not_grow_with_online_payments(
    client_a, client_a_web, mollie_settings, django_assert_max_num_queries
):
    for _ in range(3):
        _, invoice = renewal(client=client_a)
        started(invoice)
    with django_assert_max_num_queries(12) as captured:
        assert client_a_web.get("/invoices/").status_code == 200
    few = len(captured)
    for _ in range(3):
        _, invoice = renewal(client=client_a)
        started(invoice)
    with django_assert_max_num_queries(few):
        assert client_a_web.get("/invoices/").status_code == 200


@pytest.mark.django_db
def test_an_invoice_made_by_the_factory_can_be_paid_too(client_a, client_a_api, mollie_settings):
    invoice = InvoiceFactory(client=client_a)
    assert client_a_api.post(f"/invoices/{invoice.pk}/pay").status_code == 200
