"""The client area (/): what a client sees, also while staff impersonate the client."""
