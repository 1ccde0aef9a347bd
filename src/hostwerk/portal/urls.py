from django.urls import include, path
from django.views.decorators.cache import never_cache

from hostwerk.accounts.models import ClientArea
from hostwerk.accounts.views import login_view
from hostwerk.portal import (
    billing_urls,
    dns_urls,
    domain_urls,
    mail_urls,
    order_views,
    service_views,
    user_views,
    views,
)
from hostwerk.portal.decorators import patterns_for_area

app_name = "portal"

# Which part of the client area each page belongs to; a login without it gets a 403 (ADR 0009).
billing = [
    path("profile/", views.profile, name="profile"),
    path("invoices/", include(patterns_for_area(ClientArea.BILLING, billing_urls.urlpatterns))),
    path("order/", order_views.catalogue, name="catalogue"),
    path("order/domains/add/", order_views.checker_add, name="checker_add"),
    path("order/cart/", order_views.cart, name="cart"),
    path("order/cart/add/", order_views.cart_add_view, name="cart_add"),
    path("order/cart/remove/", order_views.cart_remove_view, name="cart_remove"),
    path("order/checkout/", order_views.checkout, name="checkout"),
    path("orders/", order_views.order_list, name="order_list"),
    path("orders/<int:order_id>/", order_views.order_detail, name="order_detail"),
]
technical = [
    path("dns/", include(patterns_for_area(ClientArea.TECHNICAL, dns_urls.urlpatterns))),
    path("domains/", include(patterns_for_area(ClientArea.TECHNICAL, domain_urls.urlpatterns))),
    path("mail/", include(patterns_for_area(ClientArea.TECHNICAL, mail_urls.urlpatterns))),
    path("services/", service_views.service_list, name="service_list"),
    path("services/<int:service_id>/", service_views.service_detail, name="service_detail"),
    path("services/<int:service_id>/cancel/", service_views.service_cancel, name="service_cancel"),
    path(
        "services/<int:service_id>/password/",
        service_views.service_password_reset,
        name="service_password_reset",
    ),
]
logins = [
    path("logins/", user_views.user_list, name="user_list"),
    path("logins/<int:user_id>/remove/", user_views.user_remove, name="user_remove"),
]

urlpatterns = [
    path("login/", never_cache(login_view), {"staff_area": False}, name="login"),
    path("", views.dashboard, name="dashboard"),
    path("impersonation/stop/", views.stop_impersonating, name="stop_impersonating"),
    *patterns_for_area(ClientArea.BILLING, billing),
    *patterns_for_area(ClientArea.TECHNICAL, technical),
    *patterns_for_area(ClientArea.LOGINS, logins),
]
