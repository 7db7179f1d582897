"""Cart and order rules: quantities, merging, totals, placing an order that never oversells, order links.

No request, session or current_user here: views pass in what they know. Functions flush, never commit.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from storefront.account.models import Address, User
from storefront.account.services import MAX_ID, person_of
from storefront.cart.models import Cart, CartItem, Order, OrderEvent, OrderLine
from storefront.catalog.models import Product
from storefront.database import utcnow
from storefront.extensions import db
from storefront.notifications.services import queue_email
from storefront.payments import services as payments
from storefront.payments.cards import Card
from storefront.payments.models import Payment
from storefront.payments.processors import processor_display_name
from storefront.privacy.disclosures import disclose
from storefront.privacy.registry import rows_about
from storefront.security import email_digest

MAX_PER_LINE = 10  # of one product in one order
CART_MAX_AGE = timedelta(days=30)  # a visitor's cart untouched this long is removed by `privacy purge`
_WHOLE_NUMBER = re.compile(r"[0-9]{1,6}")
# Order numbers: no 0/O, 1/I/L or U, so they survive being read out on the phone.
_NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
ORDER_NUMBER = re.compile(r"SF-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}")
CARD_PROCESSOR_FIELDS = ["card_number", "card_expiry", "card_cvc", "card_name", "amount", "order_number"]


STATUS_LABELS = {
    "placed": _l("Placed"), "paid": _l("Paid"), "shipped": _l("Shipped"), "delivered": _l("Delivered"),
    "cancelled": _l("Cancelled"), "refunded": _l("Refunded"),
}


def status_label(status: str):
    return STATUS_LABELS.get(status, status)


class CartError(Exception):
    """A refusal with a translated message for the customer."""

    def __init__(self, message, product: Product | None = None):
        super().__init__(str(message))
        self.message = message
        self.product = product


class NotFound(Exception):
    pass


class OutOfStock(CartError):
    pass


class DuplicateCheckout(Exception):
    """An order for this checkout token exists (or is being placed by a parallel request)."""


# Carts -------------------------------------------------------------------------------------------


def new_cart_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_cart(*, user_id: int | None = None, token: str | None = None) -> Cart | None:
    if user_id is not None:
        return db.session.scalar(select(Cart).where(Cart.user_id == user_id))
    if token and len(token) <= 100:
        return db.session.scalar(select(Cart).where(Cart.token_hash == token_hash(token)))
    return None


def create_cart(*, user_id: int | None = None, token: str | None = None) -> Cart:
    cart = Cart(user_id=user_id, token_hash=token_hash(token) if user_id is None else None)
    try:
        with db.session.begin_nested():
            db.session.add(cart)
    except IntegrityError:
        if user_id is None:
            raise
        # The account's first cart was made by a parallel request (two tabs): use that one.
        return find_cart(user_id=user_id)
    return cart


def cart_items(cart: Cart | None) -> list[CartItem]:
    """The cart's lines with their products, texts and images, in the order they were added."""
    if cart is None:
        return []
    return list(db.session.scalars(
        select(CartItem).where(CartItem.cart_id == cart.id).order_by(CartItem.id)
        .options(selectinload(CartItem.product).selectinload(Product.translations),
                 selectinload(CartItem.product).selectinload(Product.images))
    ))


def item_count(cart: Cart | None) -> int:
    if cart is None:
        return 0
    return db.session.scalar(select(func.coalesce(func.sum(CartItem.quantity), 0)).where(CartItem.cart_id == cart.id))


def parse_quantity(raw: str | None, *, minimum: int) -> int:
    """A whole number typed with ASCII digits only: no sign, decimals, exponents or full-width digits."""
    text = (raw or "").strip()
    if not _WHOLE_NUMBER.fullmatch(text):
        raise CartError(_l("Enter the quantity as a whole number, like 1 or 2."))
    quantity = int(text)
    if quantity < minimum:
        raise CartError(_l("Choose a quantity of at least 1."))
    return quantity


def parse_id(raw) -> int:
    text = str(raw or "").strip()
    if not (text.isascii() and text.isdigit()) or int(text) >= MAX_ID:
        raise NotFound(text)
    return int(text)


def max_quantity(product: Product) -> int:
    """The most of this product one order can hold now: its stock, at most MAX_PER_LINE."""
    return max(0, min(product.stock, MAX_PER_LINE))


