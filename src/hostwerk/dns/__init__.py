"""DNS manager: zones, records, templates, zone history, and publishing to PowerDNS."""
