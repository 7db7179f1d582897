"""Customer-service conversations: a ticket (who, about what, which order) and its messages."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.database import utcnow
from storefront.extensions import db
from storefront.security import Encrypted

TICKET_STATUSES = ("open", "answered", "closed")  # open: the shop owes an answer; answered: the customer's turn
AUTHORS = ("customer", "staff")


class SupportTicket(db.Model):
    __table_args__ = (CheckConstraint("status IN ('open', 'answered', 'closed')", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the customer sees and the URL names (not the sequential id): e.g. "T-7K3Q9XWD".
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # Contact data, encrypted; emptied when the customer erases their data.
    email: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    email_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    name: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    subject: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    order_id: Mapped[int | None] = mapped_column(ForeignKey("shop_order.id", ondelete="SET NULL"), index=True)
    locale: Mapped[str] = mapped_column(String(8))  # replies are emailed in this language
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    # The staff member who opened it (a conversation about an order); NULL when the customer wrote first.
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    personal_data_erased_at: Mapped[datetime | None]

    messages: Mapped[list["SupportMessage"]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", order_by="SupportMessage.id", lazy="raise"
    )

    def __repr__(self) -> str:
        return f"<SupportTicket {self.reference}>"


class SupportMessage(db.Model):
    __table_args__ = (CheckConstraint("author IN ('customer', 'staff')", name="author_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("support_ticket.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(8))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket: Mapped[SupportTicket] = relationship(back_populates="messages", lazy="raise")
