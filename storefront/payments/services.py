"""Charging and refunding through the configured processor, and the Payment rows that record it."""

import logging
from decimal import Decimal

from storefront.database import utcnow
from storefront.extensions import db
from storefront.payments.cards import Card
from storefront.payments.models import Payment
from storefront.payments.processors import PaymentError, get_processor

log = logging.getLogger(__name__)


def charge(card: Card, *, order_id: int, amount: Decimal, currency: str, idempotency_key: str,
           description: str = "") -> Payment:
    """Authorise and capture `amount` on the card and add the masked Payment (flushed).

    Raises PaymentError (declined, or the processor failed: nothing is taken then). When the capture
    fails after the authorisation, the authorisation is voided first.
    """
    processor = get_processor()
    authorisation = processor.authorise(card, amount, currency, idempotency_key=f"{idempotency_key}:authorise",
                                        description=description)
    try:
        processor.capture(authorisation.reference, amount, idempotency_key=f"{idempotency_key}:capture")
    except PaymentError:
        _void_quietly(authorisation.reference, idempotency_key)
        raise
    payment = Payment(
        order_id=order_id, processor=processor.name, reference=authorisation.reference, brand=authorisation.brand,
        last4=authorisation.last4, exp_month=authorisation.exp_month, exp_year=authorisation.exp_year,
        amount=amount, currency=currency, status="captured",
    )
    db.session.add(payment)
    db.session.flush()
    log.info("payment captured: order %s, reference %s", order_id, authorisation.reference)
    return payment


def _void_quietly(reference: str, idempotency_key: str) -> None:
    try:
        get_processor().void(reference, idempotency_key=f"{idempotency_key}:void")
    except PaymentError:
        log.error("could not void authorisation %s; release it at the processor", reference)


def refund_reference(reference: str, amount: Decimal, *, idempotency_key: str) -> None:
    """Give back a capture that no order row records (the order's commit failed after the capture)."""
    get_processor().refund(reference, amount, idempotency_key=f"{idempotency_key}:refund")
    log.warning("payment %s refunded: its order could not be saved", reference)


def refund(payment: Payment) -> None:
    """Refund a captured payment in full and mark it refunded (flushes; the caller commits)."""
    if payment.status != "captured":
        raise ValueError(f"payment {payment.id} is {payment.status}, not captured")
    get_processor().refund(payment.reference, payment.amount, idempotency_key=f"payment-{payment.id}:refund")
    payment.status = "refunded"
    payment.refunded_at = utcnow()
    db.session.flush()
