"""Payment: what is kept of a card payment. Never the number, the CVC or the holder's name."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storefront.database import utcnow
from storefront.extensions import db

PAYMENT_STATES = ("captured", "refunded", "voided")


class Payment(db.Model):
    __table_args__ = (
        CheckConstraint("status IN ('captured', 'refunded', 'voided')", name="status_known"),
        CheckConstraint("length(last4) = 4", name="last4_only"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The order it pays for (cart.Order). Named by table, so payments need not import the cart.
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id", ondelete="CASCADE"), index=True)
    processor: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str] = mapped_column(String(120), unique=True)
    brand: Mapped[str] = mapped_column(String(20))
    last4: Mapped[str] = mapped_column(String(4))
    exp_month: Mapped[int]
    exp_year: Mapped[int]
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(10), default="captured")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    refunded_at: Mapped[datetime | None]

    @property
    def expiry(self) -> str:
        return f"{self.exp_month:02d}/{self.exp_year % 100:02d}"
