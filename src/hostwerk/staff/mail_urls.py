"""Staff area URLs for mail (included under /staff/mail/ in the staff namespace)."""

from django.urls import path

from hostwerk.staff import mail_views

urlpatterns = [
    path("", mail_views.mail_overview, name="mail_overview"),
    path("filters/<int:mail_filter_id>/", mail_views.mail_filter_detail, name="mail_filter_detail"),
    path(
        "filters/<int:mail_filter_id>/confirm/",
        mail_views.mail_filter_confirm,
        name="mail_filter_confirm",
    ),
    path(
        "filters/<int:mail_filter_id>/retry/",
        mail_views.mail_filter_retry,
        name="mail_filter_retry",
    ),
    path(
        "filters/<int:mail_filter_id>/cancel/",
        mail_views.mail_filter_cancel,
        name="mail_filter_cancel",
    ),
    path("mailboxes/", mail_views.mail_mailbox_list, name="mail_mailbox_list"),
    path("mailboxes/new/", mail_views.mail_mailbox_create, name="mail_mailbox_create"),
    path("mailboxes/<int:mailbox_id>/", mail_views.mail_mailbox_detail, name="mail_mailbox_detail"),
    path("mailboxes/<int:mailbox_id>/fix/", mail_views.mail_mailbox_fix, name="mail_mailbox_fix"),
    path(
        "mailboxes/<int:mailbox_id>/check/",
        mail_views.mail_mailbox_check,
        name="mail_mailbox_check",
    ),
    path(
        "mailboxes/<int:mailbox_id>/password/",
        mail_views.mail_mailbox_password,
        name="mail_mailbox_password",
    ),
    path(
        "mailboxes/<int:mailbox_id>/quota/",
        mail_views.mail_mailbox_quota,
        name="mail_mailbox_quota",
    ),
    path(
        "mailboxes/<int:mailbox_id>/delete/",
        mail_views.mail_mailbox_delete,
        name="mail_mailbox_delete",
    ),
    path("providers/", mail_views.mail_provider_list, name="mail_provider_list"),
    path("providers/new/", mail_views.mail_provider_create, name="mail_provider_create"),
    path("providers/<int:provider_id>/", mail_views.mail_provider_edit, name="mail_provider_edit"),
]
