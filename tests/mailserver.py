"""aiosmtpd handlers for the tests: an inbox that keeps what it accepts, and a login checker."""

from aiosmtpd.smtp import AuthResult


class Inbox:
    """An aiosmtpd handler that keeps every envelope it accepts."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class RefusingInbox(Inbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return f"550 No mailbox for {address}"


class Authenticator:
    """Accepts one login and remembers every attempt."""

    def __init__(self, login: str, password: str):
        self.expected = (login.encode(), password.encode())
        self.attempts = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        self.attempts.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=(auth_data.login, auth_data.password) == self.expected)