def check_quantity(product: Product, quantity: int) -> None:
    """Refuse a quantity the product cannot be bought in: inactive, sold out, over stock or the cap."""
    if not product.is_active:
        raise CartError(_l("This product is no longer sold."), product)
    if product.stock <= 0:
        raise CartError(_l("This product is sold out."), product)
    if quantity > max_quantity(product):
        if product.stock < MAX_PER_LINE:
            raise CartError(_l("Only %(count)d left in stock. Please choose fewer.", count=product.stock), product)
        raise CartError(_l("You can buy at most %(count)d of one product per order.", count=MAX_PER_LINE), product)


def problems(items: list[CartItem]) -> dict[int, str]:
    """Lines that cannot be bought as they are (sold out, fewer left, no longer sold): item id -> message."""
    found = {}
    for item in items:
        try:
            check_quantity(item.product, item.quantity)
        except CartError as error:
            found[item.id] = str(error.message)
    return found


def get_product(product_id: int) -> Product:
    product = db.session.get(Product, product_id, options=[selectinload(Product.translations)])
    if product is None:
        raise NotFound(product_id)
    return product


def add_item(cart: Cart, product: Product, quantity: int) -> CartItem:
    """Add to the line for this product (or start one); the new total quantity must be possible."""
    # Lock the cart row first: two quick clicks on PostgreSQL then add up instead of racing for the line.
    db.session.execute(select(Cart.id).where(Cart.id == cart.id).with_for_update())
    item = db.session.scalar(
        select(CartItem).where(CartItem.cart_id == cart.id, CartItem.product_id == product.id)
        .execution_options(populate_existing=True))
    check_quantity(product, quantity + (item.quantity if item else 0))
    if item is None:
        item = CartItem(cart_id=cart.id, product_id=product.id, quantity=quantity)
        db.session.add(item)
    else:
        item.quantity += quantity
    cart.updated_at = utcnow()
    db.session.flush()
    return item


def get_item(cart: Cart | None, item_id: int) -> CartItem:
    """A line of this cart; a line of any other cart is not found."""
    item = db.session.get(CartItem, item_id) if cart is not None else None
    if item is None or item.cart_id != cart.id:
        raise NotFound(item_id)
    return item


def set_quantity(cart: Cart, item: CartItem, quantity: int) -> CartItem | None:
    """Set a line's quantity; 0 removes it (returns None then)."""
    if quantity == 0:
        db.session.delete(item)
    else:
        check_quantity(db.session.get(Product, item.product_id), quantity)
        item.quantity = quantity
    cart.updated_at = utcnow()
    db.session.flush()
    return item if quantity else None


@dataclass(frozen=True)
class Merged:
    product_id: int
    quantity: int  # what was added to the account's cart
    wanted: int  # what the visitor's cart held


def merge_carts(source: Cart, target: Cart) -> list[Merged]:
    """Move a visitor's lines into the account's cart, capped at what can be bought; delete the source.

    Returns every visitor line, with how much of it fitted (0 for a product no longer sold).
    """
    merged = []
    for item in cart_items(source):
        product = item.product
        existing = db.session.scalar(
            select(CartItem).where(CartItem.cart_id == target.id, CartItem.product_id == product.id))
        have = existing.quantity if existing else 0
        room = max_quantity(product) - have if product.is_active else 0
        added = max(0, min(item.quantity, room))
        if added:
            if existing:
                existing.quantity += added
            else:
                db.session.add(CartItem(cart_id=target.id, product_id=product.id, quantity=added))
        merged.append(Merged(product.id, added, item.quantity))
    target.updated_at = utcnow()
    db.session.delete(source)
    db.session.flush()
    return merged


def purge_expired_carts(now: datetime | None = None) -> int:
    """Remove visitors' carts untouched for CART_MAX_AGE; returns how many."""
    cutoff = (now or utcnow()) - CART_MAX_AGE
    return db.session.execute(
        delete(Cart).where(Cart.user_id.is_(None), Cart.updated_at < cutoff)
    ).rowcount


# Totals ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    shipping: Decimal
    total: Decimal
    count: int
    currency: str | None = None  # None: the shop's

    @property
    def free_shipping(self) -> bool:
        return self.count > 0 and self.shipping == 0


