"""Logins for staff and clients, impersonation ("log in as client"), API tokens."""
