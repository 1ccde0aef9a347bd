"""One package per external protocol; typed clients without Django models."""
