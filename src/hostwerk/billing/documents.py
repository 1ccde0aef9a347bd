"""Invoice and credit-note documents as PDF/A-3b files, in the client's language.

The PDF is the invoice page's own document template (`portal/billing/_document.html`) laid out
for A4 and rendered by WeasyPrint, so the page, the download and the e-mail attachment never
disagree. See docs/adr/0010-invoice-documents.md.
"""

from __future__ import annotations

import io
import zipfile

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hostwerk.billing import queries
from hostwerk.billing.models import Invoice

PDF_CONTENT_TYPE = "application/pdf"
# PDF/A-3: archivable for the seven (OSS: ten) years the law asks, and it may carry embedded
# files such as a future UBL or Factur-X copy of the invoice.
PDF_VARIANT = "pdf/a-3b"


def _url_fetcher():
    """Nothing is loaded from anywhere: the document's styles are inline and it has no images.

    Only data: URLs are allowed, so a value printed on the invoice can never make the renderer
    open a file or a network address.
    """
    from weasyprint import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=False)


def invoice_html(*, invoice: Invoice) -> str:
    """The document as the standalone HTML page that becomes the PDF, in the client's language."""
    with translation.override(invoice.client.language):
        return render_to_string(
            "billing/invoice_pdf.html",
            {**queries.invoice_document(invoice=invoice), "language": invoice.client.language},
        )


def invoice_pdf(*, invoice: Invoice) -> bytes:
    """The invoice or credit note as a PDF/A-3b file."""
    from weasyprint import HTML  # loads Pango: only when a document is actually made

    html = invoice_html(invoice=invoice)
    return HTML(string=html, url_fetcher=_url_fetcher()).write_pdf(pdf_variant=PDF_VARIANT)


def invoice_pdf_filename(*, invoice: Invoice) -> str:
    """ "invoice-2026-00001.pdf", "factuur-2026-00001.pdf", "creditnota-C2026-00001.pdf"."""
    with translation.override(invoice.client.language):
        kind = _("credit note") if invoice.is_credit_note else _("invoice")
    return f"{slugify(kind)}-{invoice.number}.pdf"


def invoice_pdf_response(*, invoice: Invoice) -> HttpResponse:
    """A download of the invoice's PDF (for the staff area, the client area and the API)."""
    response = HttpResponse(invoice_pdf(invoice=invoice), content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{invoice_pdf_filename(invoice=invoice)}"'
    )
    # An invoice is personal data: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


def invoices_pdf_zip_response(*, invoices: list[Invoice]) -> HttpResponse:
    """One download with the PDF of each invoice (the staff list's bulk "Download PDFs")."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for invoice in invoices:
            archive.writestr(invoice_pdf_filename(invoice=invoice), invoice_pdf(invoice=invoice))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="invoices.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


def invoice_pdf_attachment(object_id: str) -> tuple[str, str, bytes]:
    """(filename, content type, content) of an invoice e-mail's PDF, made when it is sent."""
    invoice = queries.invoice_get(invoice_id=int(object_id))
    return invoice_pdf_filename(invoice=invoice), PDF_CONTENT_TYPE, invoice_pdf(invoice=invoice)
