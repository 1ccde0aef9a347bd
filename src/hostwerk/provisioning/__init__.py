"""Servers, server groups, services and their lifecycle on remote systems."""
