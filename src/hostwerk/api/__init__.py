"""REST API v1 (django-ninja): orchestrates actions and queries, no logic of its own."""
