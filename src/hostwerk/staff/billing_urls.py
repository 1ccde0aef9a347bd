"""Staff area URLs for billing (included under /staff/billing/ in the staff namespace)."""

from django.urls import path

from hostwerk.staff import views

urlpatterns = [
    path("", views.placeholder, {"section": "billing"}, name="invoice_list"),
]
