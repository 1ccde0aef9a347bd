"""Client area URLs for invoices (included under /invoices/ in the portal namespace)."""

urlpatterns: list = []
