"""Client area URLs for mail (included under /mail/ in the portal namespace)."""

from django.urls import path

from hostwerk.portal import mail_views

urlpatterns = [
    path("", mail_views.mailbox_list, name="mailbox_list"),
    path("new/", mail_views.mailbox_create, name="mailbox_create"),
    path("<int:mailbox_id>/", mail_views.mailbox_detail, name="mailbox_detail"),
    path("<int:mailbox_id>/password/", mail_views.mailbox_password, name="mailbox_password"),
    path("<int:mailbox_id>/quota/", mail_views.mailbox_quota, name="mailbox_quota"),
    path("<int:mailbox_id>/delete/", mail_views.mailbox_delete, name="mailbox_delete"),
]
