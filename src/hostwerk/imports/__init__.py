"""Imports from other billing systems (WHMCS 8): read-only on the source, idempotent here."""
