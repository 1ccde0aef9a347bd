from django.urls import include, path
from django.views.decorators.cache import never_cache

from hostwerk.accounts.views import login_view
from hostwerk.portal import order_views, service_views, views

app_name = "portal"

urlpatterns = [
    path("login/", never_cache(login_view), {"staff_area": False}, name="login"),
    path("", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("impersonation/stop/", views.stop_impersonating, name="stop_impersonating"),
    path("invoices/", include("hostwerk.portal.billing_urls")),
    path("dns/", include("hostwerk.portal.dns_urls")),
    path("domains/", include("hostwerk.portal.domain_urls")),
    path("mail/", include("hostwerk.portal.mail_urls")),
    path("order/", order_views.catalogue, name="catalogue"),
    path("order/domains/add/", order_views.checker_add, name="checker_add"),
    path("order/cart/", order_views.cart, name="cart"),
    path("order/cart/add/", order_views.cart_add_view, name="cart_add"),
    path("order/cart/remove/", order_views.cart_remove_view, name="cart_remove"),
    path("order/checkout/", order_views.checkout, name="checkout"),
    path("orders/", order_views.order_list, name="order_list"),
    path("orders/<int:order_id>/", order_views.order_detail, name="order_detail"),
    path("services/", service_views.service_list, name="service_list"),
    path("services/<int:service_id>/", service_views.service_detail, name="service_detail"),
    path("services/<int:service_id>/cancel/", service_views.service_cancel, name="service_cancel"),
    path(
        "services/<int:service_id>/password/",
        service_views.service_password_reset,
        name="service_password_reset",
    ),
]
