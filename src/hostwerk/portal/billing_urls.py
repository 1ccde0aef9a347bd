"""Client area URLs for invoices (included under /invoices/ in the portal namespace)."""

from django.urls import path

from hostwerk.portal import billing_views

urlpatterns = [
    path("", billing_views.invoice_list, name="invoice_list"),
    path("<int:invoice_id>/", billing_views.invoice_detail, name="invoice_detail"),
    path("<int:invoice_id>/pay/", billing_views.invoice_pay, name="invoice_pay"),
    path(
        "<int:invoice_id>/payment/",
        billing_views.invoice_payment_return,
        name="invoice_payment_return",
    ),
    path("<int:invoice_id>/pdf/", billing_views.invoice_pdf, name="invoice_pdf"),
]
