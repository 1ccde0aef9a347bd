"""Client area URLs for domains (included under /domains/ in the portal namespace)."""

from django.urls import path

from hostwerk.portal import domain_views

urlpatterns = [
    path("", domain_views.domain_list, name="domain_list"),
    path("<int:domain_id>/", domain_views.domain_detail, name="domain_detail"),
]
