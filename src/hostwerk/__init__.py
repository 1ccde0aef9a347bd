"""Hostwerk: order, provisioning and billing for hosting providers."""

__version__ = "0.1.0"
