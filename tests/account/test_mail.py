"""Account mail through a real SMTP server (aiosmtpd on 127.0.0.1)."""

import email
import email.policy
import re
from datetime import timedelta

from storefront.account.models import User
from storefront.database import utcnow
from storefront.extensions import db
from storefront.notifications.delivery import deliver_due
from tests.conftest import PASSWORD


def received(inbox, index=-1) -> email.message.EmailMessage:
    return email.message_from_bytes(inbox.envelopes[index].content, policy=email.policy.default)


def test_chinese_registration_mail_arrives_in_chinese_and_its_link_confirms(app, client, smtp_server, smtp_port):
    inbox = smtp_server()
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"
    client.post("/zh/account/register", data={"email": "ming@example.com", "password": PASSWORD,
                                              "password_confirm": PASSWORD})
    with app.app_context():
        assert deliver_due() == (1, 0)
    assert inbox.envelopes[0].rcpt_tos == ["ming@example.com"]
    message = received(inbox)
    text = message.get_body(("plain",)).get_content()
    assert "确认" in message["Subject"] and "欢迎" in text
    assert message.get_body(("html",)).get_content().count("<html lang=\"zh-Hans\"") == 1
    path = re.search(r"http://shop\.test(/zh/account/confirm/\S+)", text).group(1)
    assert client.get(path).status_code == 303
    with app.app_context():
        assert db.session.query(User).one().email_confirmed_at is not None


def test_mail_waits_in_the_outbox_while_the_server_is_down(app, client, smtp_server, smtp_port, outbox):
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"
    client.post("/en/account/register", data={"email": "later@example.com", "password": PASSWORD,
                                              "password_confirm": PASSWORD})
    with app.app_context():
        assert deliver_due() == (0, 1)
    [waiting] = outbox()
    assert waiting.status == "pending" and waiting.attempts == 1 and waiting.last_error
    inbox = smtp_server()
    with app.app_context():
        assert deliver_due(now=utcnow() + timedelta(minutes=5)) == (1, 0)
    assert inbox.envelopes[0].rcpt_tos == ["later@example.com"]
    [sent] = outbox()
    assert sent.status == "sent" and sent.body_text is None
