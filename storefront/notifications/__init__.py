"""Transactional email: an outbox table, rendering in the recipient's language, delivery over SMTP or to files."""


def register(app) -> None:
    """Wire the outbox into the app (filled in by the notifications work)."""
