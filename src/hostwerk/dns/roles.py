"""The roles of template-managed records: which of them follow the hosting server (R6, R7)."""

from __future__ import annotations

# Roles of the default template (R6). "web" and "www" carry the site, "mail_host" is the
# mn-mx1 record the MX points to; those three follow the hosting server (R7).
WEB_KEYS = ("web", "www")
MAIL_KEYS = ("mail_host",)
# Roles of records a staff member adds to a template that use {web_ip} or {mail_ip}.
WEB_PREFIX = "web:"
MAIL_PREFIX = "mail:"


def follows(template_key: str) -> str | None:
    """Which server address a template-managed record takes: "web_ip", "mail_ip" or None."""
    if template_key in WEB_KEYS or template_key.startswith(WEB_PREFIX):
        return "web_ip"
    if template_key in MAIL_KEYS or template_key.startswith(MAIL_PREFIX):
        return "mail_ip"
    return None
