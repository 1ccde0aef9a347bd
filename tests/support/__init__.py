"""Reusable test fixtures: simulators and real servers started for a test session."""
