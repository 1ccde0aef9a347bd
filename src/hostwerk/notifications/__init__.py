"""E-mail to clients and providers: rendered from templates in the recipient's language, sent by a task."""
