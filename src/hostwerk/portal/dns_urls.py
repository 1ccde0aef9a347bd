"""Client area URLs for DNS (included under /dns/ in the portal namespace)."""

from django.urls import path

from hostwerk.portal import dns_views

urlpatterns = [
    path("", dns_views.zone_list, name="zone_list"),
    path("<int:zone_id>/", dns_views.zone_detail, name="zone_detail"),
    path("<int:zone_id>/records/", dns_views.zone_records, name="zone_records"),
    path("<int:zone_id>/status/", dns_views.zone_status, name="zone_status"),
    path("<int:zone_id>/records/new/", dns_views.zone_record_create, name="zone_record_create"),
    path(
        "<int:zone_id>/records/<int:record_id>/edit/",
        dns_views.zone_record_edit,
        name="zone_record_edit",
    ),
    path(
        "<int:zone_id>/records/<int:record_id>/delete/",
        dns_views.zone_record_delete,
        name="zone_record_delete",
    ),
    path("<int:zone_id>/history/", dns_views.zone_history, name="zone_history"),
    path("<int:zone_id>/export/", dns_views.zone_export, name="zone_export"),
]
