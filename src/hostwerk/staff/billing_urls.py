"""Staff area URLs for billing (included under /staff/billing/ in the staff namespace)."""

from django.urls import path

from hostwerk.staff import billing_views

urlpatterns = [
    path("", billing_views.invoice_list, name="invoice_list"),
    path("invoices/<int:invoice_id>/", billing_views.invoice_detail, name="invoice_detail"),
    path(
        "invoices/<int:invoice_id>/paid/",
        billing_views.invoice_mark_paid_view,
        name="invoice_mark_paid",
    ),
    path(
        "invoices/<int:invoice_id>/cancel/",
        billing_views.invoice_cancel_view,
        name="invoice_cancel",
    ),
    path("invoices/<int:invoice_id>/send/", billing_views.invoice_send_view, name="invoice_send"),
]
