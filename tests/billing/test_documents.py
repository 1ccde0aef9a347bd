"""Invoice and credit-note PDFs: the Dutch invoice requirements, read back from the PDF's text,
in the client's language; PDF/A-3b; a rendered page to look at; e-mail attachments; downloads."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from hostwerk.billing import documents
from hostwerk.billing.actions import invoice_mark_paid, invoice_send_email
from hostwerk.billing.credit_notes import credit_note_create
from hostwerk.billing.templatetags.billing import invoice_period
from hostwerk.notifications.actions import email_queue
from hostwerk.notifications.attachments import UnknownAttachment
from hostwerk.notifications.models import EmailAttachment, OutgoingEmail
from tests.billing.factories import SYSTEM, DomainItemFactory, InvoiceFactory
from tests.conftest import skip_or_fail
from tests.factories import ClientFactory
from tests.support.tasks import run_queued_tasks

ISSUED = datetime.date(2026, 3, 2)


@pytest.fixture
def seller(settings):
    settings.HOSTWERK_SELLER_NAME = "Movenext Hosting B.V."
    settings.HOSTWERK_SELLER_ADDRESS = "Keizersgracht 123"
    settings.HOSTWERK_SELLER_POSTCODE = "1015 CJ"
    settings.HOSTWERK_SELLER_CITY = "Amsterdam"
    settings.HOSTWERK_SELLER_VAT_NUMBER = "NL004495445B01"
    settings.HOSTWERK_SELLER_COC_NUMBER = "34256789"
    settings.HOSTWERK_SELLER_IBAN = "NL91ABNA0417164300"
    settings.HOSTWERK_SELLER_BIC = "ABNANL2A"
    settings.HOSTWERK_SELLER_EMAIL = "facturen@movenext.test"
    settings.HOSTWERK_SELLER_PHONE = "+31 20 123 4567"


def pdf_text(content: bytes) -> str:
    """The PDF's text with runs of white space made single spaces, for phrase searches."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def english_invoice(**client_fields):
    client = ClientFactory(
        **{
            "first_name": "Anna",
            "last_name": "Aalbers",
            "company": "Aalbers Design",
            "language": "en",
            **client_fields,
        }
    )
    return InvoiceFactory(
        client=client,
        issued_on=ISSUED,
        items=[
            {"price": Decimal("120.00"), "domain": "aalbers.nl"},
            {"factory": DomainItemFactory, "domain": "aalbers-design.nl"},
        ],
    )


@pytest.mark.django_db
def test_invoice_pdf_shows_seller_client_dates_lines_with_periods_vat_per_rate_and_totals(seller):
    invoice = english_invoice()
    text = pdf_text(documents.invoice_pdf(invoice=invoice))
    with translation.override("en"):
        period = invoice_period(invoice.lines.order_by("position")[0])
    for expected in [
        # The seller: name, address, VAT and chamber of commerce numbers, bank account.
        "Movenext Hosting B.V.",
        "Keizersgracht 123",
        "1015 CJ Amsterdam",
        "VAT number NL004495445B01",
        "CoC 34256789",
        "IBAN NL91ABNA0417164300",
        "BIC ABNANL2A",
        "facturen@movenext.test",
        # The client as invoiced.
        "Aalbers Design",
        "Attn. Anna Aalbers",
        "Keizersgracht 1",
        # The number, the invoice date and the due date.
        "INVOICE",
        invoice.number,
        "Invoice date 2 March 2026",
        "Due date 16 March 2026",
        # Each line with its period (the last day printed is the day before the period end).
        "aalbers.nl",
        "Registration of aalbers-design.nl",
        f"Period: {period}",
        "€ 120.00",
        "€ 9.95",
        # Totals: the amount per VAT rate, the VAT and the total.
        "Subtotal € 129.95",
        "VAT 21 % on € 129.95 € 27.29",
        "Total € 157.24",
        "Please pay € 157.24 by 16 March 2026 to NL91ABNA0417164300",
    ]:
        assert expected in text, expected
    assert "btw verlegd" not in text.lower()


@pytest.mark.django_db
def test_pdf_is_a_pdf_a_3b_document_with_a_title(seller):
    content = documents.invoice_pdf(invoice=english_invoice())
    reader = PdfReader(io.BytesIO(content))
    xmp = reader.xmp_metadata
    assert xmp is not None
    metadata = xmp.rdf_root.toxml()
    assert "pdfaid:part" in metadata
    assert 'pdfaid:part="3"' in metadata or "<pdfaid:part>3</pdfaid:part>" in metadata
    assert 'pdfaid:conformance="B"' in metadata or "<pdfaid:conformance>B" in metadata
    assert reader.metadata.title.startswith("Invoice 2026-")


