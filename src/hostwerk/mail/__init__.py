"""Mailboxes with spam filtering, and the mail filtering (SpamExperts) flow."""
