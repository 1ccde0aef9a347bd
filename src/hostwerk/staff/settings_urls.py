"""Staff area URLs for settings (included under /staff/settings/ in the staff namespace)."""

from django.urls import path

from hostwerk.staff import email_template_views
from hostwerk.staff import settings_views as views

urlpatterns = [
    path("", views.settings_overview, name="settings"),
    path("products/", views.product_list, name="product_list"),
    path("products/new/", views.product_create_view, name="product_create"),
    path("products/<int:product_id>/", views.product_edit, name="product_edit"),
    path("groups/", views.product_group_list, name="product_group_list"),
    path("groups/new/", views.product_group_create_view, name="product_group_create"),
    path("groups/<int:group_id>/", views.product_group_edit, name="product_group_edit"),
    path("tlds/", views.tld_list, name="tld_list"),
    path("tlds/new/", views.tld_create_view, name="tld_create"),
    path("tlds/<int:tld_id>/", views.tld_edit, name="tld_edit"),
    path("registrars/", views.registrar_list, name="registrar_list"),
    path("registrars/new/", views.registrar_create_view, name="registrar_create"),
    path("registrars/<int:registrar_id>/", views.registrar_edit, name="registrar_edit"),
    path("registrars/<int:registrar_id>/test/", views.registrar_test, name="registrar_test"),
    path("servers/", views.server_list, name="server_list"),
    path("servers/new/", views.server_create_view, name="server_create"),
    path("servers/<int:server_id>/", views.server_edit, name="server_edit"),
    path("servers/<int:server_id>/test/", views.server_test, name="server_test"),
    path("server-groups/", views.server_group_list, name="server_group_list"),
    path("server-groups/new/", views.server_group_create_view, name="server_group_create"),
    path("server-groups/<int:group_id>/", views.server_group_edit, name="server_group_edit"),
    path("billing/", views.billing_settings, name="billing_settings"),
    path("emails/", email_template_views.email_template_list, name="email_template_list"),
    path(
        "emails/<slug:kind>/<slug:language>/",
        email_template_views.email_template_edit,
        name="email_template_edit",
    ),
    path(
        "emails/<slug:kind>/<slug:language>/preview/",
        email_template_views.email_template_preview,
        name="email_template_preview",
    ),
    path(
        "emails/<slug:kind>/<slug:language>/reset/",
        email_template_views.email_template_reset_view,
        name="email_template_reset",
    ),
]