@pytest.mark.django_db
def test_eu_business_client_gets_btw_verlegd_their_vat_number_and_no_vat(seller):
    invoice = english_invoice(country="DE", vat_number="DE136695976", postcode="10115")
    assert invoice.vat_scheme == "reverse_charge"
    text = pdf_text(documents.invoice_pdf(invoice=invoice))
    assert "btw verlegd" in text.lower()
    assert "VAT number: DE136695976" in text
    assert "VAT 0 % on € 129.95 € 0.00" in text
    assert "Total € 129.95" in text
    assert "Germany" in text


@pytest.mark.django_db
def test_dutch_client_gets_a_dutch_document_with_dutch_dates_and_amounts(seller):
    client = ClientFactory(first_name="Bram", language="nl")
    invoice = InvoiceFactory(client=client, issued_on=ISSUED)
    text = pdf_text(documents.invoice_pdf(invoice=invoice))
    for expected in [
        "FACTUUR",
        "FACTUUR AAN",
        "Factuurdatum 2 maart 2026",
        "Vervaldatum 16 maart 2026",
        "KvK 34256789",
        "btw-nummer NL004495445B01",
        "Totaal € 90,75",
        "Wij verzoeken u € 90,75 uiterlijk 16 maart 2026 over te maken",
    ]:
        assert expected in text, expected
    assert "Due date" not in text
    assert documents.invoice_pdf_filename(invoice=invoice) == f"factuur-{invoice.number}.pdf"


@pytest.mark.django_db
def test_credit_note_pdf_names_the_original_invoice_and_its_date(seller):
    invoice = english_invoice()
    invoice_mark_paid(actor=SYSTEM, invoice=invoice, paid_on=ISSUED)
    note = credit_note_create(actor=SYSTEM, invoice=invoice, lines=None, reason="Service ended")
    text = pdf_text(documents.invoice_pdf(invoice=note))
    assert "CREDIT NOTE" in text
    assert note.number in text
    assert f"Corrects invoice {invoice.number} of 2 March 2026" in text
    assert "Reason Service ended" in text
    assert "Total € -157.24" in text
    assert f"This credit note corrects invoice {invoice.number}." in text
    assert "Please pay" not in text
    assert documents.invoice_pdf_filename(invoice=note) == f"credit-note-{note.number}.pdf"


@pytest.mark.django_db
def test_markup_in_a_client_name_is_printed_as_text_and_nothing_is_fetched(seller):
    invoice = english_invoice(company='<img src="http://192.0.2.1/x.png">Evil & Co')
    text = pdf_text(documents.invoice_pdf(invoice=invoice))
    assert '<img src="http://192.0.2.1/x.png">Evil & Co' in text


@pytest.mark.django_db
def test_screenshot_of_page_one_shows_a_laid_out_a4_invoice(seller):
    """Renders page 1 to var/screenshots/invoice-pdf.png (look at it after layout changes)."""
    if shutil.which("pdftoppm") is None:
        skip_or_fail("pdftoppm (poppler-utils) is not installed")
    from PIL import Image

    invoice = english_invoice(country="BE", vat_number="BE0403170701", postcode="1000")
    target = Path(django_settings.VAR_DIR) / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    pdf_path = target / "invoice-pdf.pdf"
    pdf_path.write_bytes(documents.invoice_pdf(invoice=invoice))
    page_one = ["-f", "1", "-l", "1", "-singlefile"]
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", *page_one, pdf_path, target / "invoice-pdf"],
        check=True,
        timeout=60,
    )
    pdf_path.unlink()
    image = Image.open(target / "invoice-pdf.png").convert("L")
    width, height = image.size
    assert abs(height / width - 297 / 210) < 0.01  # one A4 page
    ink = image.point(lambda value: 255 if value < 128 else 0)
    left, top, right, bottom = ink.getbbox()
    # Ink starts at the top margin (the seller's name), ends with the page footer at the
    # bottom, and stays inside the side margins: nothing is cut off or overflows.
    millimetre = width / 210
    assert 15 * millimetre < top < 24 * millimetre
    assert 280 * millimetre < bottom < 292 * millimetre
    assert left > 15 * millimetre
    assert right < width - 15 * millimetre
    # The document itself (above the page footer) fits in the upper part of the page.
    body = ink.crop((0, 0, width, int(height * 0.9))).getbbox()
    assert body[3] < height * 0.7, "an invoice with two lines takes the upper part of a page"


