from django.urls import include, path
from django.views.decorators.cache import never_cache

from hostwerk.accounts.views import login_code, login_view, two_factor
from hostwerk.staff import (
    bulk_views,
    drift_views,
    import_views,
    order_views,
    search_views,
    service_views,
    views,
)

app_name = "staff"

urlpatterns = [
    path("login/", never_cache(login_view), {"staff_area": True}, name="login"),
    path("login/code/", never_cache(login_code), name="login_code"),
    path("account/two-factor/", never_cache(two_factor), name="two_factor"),
    path("", views.dashboard, name="dashboard"),
    path("search/", search_views.search_view, name="search"),
    path("bulk/<str:kind>/", bulk_views.bulk_start, name="bulk_start"),
    path("bulk/runs/<int:run_id>/", bulk_views.bulk_run_view, name="bulk_run"),
    path("clients/", views.client_list, name="client_list"),
    path("clients/new/", views.client_create_view, name="client_create"),
    path("clients/<int:client_id>/", views.client_detail, name="client_detail"),
    path("clients/<int:client_id>/edit/", views.client_edit, name="client_edit"),
    path(
        "clients/<int:client_id>/impersonate/", views.client_impersonate, name="client_impersonate"
    ),
    path("clients/<int:client_id>/users/new/", views.client_user_add, name="client_user_add"),
    path(
        "clients/<int:client_id>/users/<int:user_id>/remove/",
        views.client_user_remove_view,
        name="client_user_remove",
    ),
    path(
        "clients/<int:client_id>/users/<int:user_id>/send-link/",
        views.client_user_send_link,
        name="client_user_send_link",
    ),
    path("settings/import/whmcs/", import_views.whmcs_import, name="whmcs_import"),
    path("settings/", include("hostwerk.staff.settings_urls")),
    path("orders/", order_views.order_list, name="order_list"),
    path("orders/new/", order_views.order_entry, name="order_entry"),
    path("orders/to-accept/", order_views.orders_to_accept_badge, name="orders_to_accept_badge"),
    path("orders/new/row/", order_views.order_entry_row, name="order_entry_row"),
    path("orders/new/clients/", order_views.client_picker, name="client_picker"),
    path("orders/new/domains/", order_views.order_domain_check, name="order_domain_check"),
    path("orders/<int:order_id>/", order_views.order_detail, name="order_detail"),
    path("orders/<int:order_id>/cancel/", order_views.order_cancel_view, name="order_cancel"),
    path("orders/<int:order_id>/accept/", order_views.order_accept_view, name="order_accept"),
    path("services/", service_views.service_list, name="service_list"),
    path("services/<int:service_id>/", service_views.service_detail, name="service_detail"),
    path(
        "services/<int:service_id>/drift-check/",
        drift_views.service_drift_check_view,
        name="service_drift_check",
    ),
    path(
        "services/<int:service_id>/<str:action>/",
        service_views.service_action,
        name="service_action",
    ),
    path("domains/", include("hostwerk.staff.domain_urls")),
    path("dns/", include("hostwerk.staff.dns_urls")),
    path("mail/", include("hostwerk.staff.mail_urls")),
    path("billing/", include("hostwerk.staff.billing_urls")),
    path("drift/", drift_views.difference_list, name="drift_list"),
    path("drift/check/", drift_views.drift_check_start, name="drift_check"),
    path(
        "drift/<int:difference_id>/repair/",
        drift_views.difference_repair_view,
        name="drift_repair",
    ),
]