def shipping_for(subtotal: Decimal) -> Decimal:
    config = current_app.config
    if subtotal <= 0 or subtotal >= config["FREE_SHIPPING_FROM"]:
        return Decimal("0.00")
    return config["SHIPPING_FLAT"]


def totals(items: list[CartItem]) -> Totals:
    subtotal = sum((item.line_total for item in items), Decimal("0.00"))
    shipping = shipping_for(subtotal)
    return Totals(subtotal, shipping, subtotal + shipping, sum(item.quantity for item in items))


# Orders ------------------------------------------------------------------------------------------


def new_order_number() -> str:
    chars = [secrets.choice(_NUMBER_ALPHABET) for _ in range(8)]
    return f"SF-{''.join(chars[:4])}-{''.join(chars[4:])}"


def find_order_by_token(checkout_token: str) -> Order | None:
    if not checkout_token or len(checkout_token) > 64:
        return None
    return db.session.scalar(select(Order).where(Order.checkout_token == checkout_token))


def cart_version(items: list[CartItem]) -> str:
    """A fingerprint of what the customer sees at checkout: products, quantities and prices."""
    text = ";".join(f"{item.product_id}:{item.quantity}:{item.product.price}"
                    for item in sorted(items, key=lambda item: item.product_id))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _lock_cart(cart: Cart) -> list[CartItem]:
    """Lock the cart row (PostgreSQL; SQLite's write lock is already held) and read its lines afresh.

    Two checkouts of one cart (two tabs, a second click while the first waits for the processor)
    queue here, and the second finds the lines gone instead of buying them again.
    """
    db.session.execute(select(Cart.id).where(Cart.id == cart.id).with_for_update())
    return list(db.session.scalars(
        select(CartItem).where(CartItem.cart_id == cart.id).order_by(CartItem.product_id)
        .options(selectinload(CartItem.product).selectinload(Product.translations))
        .execution_options(populate_existing=True)
    ))


def _line_name(product: Product, locale: str) -> str:
    row = product.translations.get(locale) or next(iter(product.translations.values()), None)
    return row.name if row else product.sku


