"""Top-level URLs: staff area, client area, API, Django admin."""

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("django-admin/", admin.site.urls),
]
