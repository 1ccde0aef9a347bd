"""Registrars and domain names: registration, transfer, renewal, contact preflight."""
