"""Protocol-faithful Plesk XML API simulator with fault injection, for tests and the demo."""
