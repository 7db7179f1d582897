"""The outbox: one row per email, rendered when queued and delivered by the worker."""

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from storefront.database import utcnow
from storefront.extensions import db
from storefront.security import Encrypted

PENDING = "pending"
SENT = "sent"


class OutboxMessage(db.Model):
    __table_args__ = (CheckConstraint("status IN ('pending', 'sent')", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipient: Mapped[str] = mapped_column(String(320))
    locale: Mapped[str] = mapped_column(String(8))  # the URL code: en, zh
    template: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str | None] = mapped_column(String(300))
    # Encrypted like every personal field (an order confirmation holds the delivery address), and
    # dropped once delivered: a sent message keeps only its template, language and times.
    body_text: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    body_html: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    # No foreign key: notifications sit below accounts; accounts set it for mail about an account.
    user_id: Mapped[int | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None]
    delete_after_send: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.template} {self.status}>"
