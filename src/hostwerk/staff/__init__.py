"""The staff area (/staff/): thin views over actions and queries."""
