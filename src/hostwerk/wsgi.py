"""WSGI entry point (gunicorn hostwerk.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hostwerk.settings")
application = get_wsgi_application()
