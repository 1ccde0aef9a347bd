"""Orders from the three channels, and their acceptance."""
