"""What carts and orders hold about a person, for the privacy registry: export and erasure."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.orm import selectinload

from storefront.cart.models import Cart, CartItem, Order, OrderEvent
from storefront.database import utcnow
from storefront.extensions import db
from storefront.privacy.registry import REASONS, Person, ReceiptLine, personal_data, retained, rows_about

REASONS["order_steps"] = _l(
    "The order steps you made on the shop's behalf (shipped, delivered, cancelled) stay in the orders' "
    "history; the link to your account is removed."
)
REASONS["accounting"] = _l(
    "Kept for 10 years because accounting and tax law require it: what was bought, the prices and the dates. "
    "Your name, address, phone number and email address are removed from them."
)


def _orders_of(person: Person):
    return rows_about(person, Order.user_id, Order.email_digest)


def export_orders(person: Person) -> list[dict]:
    orders = db.session.scalars(
        select(Order).where(_orders_of(person)).order_by(Order.id)
        .options(selectinload(Order.lines), selectinload(Order.events), selectinload(Order.payments))
    )
    return [
        {
            "number": order.number, "placed_at": order.created_at.isoformat(), "status": order.status,
            "language": order.locale, "email": order.email,
            "address": {field: getattr(order, field) for field in Order.ADDRESS_FIELDS},
            "currency": order.currency, "subtotal": str(order.subtotal), "shipping": str(order.shipping),
            "total": str(order.total),
            "lines": [{"sku": line.sku, "name": line.name, "unit_price": str(line.unit_price),
                       "quantity": line.quantity} for line in order.lines],
            "payments": [{"brand": p.brand, "last4": p.last4, "expiry": p.expiry, "amount": str(p.amount),
                          "status": p.status} for p in order.payments],
            "history": [{"status": e.status, "at": e.created_at.isoformat()} for e in order.events],
        }
        for order in orders
    ]


def erase_orders(person: Person) -> list[ReceiptLine]:
    kept = db.session.execute(
        update(Order).where(_orders_of(person))
        .values(user_id=None, email=None, email_digest=None, personal_data_erased_at=utcnow(),
                **{field: None for field in Order.ADDRESS_FIELDS})
        .execution_options(synchronize_session=False)
    ).rowcount
    return [ReceiptLine("orders", "kept", kept, "accounting")]


def export_order_steps(person: Person) -> list[dict]:
    """A staff member's steps in orders' histories: which order, which step, when (the customer's own
    steps carry no account: their history is exported with their orders)."""
    if person.user_id is None:
        return []
    rows = db.session.execute(
        select(Order.number, OrderEvent.status, OrderEvent.created_at).join(Order)
        .where(OrderEvent.staff_id == person.user_id).order_by(OrderEvent.id)
    ).all()
    return [{"order": number, "status": status, "at": at.isoformat()} for number, status, at in rows]


def erase_order_steps(person: Person) -> list[ReceiptLine]:
    kept = 0
    if person.user_id is not None:
        kept = db.session.execute(
            update(OrderEvent).where(OrderEvent.staff_id == person.user_id).values(staff_id=None)
            .execution_options(synchronize_session=False)
        ).rowcount
    return [ReceiptLine("order_steps_made", "kept", kept, "order_steps")]


def export_cart(person: Person) -> list[dict]:
    if person.user_id is None:
        return []
    items = db.session.scalars(
        select(CartItem).join(Cart).where(Cart.user_id == person.user_id).order_by(CartItem.id)
        .options(selectinload(CartItem.product))
    )
    return [{"sku": item.product.sku, "quantity": item.quantity, "added_at": item.added_at.isoformat()}
            for item in items]


def erase_cart(person: Person) -> list[ReceiptLine]:
    if person.user_id is None:
        return [ReceiptLine("cart", "erased", 0)]
    count = db.session.scalar(
        select(db.func.count(CartItem.id)).join(Cart).where(Cart.user_id == person.user_id)) or 0
    db.session.execute(delete(Cart).where(Cart.user_id == person.user_id))
    return [ReceiptLine("cart", "erased", count)]


def register() -> None:
    personal_data("cart", category="cart", label=_l("Shopping cart"), export=export_cart, erase=erase_cart,
                  order=10)
    personal_data("shop_order", category="orders", label=_l("Orders"), export=export_orders, erase=erase_orders,
                  order=30)
    retained("cart_item", "a line of a cart: exported and erased with its cart")
    retained("order_line", "no personal data: what an order contained, kept with the order for accounting")
    personal_data("order_event", category="order_steps_made", label=_l("Order steps you made for the shop"),
                  export=export_order_steps, erase=erase_order_steps, order=31)
    retained("payment", "masked card data (brand, last four digits, expiry) exported with its order and kept "
                        "with it for accounting; never the card number")
