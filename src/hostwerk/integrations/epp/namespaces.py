"""XML namespaces of EPP (RFC 5730-5733) and the registry extensions Hostwerk speaks."""

EPP = "urn:ietf:params:xml:ns:epp-1.0"
DOMAIN = "urn:ietf:params:xml:ns:domain-1.0"
CONTACT = "urn:ietf:params:xml:ns:contact-1.0"
HOST = "urn:ietf:params:xml:ns:host-1.0"
# SIDN (.nl) extension: legal form of contacts, detailed error messages, poll data.
SIDN = "http://rxsd.domain-registry.nl/sidn-ext-epp-1.0"
# DNSSEC (RFC 5910): announced by most registries; Hostwerk does not use it yet.
SECDNS = "urn:ietf:params:xml:ns:secDNS-1.1"

# Other spellings of the SIDN extension seen in libraries; the greeting decides which one is used.
SIDN_ALTERNATIVES = (
    SIDN,
    "https://rxsd.domain-registry.nl/sidn-ext-epp-1.0",
    "urn:ietf:params:xml:ns:sidn-ext-epp-1.0",
)

SUPPORTED_OBJECTS = (DOMAIN, CONTACT, HOST)