def place_order(*, cart: Cart, checkout_token: str, email: str, address: dict, locale: str,
                user: User | None, card: Card, expected_version: str | None = None) -> tuple[Order, Payment]:
    """Reserve the stock, create the order, charge the card, record it all and queue the emails. Flushes.

    Raises CartError (empty, or changed since `expected_version` was shown), OutOfStock,
    PaymentError (declined or failed: nothing charged) or DuplicateCheckout. On any of them the
    caller rolls back: stock, order and payment rows vanish together, the cart stays.
    """
    config = current_app.config
    items = _lock_cart(cart)  # in product-id order: one lock order for the stock updates, no deadlocks
    if find_order_by_token(checkout_token) is not None:
        raise DuplicateCheckout(checkout_token)
    if not items:
        raise CartError(_l("Your cart is empty."))
    if expected_version and expected_version != cart_version(items):
        raise CartError(_l("Your cart or its prices changed since you opened this page. Please check the new "
                           "total and place the order again."))
    lines = []
    for item in items:
        product = item.product
        # One conditional update per line: the database decides who gets the last unit.
        price = db.session.execute(
            update(Product)
            .where(Product.id == product.id, Product.is_active.is_(True), Product.stock >= item.quantity)
            .values(stock=Product.stock - item.quantity)
            .returning(Product.price)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if price is None:
            left = db.session.scalar(select(Product.stock).where(Product.id == product.id, Product.is_active.is_(True)))
            if not left:
                raise OutOfStock(_l("Sorry, this product has just sold out."), product)
            raise OutOfStock(_l("Sorry, only %(count)d of this product are left. Please change the quantity.",
                                count=left), product)
        lines.append(OrderLine(product_id=product.id, sku=product.sku, name=_line_name(product, locale),
                               unit_price=price, quantity=item.quantity, line_total=price * item.quantity))
    subtotal = sum((line.line_total for line in lines), Decimal("0.00"))
    shipping = shipping_for(subtotal)
    order = Order(
        checkout_token=checkout_token, user_id=user.id if user else None,
        email=email, email_digest=email_digest(email), locale=locale, status="placed",
        currency=config["CURRENCY"], subtotal=subtotal, shipping=shipping, total=subtotal + shipping,
        lines=lines, events=[OrderEvent(status="placed")], **{f: address.get(f) for f in Order.ADDRESS_FIELDS},
    )
    _insert_order(order)
    # A key of its own for each attempt: a declined or refunded attempt must not be replayed when
    # the customer tries again (the checkout token, unique on the order, already stops doubles).
    payment = payments.charge(card, order_id=order.id, amount=order.total, currency=order.currency,
                              idempotency_key=f"checkout-{checkout_token}-{secrets.token_hex(8)}",
                              description=order.number)
    order.status = "paid"
    order.events.append(OrderEvent(status="paid"))
    record_card_disclosure(email=email, user_id=order.user_id, reference=order.number)
    db.session.execute(delete(CartItem).where(CartItem.cart_id == cart.id))
    db.session.flush()
    queue_order_emails(order, payment)
    return order, payment


def _insert_order(order: Order) -> None:
    for _attempt in range(5):
        order.number = new_order_number()
        try:
            with db.session.begin_nested():
                db.session.add(order)
            return
        except IntegrityError:
            # A parallel post of the same form won the unique checkout token, or (once in a
            # trillion orders) the number is taken: then draw another.
            if find_order_by_token(order.checkout_token) is not None or not _number_taken(order.number):
                raise DuplicateCheckout(order.checkout_token) from None
    raise RuntimeError("no free order number after 5 draws")


def _number_taken(number: str) -> bool:
    return db.session.scalar(select(Order.id).where(Order.number == number)) is not None


def record_card_disclosure(*, email: str, user_id: int | None, reference: str | None) -> None:
    """The card details went to the processor: write it in the disclosure register (also for a decline).

    The register keeps the processor's English name; pages show it through gettext in their own language.
    """
    with force_locale("en"):
        recipient_name = processor_display_name()
    disclose("card_processor", CARD_PROCESSOR_FIELDS, recipient_name=recipient_name, email=email,
             user_id=user_id, reference=reference)


def queue_order_emails(order: Order, payment) -> None:
    config = current_app.config
    token = order_link_token(order)  # also for customers: the link works when they are signed out
    queue_email(to=order.email, template="order_confirmation", locale=order.locale, user_id=order.user_id,
                subject=_l("Your order %(number)s", number=order.number), order=order, payment=payment,
                token=token)
    queue_email(to=config["SHOP_EMAIL"], template="order_notice", locale=config["DEFAULT_LOCALE"],
                subject=_l("New order %(number)s", number=order.number), order=order, payment=payment)


def _link_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="order-link")


def order_link_token(order: Order) -> str:
    """The signed token of a guest's order link (in the confirmation email): it opens this order only."""
    return _link_serializer().dumps(order.number)


def token_opens(token: str | None, number: str) -> bool:
    if not token or len(token) > 200:
        return False
    try:
        return secrets.compare_digest(str(_link_serializer().loads(token)), number)
    except BadSignature:
        return False


def get_order(number: str) -> Order:
    if not ORDER_NUMBER.fullmatch(number or ""):
        raise NotFound(number)
    order = db.session.scalar(
        select(Order).where(Order.number == number)
        .options(selectinload(Order.lines), selectinload(Order.events), selectinload(Order.payments))
    )
    if order is None:
        raise NotFound(number)
    return order


def may_view(order: Order, user, token: str | None) -> bool:
    """Its owner (also of a guest order under their confirmed email), staff, or whoever holds the signed link."""
    if user is not None and user.is_authenticated:
        if order.user_id == user.id or user.is_staff:
            return True
        if order.user_id is None and user.is_confirmed and order.email_digest == email_digest(user.email):
            return True  # a guest order under the account's confirmed address (stored canonical)
    return token_opens(token, order.number)


def was_ordered(product_id: int) -> bool:
    """Whether any order names the product: then it can only be archived, never deleted."""
    return db.session.scalar(select(OrderLine.id).where(OrderLine.product_id == product_id).limit(1)) is not None


def order_history(user: User) -> list[Order]:
    """The account's orders and, once its email is confirmed, the guest orders placed under it."""
    return list(db.session.scalars(
        select(Order).where(rows_about(person_of(user), Order.user_id, Order.email_digest)).order_by(Order.created_at.desc(), Order.id.desc())
        .options(selectinload(Order.lines))
    ))


def saved_addresses(user: User) -> list[Address]:
    return list(db.session.scalars(
        select(Address).where(Address.user_id == user.id).order_by(Address.is_default.desc(), Address.id)))
