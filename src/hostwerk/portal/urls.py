from django.urls import include, path
from django.views.decorators.cache import never_cache

from hostwerk.accounts.views import login_view
from hostwerk.portal import views

app_name = "portal"

urlpatterns = [
    path("login/", never_cache(login_view), {"staff_area": False}, name="login"),
    path("", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("impersonation/stop/", views.stop_impersonating, name="stop_impersonating"),
    path("invoices/", include("hostwerk.portal.billing_urls")),
    path("dns/", include("hostwerk.portal.dns_urls")),
]
