import email
import email.policy
import smtplib
from datetime import timedelta

import pytest

from storefront.database import utcnow
from storefront.extensions import db
from storefront.notifications.delivery import deliver_due
from storefront.notifications.models import OutboxMessage
from storefront.notifications.transport import MailServer, parse_mail_url
from tests.mailserver import Authenticator, RefusingInbox


def received(envelope):
    return email.message_from_bytes(envelope.content, policy=email.policy.default)


def test_message_arrives_over_smtp(app, app_ctx, queue, smtp_server, smtp_port, mail_dir):
    inbox = smtp_server()
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"
    message_id = queue(subject="您的订单已发货")
    assert deliver_due() == (1, 0)
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["ming@example.com"]
    assert envelope.mail_from == app.config["MAIL_FROM"]
    sent = received(envelope)
    assert sent["Subject"] == "您的订单已发货"
    assert "加入购物车" in sent.get_body(("plain",)).get_content()
    assert db.session.get(OutboxMessage, message_id).status == "sent"
    assert not mail_dir.exists()


def test_message_waits_while_the_server_is_down_and_goes_once_it_is_back(
    app, app_ctx, queue, smtp_server, smtp_port
):
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"
    message_id = queue()
    now = utcnow()
    assert deliver_due(now=now) == (0, 1)
    message = db.session.get(OutboxMessage, message_id)
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.last_error.startswith("ConnectionRefusedError")
    assert message.next_attempt_at > now
    inbox = smtp_server()
    assert deliver_due(now=now + timedelta(seconds=30)) == (0, 0)
    assert deliver_due(now=now + timedelta(seconds=61)) == (1, 0)
    assert [envelope.rcpt_tos for envelope in inbox.envelopes] == [["ming@example.com"]]
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id).status == "sent"


def test_refused_recipient_is_recorded_but_kept_out_of_the_log(app, app_ctx, queue, smtp_server, smtp_port, caplog):
    smtp_server(RefusingInbox())
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"
    message_id = queue()
    assert deliver_due() == (0, 1)
    assert db.session.get(OutboxMessage, message_id).last_error.startswith("SMTPRecipientsRefused")
    assert "ming@example.com" not in caplog.text


def test_injected_bcc_never_reaches_the_server(app, app_ctx, queue, smtp_server, smtp_port):
    inbox = smtp_server()
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"
    queue(subject="Hello\r\nBcc: x@evil.example")
    bad = OutboxMessage(recipient="ming@example.com\r\nBcc: x@evil.example", locale="en", template="test_message",
                        subject="Hi", body_text="Hi")
    db.session.add(bad)
    db.session.commit()
    assert deliver_due() == (1, 1)
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["ming@example.com"]
    assert received(envelope)["Bcc"] is None
    assert b"\nBcc:" not in envelope.original_content


def test_starttls_encrypts_before_logging_in(
    app, app_ctx, queue, smtp_server, smtp_port, server_tls, trust_certificate
):
    authenticator = Authenticator("shop@example.com", "p@ss:w/d")
    inbox = smtp_server(tls_context=server_tls, require_starttls=True, authenticator=authenticator,
                        auth_required=True, auth_require_tls=True)
    app.config["MAIL_URL"] = f"smtp+starttls://shop%40example.com:p%40ss%3Aw%2Fd@127.0.0.1:{smtp_port}"
    queue()
    assert deliver_due() == (1, 0)
    assert authenticator.attempts == [("shop@example.com", "p@ss:w/d")]
    assert [envelope.rcpt_tos for envelope in inbox.envelopes] == [["ming@example.com"]]


def test_smtps_speaks_tls_from_the_start(app, app_ctx, queue, smtp_server, smtp_port, server_tls, trust_certificate):
    authenticator = Authenticator("shop", "secret")
    # aiosmtpd counts only STARTTLS as TLS for AUTH; this server is TLS from the first byte.
    inbox = smtp_server(ssl_context=server_tls, authenticator=authenticator, auth_require_tls=False)
    app.config["MAIL_URL"] = f"smtps://shop:secret@127.0.0.1:{smtp_port}"
    queue()
    assert deliver_due() == (1, 0)
    assert authenticator.attempts == [("shop", "secret")]
    assert len(inbox.envelopes) == 1


