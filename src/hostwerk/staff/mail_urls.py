"""Staff area URLs for mail (included under /staff/mail/ in the staff namespace)."""

from django.urls import path

from hostwerk.mail.views import mailbox_urlpatterns
from hostwerk.staff import mail_views
from hostwerk.staff.decorators import staff_required

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
    *mailbox_urlpatterns(
        mail_views.STAFF_MAILBOXES, login_required=staff_required, prefix="mailboxes/"
    ),
    path("mailboxes/<int:mailbox_id>/fix/", mail_views.mail_mailbox_fix, name="mail_mailbox_fix"),
    path(
        "mailboxes/<int:mailbox_id>/check/",
        mail_views.mail_mailbox_check,
        name="mail_mailbox_check",
    ),
    path("providers/", mail_views.mail_provider_list, name="mail_provider_list"),
    path("providers/new/", mail_views.mail_provider_create, name="mail_provider_create"),
    path("providers/<int:provider_id>/", mail_views.mail_provider_edit, name="mail_provider_edit"),
]
