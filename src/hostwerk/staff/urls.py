from django.urls import include, path
from django.views.decorators.cache import never_cache

from hostwerk.accounts.views import login_view
from hostwerk.staff import views

app_name = "staff"

urlpatterns = [
    path("login/", never_cache(login_view), {"staff_area": True}, name="login"),
    path("", views.dashboard, name="dashboard"),
    path("clients/", views.client_list, name="client_list"),
    path("clients/new/", views.client_create_view, name="client_create"),
    path("clients/<int:client_id>/", views.client_detail, name="client_detail"),
    path("clients/<int:client_id>/edit/", views.client_edit, name="client_edit"),
    path(
        "clients/<int:client_id>/impersonate/", views.client_impersonate, name="client_impersonate"
    ),
    path("settings/", views.settings_overview, name="settings"),
    path("orders/", views.placeholder, {"section": "orders"}, name="order_list"),
    path("services/", views.placeholder, {"section": "services"}, name="service_list"),
    path("domains/", views.placeholder, {"section": "domains"}, name="domain_list"),
    path("dns/", include("hostwerk.staff.dns_urls")),
    path("mail/", views.placeholder, {"section": "mail"}, name="mail_overview"),
    path("billing/", include("hostwerk.staff.billing_urls")),
]
