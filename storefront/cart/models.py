"""Carts (a visitor's, keyed by a cookie token, or a customer's), orders, their lines and status history."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.catalog.models import Product
from storefront.database import utcnow
from storefront.extensions import db
from storefront.payments.models import Payment
from storefront.security import Encrypted

ORDER_STATUSES = ("placed", "paid", "shipped", "delivered", "cancelled", "refunded")


class Cart(db.Model):
    __table_args__ = (CheckConstraint("(user_id IS NULL) <> (token_hash IS NULL)", name="one_owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # A visitor's cart: the SHA-256 of the random token in their cookie (a leaked table opens no cart).
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # A customer's cart: one per account.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    items: Mapped[list["CartItem"]] = relationship(
        back_populates="cart", cascade="all, delete-orphan", order_by="CartItem.id", lazy="raise"
    )


class CartItem(db.Model):
    __table_args__ = (
        UniqueConstraint("cart_id", "product_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(ForeignKey("cart.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int]
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    cart: Mapped[Cart] = relationship(back_populates="items", lazy="raise")
    product: Mapped[Product] = relationship(lazy="raise")

    @property
    def line_total(self) -> Decimal:
        """At today's price (the product must be loaded with the item)."""
        return self.product.price * self.quantity


class Order(db.Model):
    __tablename__ = "shop_order"  # "order" is an SQL keyword
    __table_args__ = (
        CheckConstraint("status IN ('placed', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')",
                        name="status_known"),
        CheckConstraint("total >= 0", name="total_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    # The hidden token of the checkout form that placed it: one order per token.
    checkout_token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # Contact and delivery data, encrypted; emptied (not the order) when the customer erases their data.
    email: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    email_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    recipient: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    phone: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    country: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    region: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    city: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    district: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    line1: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    line2: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    postal_code: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    # Set when the order is shipped: who carries it and their tracking number (no personal data).
    carrier: Mapped[str | None] = mapped_column(String(80))
    tracking_number: Mapped[str | None] = mapped_column(String(80))
    locale: Mapped[str] = mapped_column(String(8))  # every email about the order is in this language
    status: Mapped[str] = mapped_column(String(12), default="placed", index=True)
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[Decimal]
    shipping: Mapped[Decimal]
    total: Mapped[Decimal]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    personal_data_erased_at: Mapped[datetime | None]

    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id", lazy="raise"
    )
    events: Mapped[list["OrderEvent"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderEvent.id", lazy="raise"
    )
    payments: Mapped[list[Payment]] = relationship(order_by=Payment.id, lazy="raise")

    ADDRESS_FIELDS = ("recipient", "phone", "country", "region", "city", "district", "line1", "line2", "postal_code")

    @property
    def payment(self) -> Payment | None:
        return self.payments[-1] if self.payments else None

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    def __repr__(self) -> str:
        return f"<Order {self.number}>"


class OrderLine(db.Model):
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id", ondelete="CASCADE"), index=True)
    # Kept when the product is later deleted: the line carries its own copy of name, SKU and price.
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id", ondelete="SET NULL"), index=True)
    sku: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    unit_price: Mapped[Decimal]
    quantity: Mapped[int]
    line_total: Mapped[Decimal]

    order: Mapped[Order] = relationship(back_populates="lines", lazy="raise")


class OrderEvent(db.Model):
    """One step of the order's status history."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A short note the customer sees with the step (the carrier and tracking number, why it was cancelled).
    note: Mapped[str | None] = mapped_column(String(300))
    # The staff member who made the step; NULL for the customer's own steps (placing, paying).
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    order: Mapped[Order] = relationship(back_populates="events", lazy="raise")
