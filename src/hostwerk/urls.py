"""Top-level URLs: client area at /, staff area at /staff/, API at /api/v1/, Django admin."""

from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import never_cache

from hostwerk.accounts.views import language_switch, logout_view, password_forgot, password_set
from hostwerk.api.v1 import api
from hostwerk.billing.webhooks import mollie_webhook
from hostwerk.core.health import health

urlpatterns = [
    path("staff/", include("hostwerk.staff.urls")),
    path("django-admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("health", health, name="health"),
    path("webhooks/mollie", mollie_webhook, name="mollie_webhook"),
    path("logout/", logout_view, name="logout"),
    path("language/", language_switch, name="language_switch"),
    path("password/forgot/", never_cache(password_forgot), name="password_forgot"),
    path("password/set/<str:token>/", never_cache(password_set), name="password_set"),
    path("", include("hostwerk.portal.urls")),
]
