"""Client area URLs for mail (included under /mail/ in the portal namespace)."""

from hostwerk.mail.views import mailbox_urlpatterns
from hostwerk.portal.decorators import client_required
from hostwerk.portal.mail_views import CLIENT_MAILBOXES

urlpatterns = mailbox_urlpatterns(CLIENT_MAILBOXES, login_required=client_required)