def test_starttls_refuses_a_server_it_cannot_verify(app, app_ctx, queue, smtp_server, smtp_port, server_tls):
    smtp_server(tls_context=server_tls, require_starttls=True)
    app.config["MAIL_URL"] = f"smtp+starttls://user:secret@127.0.0.1:{smtp_port}"
    message_id = queue()
    assert deliver_due() == (0, 1)
    assert "CERTIFICATE_VERIFY_FAILED" in db.session.get(OutboxMessage, message_id).last_error


@pytest.mark.parametrize(
    ("url", "server"),
    [
        ("smtp://mail.example:2525", MailServer("smtp", "mail.example", 2525)),
        ("smtp://mail.example", MailServer("smtp", "mail.example", 25)),
        ("smtp+starttls://shop%40example.com:p%40ss%3Aw%2Fd@mail.example:587",
         MailServer("smtp+starttls", "mail.example", 587, "shop@example.com", "p@ss:w/d")),
        ("smtp+starttls://user:secret@mail.example",
         MailServer("smtp+starttls", "mail.example", 587, "user", "secret")),
        ("smtps://user:secret@mail.example:465", MailServer("smtps", "mail.example", 465, "user", "secret")),
        ("smtps://mail.example", MailServer("smtps", "mail.example", 465)),
    ],
)
def test_mail_url_is_parsed(url, server):
    assert parse_mail_url(url) == server


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("http://mail.example", "unknown scheme 'http'"),
        ("mail.example:25", "unknown scheme"),
        ("smtp://", "no host"),
        ("smtp://user:secret@mail.example", "credentials need"),
    ],
)
def test_bad_mail_url_is_refused_without_repeating_it(url, complaint):
    with pytest.raises(ValueError, match=complaint) as error:
        parse_mail_url(url)
    assert "secret" not in str(error.value)


def test_password_is_not_shown_in_the_servers_repr():
    assert "secret" not in repr(parse_mail_url("smtps://user:secret@mail.example"))


class FakeSMTP:
    """Stands in for smtplib.SMTP and SMTP_SSL, recording what the transport asks of it."""

    calls: list = []

    def __init__(self, host, port, timeout=None, context=None):
        self.calls.append((type(self).__name__, host, port, timeout, context is not None))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.calls.append(("quit",))

    def starttls(self, context=None):
        self.calls.append(("starttls", context is not None))

    def login(self, user, password):
        self.calls.append(("login", user, password))

    def send_message(self, message):
        self.calls.append(("send", message["To"]))


class FakeSMTP_SSL(FakeSMTP):
    pass


@pytest.fixture
def fake_smtp(monkeypatch):
    FakeSMTP.calls = []
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(smtplib, "SMTP_SSL", FakeSMTP_SSL)
    return FakeSMTP.calls


@pytest.mark.parametrize(
    ("url", "calls"),
    [
        ("smtp://mail.example:2525", [("FakeSMTP", "mail.example", 2525, 10, False)]),
        ("smtp+starttls://shop%40example.com:p%40ss@mail.example:587",
         [("FakeSMTP", "mail.example", 587, 10, False), ("starttls", True), ("login", "shop@example.com", "p@ss")]),
        ("smtps://shop%40example.com:p%40ss@mail.example",
         [("FakeSMTP_SSL", "mail.example", 465, 10, True), ("login", "shop@example.com", "p@ss")]),
    ],
)
def test_each_scheme_uses_its_connection(app, app_ctx, queue, fake_smtp, url, calls):
    app.config["MAIL_URL"] = url
    queue()
    assert deliver_due() == (1, 0)
    assert fake_smtp == [*calls, ("send", "ming@example.com"), ("quit",)]
