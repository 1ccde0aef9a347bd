"""Shared building blocks used by two or more Hostwerk apps."""
