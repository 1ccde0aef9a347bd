"""EPP registry simulator: domains, contacts, hosts, transfers and poll over TLS, with faults."""
