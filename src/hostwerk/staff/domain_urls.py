"""Staff area URLs for domains (included under /staff/domains/ in the staff namespace)."""

from django.urls import path

from hostwerk.staff import domain_views, drift_views, zone_import_views

urlpatterns = [
    path("", domain_views.domain_list, name="domain_list"),
    path("<int:domain_id>/", domain_views.domain_detail, name="domain_detail"),
    path("<int:domain_id>/renew/", domain_views.domain_renew_view, name="domain_renew"),
    path(
        "<int:domain_id>/drift-check/",
        drift_views.domain_drift_check_view,
        name="domain_drift_check",
    ),
    path(
        "<int:domain_id>/zone-import/",
        zone_import_views.domain_zone_import_view,
        name="domain_zone_import",
    ),
    path("<int:domain_id>/sync/", domain_views.domain_sync_view, name="domain_sync"),
    path(
        "<int:domain_id>/nameservers/",
        domain_views.domain_nameservers_view,
        name="domain_nameservers",
    ),
    path("<int:domain_id>/resend/", domain_views.domain_resend_view, name="domain_resend"),
    path("<int:domain_id>/transfer/", domain_views.domain_transfer_view, name="domain_transfer"),
]
