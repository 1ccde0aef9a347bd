"""Top-level URLs: client area at /, staff area at /staff/, API at /api/v1/, Django admin."""

from django.contrib import admin
from django.urls import include, path

from hostwerk.accounts.views import language_switch, logout_view
from hostwerk.api.v1 import api
from hostwerk.billing.webhooks import mollie_webhook

urlpatterns = [
    path("staff/", include("hostwerk.staff.urls")),
    path("django-admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("webhooks/mollie", mollie_webhook, name="mollie_webhook"),
    path("logout/", logout_view, name="logout"),
    path("language/", language_switch, name="language_switch"),
    path("", include("hostwerk.portal.urls")),
]
