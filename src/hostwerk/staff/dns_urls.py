"""Staff area URLs for DNS (included under /staff/dns/ in the staff namespace)."""

from django.urls import path

from hostwerk.staff import dns_views

urlpatterns = [
    path("", dns_views.zone_list, name="zone_list"),
    path("new/", dns_views.zone_create, name="zone_create"),
    path("template/", dns_views.zone_template, name="zone_template"),
    path(
        "template/records/new/",
        dns_views.zone_template_record_create,
        name="zone_template_record_create",
    ),
    path(
        "template/records/<int:template_record_id>/edit/",
        dns_views.zone_template_record_edit,
        name="zone_template_record_edit",
    ),
    path(
        "template/records/<int:template_record_id>/delete/",
        dns_views.zone_template_record_delete,
        name="zone_template_record_delete",
    ),
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
    path("<int:zone_id>/publish/", dns_views.zone_publish, name="zone_publish"),
    path("<int:zone_id>/export/", dns_views.zone_export, name="zone_export"),
    path("<int:zone_id>/history/", dns_views.zone_history, name="zone_history"),
    path(
        "<int:zone_id>/history/<int:change_id>/restore/",
        dns_views.zone_restore,
        name="zone_restore",
    ),
    path("<int:zone_id>/point-to/", dns_views.zone_point_to, name="zone_point_to"),
    path("<int:zone_id>/client/", dns_views.zone_client, name="zone_client"),
    path("<int:zone_id>/delete/", dns_views.zone_delete, name="zone_delete"),
]
