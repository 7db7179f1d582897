"""The outbox worker: claims due messages, sends them and records the outcome; unlike services, it commits."""

import logging
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app
from sqlalchemy import select, update

from storefront.database import truncate_sqlite_wal, utcnow, write_transaction
from storefront.extensions import db
from storefront.i18n import LANGUAGES
from storefront.notifications import transport
from storefront.notifications.models import PENDING, SENT, OutboxMessage
from storefront.notifications.services import one_line

LEASE = timedelta(minutes=10)
FIRST_RETRY_SECONDS = 60
MAX_RETRY_SECONDS = 3600
ERROR_LENGTH = 500

# One line per delivery, naming the message and its template: never the address or the body.
log = logging.getLogger(__name__)


def deliver_due(now: datetime | None = None, limit: int = 100) -> tuple[int, int]:
    """Send up to `limit` pending messages due at `now` (default: the current time), oldest first.

    Returns (sent, failed). Commits after each claim and each outcome; no transaction is open while
    a message is being sent. A failed message stays pending and is retried later; none is dropped.
    """
    now = now or utcnow()
    sent = failed = 0
    for message_id, seen in list_due(now, limit):
        outcome = deliver_one(message_id, seen, now)
        if outcome is not None:
            sent, failed = sent + outcome, failed + (not outcome)
    return sent, failed


def list_due(now: datetime, limit: int) -> list[tuple[int, datetime]]:
    """(id, next_attempt_at) of the pending messages due at `now`, in id order; ends its read transaction."""
    query = (
        select(OutboxMessage.id, OutboxMessage.next_attempt_at)
        .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    rows = [(row.id, row.next_attempt_at) for row in db.session.execute(query)]
    db.session.commit()
    return rows


def claim(message_id: int, seen: datetime, now: datetime) -> bool:
    """Lease the message to this worker for LEASE; False when another worker claimed or sent it first.

    Optimistic: the UPDATE matches only while next_attempt_at is still the value this worker saw,
    so of two workers that saw the same row exactly one gets it. Does not commit.
    """
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == PENDING,
               OutboxMessage.next_attempt_at == seen)
        .values(next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def deliver_one(message_id: int, seen: datetime, now: datetime) -> bool | None:
    """Claim, send and record one message: True sent, False failed, None when another worker has it."""
    with write_transaction():
        if not claim(message_id, seen, now):
            db.session.rollback()
            return None
        message = db.session.get(OutboxMessage, message_id)
        db.session.expunge(message)  # keeps its values past the commit, for sending outside a transaction
        db.session.commit()
    error = send_message(message, now)
    with write_transaction():
        record_outcome(message_id, now, error)
        db.session.commit()
    if error is None and message.delete_after_send:
        # An erasure receipt: once it is gone, leave no copy of it in SQLite's write-ahead log.
        truncate_sqlite_wal(db.engine)
    log_outcome(message, error)
    return error is None


def send_message(message: OutboxMessage, now: datetime) -> Exception | None:
    """Build and send the email; returns the error instead of raising it, None when it was sent."""
    try:
        transport.send(build_email(message, now), message.id, current_app.config)
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the message and retried
        return error
    return None


def build_email(message: OutboxMessage, now: datetime) -> EmailMessage:
    """The MIME email: text with an HTML alternative.

    Addresses go in as parsed Address objects and the subject as one line, so a CR/LF in either
    raises or is flattened and can never start a header of its own.
    """
    config = current_app.config
    sender = Address(display_name=config["SHOP_NAME"], addr_spec=config["MAIL_FROM"])
    email = EmailMessage()
    email["From"] = sender
    email["To"] = Address(addr_spec=message.recipient)
    email["Reply-To"] = Address(addr_spec=config["SHOP_EMAIL"])  # replies reach the shop, not a robot
    email["Subject"] = one_line(message.subject or "")
    email["Date"] = format_datetime(now)
    email["Message-ID"] = make_msgid(domain=sender.domain)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body_text or "")
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    # After the parts: making the message multipart moves every Content-* header into its first part.
    email["Content-Language"] = LANGUAGES[message.locale].html
    return email


def record_outcome(message_id: int, now: datetime, error: Exception | None) -> None:
    """Mark the message sent (dropping its bodies, or the whole row) or schedule its retry. Does not commit."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        return  # erased while it was being sent
    if error is not None:
        message.attempts += 1
        message.last_error = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
        message.next_attempt_at = now + retry_delay(message.attempts)
    elif message.delete_after_send:
        db.session.delete(message)
    else:
        message.status, message.sent_at, message.last_error = SENT, now, None
        message.body_text = message.body_html = None


def retry_delay(attempts: int) -> timedelta:
    """60 seconds after the first failure, doubling with each further one, at most an hour."""
    doublings = min(max(attempts - 1, 0), 10)  # bounded, so a long outage does not build huge numbers
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2**doublings, MAX_RETRY_SECONDS))


def log_outcome(message: OutboxMessage, error: Exception | None) -> None:
    if error is None:
        log.info("outbox message %d (%s) sent", message.id, message.template)
    else:
        # The class name only: an SMTP error's text may quote the recipient's address.
        log.warning("outbox message %d (%s) failed on attempt %d: %s", message.id, message.template,
                    message.attempts + 1, type(error).__name__)
