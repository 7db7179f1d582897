import email
import email.policy
import logging
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from storefront.database import utcnow
from storefront.extensions import db
from storefront.notifications.delivery import claim, deliver_due, deliver_one, retry_delay
from storefront.notifications.models import OutboxMessage


def read_eml(path):
    with path.open("rb") as handle:
        return email.message_from_binary_file(handle, policy=email.policy.default)


def only_eml(mail_dir):
    files = sorted(mail_dir.glob("*.eml"))
    assert len(files) == 1
    return files[0]


def add_row(**values) -> int:
    """An outbox row written directly, as no caller of queue_email could write it."""
    row = OutboxMessage(
        **{"recipient": "ming@example.com", "locale": "en", "template": "test_message", "subject": "Hello",
           "body_text": "Hello", "body_html": "<p>Hello</p>", **values}
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def test_file_transport_writes_a_complete_email(app, app_ctx, queue, mail_dir):
    message_id = queue(subject="您的订单已发货 – Tom & Jerry")
    assert deliver_due() == (1, 0)
    path = only_eml(mail_dir)
    assert re.fullmatch(rf"\d{{8}}T\d{{12}}Z-{message_id}\.eml", path.name)
    sent = read_eml(path)
    assert sent["Subject"] == "您的订单已发货 – Tom & Jerry"
    assert sent["To"].addresses[0].addr_spec == "ming@example.com"
    sender = sent["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == (app.config["SHOP_NAME"], app.config["MAIL_FROM"])
    assert sent["Reply-To"].addresses[0].addr_spec == app.config["SHOP_EMAIL"]
    assert sent["Date"] and sent["Message-ID"]
    assert sent["Content-Language"] == "zh-Hans"
    assert "加入购物车: US$12.50" in sent.get_body(("plain",)).get_content()
    assert "<p>加入购物车: US$12.50</p>" in sent.get_body(("html",)).get_content()


def test_sent_message_keeps_no_body(app_ctx, queue):
    message_id = queue()
    deliver_due()
    message = db.session.get(OutboxMessage, message_id)
    assert (message.status, message.attempts, message.last_error) == ("sent", 0, None)
    assert message.sent_at is not None
    assert (message.body_text, message.body_html) == (None, None)
    assert (message.template, message.locale) == ("test_message", "zh")


def test_message_marked_delete_after_send_is_deleted_once_delivered(app_ctx, queue, mail_dir):
    message_id = queue(delete_after_send=True)
    assert deliver_due() == (1, 0)
    assert db.session.get(OutboxMessage, message_id) is None
    assert only_eml(mail_dir)


def test_message_is_delivered_once(app_ctx, queue, mail_dir):
    queue()
    assert deliver_due() == (1, 0)
    assert deliver_due(now=utcnow() + timedelta(days=1)) == (0, 0)
    assert only_eml(mail_dir)


def test_messages_go_in_id_order_up_to_the_limit(app_ctx, queue):
    first, second, third = queue(), queue(), queue()
    assert deliver_due(limit=2) == (2, 0)
    status = {m.id: m.status for m in db.session.scalars(select(OutboxMessage))}
    assert status == {first: "sent", second: "sent", third: "pending"}


def test_message_not_yet_due_waits(app_ctx, queue, mail_dir):
    queue()
    assert deliver_due(now=utcnow() - timedelta(minutes=1)) == (0, 0)
    assert not mail_dir.exists()


def test_claim_succeeds_once(app_ctx, queue):
    message_id = queue()
    seen = db.session.get(OutboxMessage, message_id).next_attempt_at
    now = utcnow()
    assert claim(message_id, seen, now) is True
    db.session.commit()
    # A second worker that saw the same row before the first one claimed it gets nothing.
    assert claim(message_id, seen, now) is False
    db.session.rollback()
    assert db.session.get(OutboxMessage, message_id).next_attempt_at == now + timedelta(minutes=10)


def test_worker_that_lost_the_claim_sends_nothing(app_ctx, queue, mail_dir):
    message_id = queue()
    seen = db.session.get(OutboxMessage, message_id).next_attempt_at
    now = utcnow()
    assert deliver_one(message_id, seen, now) is True
    assert deliver_one(message_id, seen, now) is None
    assert only_eml(mail_dir)


def test_claimed_message_returns_after_the_lease_when_its_worker_died(app_ctx, queue):
    message_id = queue()
    now = utcnow()
    claim(message_id, db.session.get(OutboxMessage, message_id).next_attempt_at, now)
    db.session.commit()
    assert deliver_due(now=now + timedelta(minutes=9)) == (0, 0)
    assert deliver_due(now=now + timedelta(minutes=10)) == (1, 0)


def test_failure_is_recorded_and_retried_later(app, app_ctx, queue, mail_dir):
    message_id = queue()
    app.config["MAIL_URL"] = "http://mail.example"
    now = utcnow()
    assert deliver_due(now=now) == (0, 1)
    message = db.session.get(OutboxMessage, message_id)
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.last_error.startswith("ValueError: STOREFRONT_MAIL_URL: unknown scheme 'http'")
    assert message.next_attempt_at == now + timedelta(seconds=60)
    assert message.body_text and message.body_html
    assert deliver_due(now=now + timedelta(seconds=59)) == (0, 0)
    assert deliver_due(now=now + timedelta(seconds=60)) == (0, 1)
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id).next_attempt_at == now + timedelta(seconds=180)
    app.config["MAIL_URL"] = None
    assert deliver_due(now=now + timedelta(seconds=180)) == (1, 0)
    assert only_eml(mail_dir)


@pytest.mark.parametrize(("attempts", "seconds"), [(1, 60), (2, 120), (3, 240), (6, 1920), (7, 3600), (500, 3600)])
def test_retries_back_off_to_at_most_an_hour(attempts, seconds):
    assert retry_delay(attempts) == timedelta(seconds=seconds)


def test_error_text_is_truncated(app, app_ctx, queue):
    message_id = queue()
    app.config["MAIL_URL"] = "x" * 600 + "://host"
    deliver_due()
    assert len(db.session.get(OutboxMessage, message_id).last_error) == 500


def test_recipient_with_a_line_break_fails_without_sending(app_ctx, mail_dir):
    message_id = add_row(recipient="ming@example.com\r\nBcc: x@evil.example")
    assert deliver_due() == (0, 1)
    message = db.session.get(OutboxMessage, message_id)
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.last_error.startswith("ValueError")
    assert not mail_dir.exists()


@pytest.mark.parametrize("recipient", ["ming@example.com, x@evil.example", "Ming <ming@example.com>"])
def test_recipient_must_be_a_bare_address(app_ctx, mail_dir, recipient):
    add_row(recipient=recipient)
    assert deliver_due() == (0, 1)
    assert not mail_dir.exists()


def test_subject_with_a_line_break_cannot_add_a_header(app_ctx, mail_dir):
    add_row(subject="Hello\r\nBcc: x@evil.example")
    assert deliver_due() == (1, 0)
    path = only_eml(mail_dir)
    sent = read_eml(path)
    assert sent["Bcc"] is None
    assert sent["Subject"] == "Hello Bcc: x@evil.example"
    assert not re.search(rb"^Bcc:", path.read_bytes(), re.MULTILINE)


def test_mail_file_is_private_to_its_owner(app_ctx, queue, mail_dir):
    queue()
    deliver_due()
    assert only_eml(mail_dir).stat().st_mode & 0o077 == 0


def test_log_names_message_and_template_but_never_the_address(app, app_ctx, queue, caplog):
    caplog.set_level(logging.DEBUG)
    sent_id = queue()
    deliver_due()
    failed_id = queue()
    app.config["MAIL_URL"] = "smtp://127.0.0.1:1"  # nothing listens on port 1
    deliver_due()
    assert "ming@example.com" not in caplog.text
    assert "加入购物车" not in caplog.text
    lines = [record.getMessage() for record in caplog.records if record.name.startswith("storefront.notifications")]
    assert lines == [
        f"outbox message {sent_id} (test_message) sent",
        f"outbox message {failed_id} (test_message) failed on attempt 1: ConnectionRefusedError",
    ]


def test_two_workers_at_once_send_each_message_exactly_once(make_outbox_app, queue, mail_dir):
    ids = [queue() for _ in range(20)]
    workers = [make_outbox_app(), make_outbox_app()]
    start = threading.Barrier(len(workers))
    results = []

    def work(app):
        with app.app_context():
            start.wait()
            results.append(deliver_due())

    threads = [threading.Thread(target=work, args=(app,)) for app in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(sent for sent, _ in results) == len(ids)
    assert sum(failed for _, failed in results) == 0
    assert len(list(mail_dir.glob("*.eml"))) == len(ids)
