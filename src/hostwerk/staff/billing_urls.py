"""Staff area URLs for billing (included under /staff/billing/ in the staff namespace)."""

from django.urls import path

from hostwerk.staff import billing_run_views, billing_views

urlpatterns = [
    path("", billing_views.invoice_list, name="invoice_list"),
    path("payments/", billing_views.payment_list, name="payment_list"),
    path("invoices/<int:invoice_id>/", billing_views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:invoice_id>/pdf/", billing_views.invoice_pdf, name="invoice_pdf"),
    path(
        "invoices/<int:invoice_id>/payments/",
        billing_views.invoice_payment_add,
        name="invoice_payment_add",
    ),
    path(
        "invoices/<int:invoice_id>/cancel/",
        billing_views.invoice_cancel_view,
        name="invoice_cancel",
    ),
    path("invoices/<int:invoice_id>/send/", billing_views.invoice_send_view, name="invoice_send"),
    path(
        "invoices/<int:invoice_id>/credit-note/",
        billing_run_views.invoice_credit_note,
        name="invoice_credit_note",
    ),
    path("runs/", billing_run_views.billing_runs, name="billing_runs"),
    path("runs/preview/", billing_run_views.billing_run_preview, name="billing_run_preview"),
    path(
        "domains/<int:domain_id>/cancel/",
        billing_run_views.domain_cancel_confirm,
        name="domain_cancel_confirm",
    ),
    path(
        "services/<int:service_id>/billing/",
        billing_run_views.service_billing,
        name="service_billing",
    ),
    path(
        "services/<int:service_id>/cancellation/",
        billing_run_views.service_cancellation,
        name="service_cancellation",
    ),
    path(
        "cancellations/<int:cancellation_id>/withdraw/",
        billing_run_views.cancellation_withdraw_view,
        name="cancellation_withdraw",
    ),
]
