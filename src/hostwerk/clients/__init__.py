"""Clients of the hosting provider and their contact data."""