@pytest.mark.django_db
def test_invoice_email_has_the_pdf_attached_and_keeps_what_was_sent(seller):
    invoice = english_invoice()
    email = invoice_send_email(actor=SYSTEM, invoice=invoice)
    assert run_queued_tasks() == 1
    [message] = mail.outbox
    [(filename, content, content_type)] = message.attachments
    assert filename == f"invoice-{invoice.number}.pdf"
    assert content_type == "application/pdf"
    assert content.startswith(b"%PDF-")
    assert invoice.number in pdf_text(content)
    assert "attached" in message.body
    stored = EmailAttachment.objects.get(email=email)
    assert bytes(stored.content) == content
    assert OutgoingEmail.objects.get(pk=email.pk).status == "sent"


@pytest.mark.django_db
def test_reminders_attach_the_invoice_pdf_too(seller):
    from hostwerk.billing.dunning import reminders_send

    invoice = InvoiceFactory(client=ClientFactory(language="nl"), issued_on=ISSUED)
    errors: list[dict] = []
    assert reminders_send(actor=SYSTEM, day=datetime.date(2026, 3, 10), errors=errors) == 1
    assert errors == []
    run_queued_tasks()
    [message] = mail.outbox
    [(filename, content, _type)] = message.attachments
    assert filename == f"factuur-{invoice.number}.pdf"
    assert "Factuurdatum 2 maart 2026" in pdf_text(content)


@pytest.mark.django_db
def test_an_unknown_attachment_kind_is_refused_when_queued():
    client = ClientFactory()
    with pytest.raises(UnknownAttachment):
        email_queue(
            template="invoice",
            to=client.email,
            context={},
            language="en",
            attachments=[("contract_pdf", client)],
        )
    assert not OutgoingEmail.objects.exists()


# Downloads


def assert_pdf_download(response, invoice) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith(f'-{invoice.number}.pdf"')
    assert response["Cache-Control"] == "private, no-store"
    assert invoice.number in pdf_text(response.content)


@pytest.mark.django_db
def test_staff_invoice_page_links_the_pdf_which_downloads(staff_web, seller):
    invoice = english_invoice()
    page = staff_web.get(reverse("staff:invoice_detail", args=[invoice.pk])).content.decode()
    url = reverse("staff:invoice_pdf", args=[invoice.pk])
    assert f'href="{url}"' in page
    assert_pdf_download(staff_web.get(url), invoice)


@pytest.mark.django_db
def test_client_downloads_their_own_invoice_pdf_and_gets_404_for_another(
    client_a, client_a_web, client_b_web, seller
):
    invoice = InvoiceFactory(client=client_a, issued_on=ISSUED)
    page = client_a_web.get(reverse("portal:invoice_detail", args=[invoice.pk])).content.decode()
    url = reverse("portal:invoice_pdf", args=[invoice.pk])
    assert f'href="{url}"' in page
    assert_pdf_download(client_a_web.get(url), invoice)
    assert client_b_web.get(url).status_code == 404


@pytest.mark.django_db
def test_api_invoice_pdf_is_application_pdf_for_its_client_and_staff_and_404_for_another(
    client_a, client_a_user, client_b_user, staff_user, seller
):
    from tests.support.api import ApiClient, token_for

    invoice = InvoiceFactory(client=client_a, issued_on=ISSUED)
    path = f"/invoices/{invoice.pk}/pdf"
    assert_pdf_download(ApiClient(token_for(client_a_user)).get(path), invoice)
    assert_pdf_download(ApiClient(token_for(staff_user)).get(path), invoice)
    other = ApiClient(token_for(client_b_user)).get(path)
    assert other.status_code == 404
    assert other["Content-Type"].startswith("application/json")
    assert ApiClient(None).get(path).status_code == 401


def test_openapi_describes_the_pdf_response():
    from hostwerk.api.v1 import api

    operation = api.get_openapi_schema()["paths"]["/api/v1/invoices/{invoice_id}/pdf"]["get"]
    assert "application/pdf" in operation["responses"][200]["content"]
    assert "PDF/A-3b" in operation["description"]
