"""Charging and refunding through the application's processor, and the Payment rows that record it."""

import logging
from decimal import Decimal

import pytest
from sqlalchemy import select

from storefront.cart.models import Order
from storefront.extensions import db
from storefront.payments import services
from storefront.payments.cards import Card
from storefront.payments.models import Payment
from storefront.payments.processors import (
    PaymentDeclined,
    ProcessorUnavailable,
    TestProcessor,
    get_processor,
)
from storefront.payments.services import charge, refund, refund_reference

AMOUNT = Decimal("42.00")
VISA = Card(number="4242424242424242", exp_month=8, exp_year=2031, cvc="314", name="Ada Lovelace")
MASTERCARD = Card(number="5555555555554444", exp_month=1, exp_year=2032, cvc="2718", name="Grace Hopper")


@pytest.fixture
def order_id(app_ctx):
    order = Order(number="SO-0001", checkout_token="token-1", locale="en", status="placed", currency="USD",
                  subtotal=AMOUNT, shipping=Decimal("0.00"), total=AMOUNT)
    db.session.add(order)
    db.session.commit()
    return order.id


def payments_in_db() -> list[Payment]:
    return list(db.session.scalars(select(Payment).order_by(Payment.id)))


class FailingCapture(TestProcessor):
    """Authorises like the test processor, then cannot capture (and optionally cannot void either)."""

    def __init__(self, void_fails: bool = False):
        super().__init__()
        self.void_fails = void_fails
        self.voided: list[tuple[str, str]] = []

    def capture(self, reference, amount, *, idempotency_key):
        self.calls.append(("capture", idempotency_key))
        raise ProcessorUnavailable()

    def void(self, reference, *, idempotency_key):
        self.voided.append((reference, idempotency_key))
        if self.void_fails:
            self.calls.append(("void", idempotency_key))
            raise ProcessorUnavailable()
        super().void(reference, idempotency_key=idempotency_key)


@pytest.fixture
def use_processor(app, monkeypatch):
    def use(processor):
        monkeypatch.setitem(app.extensions, "storefront.processor", processor)
        return processor

    return use


# --- charge -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("card, brand", [(VISA, "visa"), (MASTERCARD, "mastercard")])
def test_charge_authorises_captures_and_records_the_masked_payment(order_id, card, brand):
    payment = charge(card, order_id=order_id, amount=AMOUNT, currency="USD", idempotency_key="checkout-t1")
    db.session.commit()
    processor = get_processor()
    assert processor.payments[payment.reference] == {"amount": AMOUNT, "state": "captured", "description": ""}
    assert processor.calls == [("authorise", "checkout-t1:authorise"), ("capture", "checkout-t1:capture")]
    stored = db.session.get(Payment, payment.id)
    assert (stored.order_id, stored.processor, stored.status) == (order_id, "test", "captured")
    assert (stored.brand, stored.last4) == (brand, card.number[-4:])
    assert (stored.exp_month, stored.exp_year) == (card.exp_month, card.exp_year)
    assert (stored.amount, stored.currency) == (AMOUNT, "USD")
    assert stored.reference == payment.reference and stored.reference.startswith("test_")
    assert stored.refunded_at is None
    assert stored.expiry == f"{card.exp_month:02d}/{card.exp_year % 100:02d}"


def test_the_payment_row_holds_no_number_cvc_or_name(order_id):
    payment = charge(VISA, order_id=order_id, amount=AMOUNT, currency="USD", idempotency_key="k")
    db.session.commit()
    row = db.session.execute(select(Payment.__table__).where(Payment.id == payment.id)).one()
    # The reference and times are random or clock-made; a 3-digit CVC could turn up in them by chance.
    stored = " ".join(str(value) for key, value in row._mapping.items()
                      if key not in ("reference", "created_at", "refunded_at"))
    assert VISA.number not in row.reference
    assert VISA.number not in stored
    assert VISA.number[:12] not in stored
    assert VISA.cvc not in stored
    assert "Ada" not in stored
    assert not {"number", "cvc", "name", "card_number"} & set(Payment.__table__.columns.keys())


def test_charge_flushes_but_leaves_the_commit_to_the_caller(order_id):
    payment = charge(VISA, order_id=order_id, amount=AMOUNT, currency="USD", idempotency_key="k")
    assert payment.id is not None
    db.session.rollback()
    assert payments_in_db() == []


@pytest.mark.parametrize("number, code", [
    ("4000000000000002", "declined"),
    ("4000000000009995", "insufficient_funds"),
    ("4000000000000069", "expired_card"),
])
def test_a_declined_charge_records_nothing_and_takes_nothing(order_id, number, code):
    card = Card(number=number, exp_month=8, exp_year=2031, cvc="123", name="A")
    with pytest.raises(PaymentDeclined) as caught:
        charge(card, order_id=order_id, amount=AMOUNT, currency="USD", idempotency_key="k")
    assert caught.value.code == code
    assert get_processor().calls == [("authorise", "k:authorise")]  # no capture attempted
    assert get_processor().payments == {}
    assert payments_in_db() == []


def test_a_failed_capture_voids_the_authorisation(order_id, use_processor):
    processor = use_processor(FailingCapture())
    with pytest.raises(ProcessorUnavailable):
        charge(VISA, order_id=order_id, amount=AMOUNT, currency="USD", idempotency_key="checkout-t2")
    [reference] = processor.payments
    assert processor.voided == [(reference, "checkout-t2:void")]
    assert processor.payments[reference]["state"] == "voided"
    assert payments_in_db() == []


def test_a_failed_void_is_logged_and_the_capture_error_raised(order_id, use_processor, caplog):
    processor = use_processor(FailingCapture(void_fails=True))
    with caplog.at_level(logging.ERROR, logger="storefront.payments.services"):
        with pytest.raises(ProcessorUnavailable) as caught:
            charge(VISA, order_id=order_id, amount=AMOUNT, currency="USD", idempotency_key="checkout-t3")
    assert caught.value.code == "processor_error"
    [reference] = processor.payments
    assert processor.payments[reference]["state"] == "authorised"
    assert [record.getMessage() for record in caplog.records] == [
        f"could not void authorisation {reference}; release it at the processor"]
    assert payments_in_db() == []


def test_an_unreachable_processor_at_authorise_records_nothing(order_id, use_processor):
    class Unreachable(TestProcessor):
        def authorise(self, card, amount, currency, *, idempotency_key, description=""):
            raise ProcessorUnavailable()

    processor = use_processor(Unreachable())
    with pytest.raises(ProcessorUnavailable):
        charge(VISA, order_id=order_id, amount=AMOUNT, currency="USD", idempotency_key="k")
    assert processor.payments == {}
    assert payments_in_db() == []


def test_a_retried_charge_key_does_not_charge_twice_at_the_processor(order_id):
    first = charge(VISA, order_id=order_id, amount=AMOUNT, currency="USD", idempotency_key="checkout-t4")
    db.session.rollback()  # say the order's commit failed, and the same form is posted again
    second = charge(VISA, order_id=order_id, amount=AMOUNT, currency="USD", idempotency_key="checkout-t4")
    db.session.commit()
    assert second.reference == first.reference
    assert list(get_processor().payments) == [first.reference]
    assert [payment.reference for payment in payments_in_db()] == [first.reference]


def test_charge_logs_the_reference_but_not_the_card(order_id, caplog):
    with caplog.at_level(logging.INFO, logger="storefront.payments.services"):
        payment = charge(VISA, order_id=order_id, amount=AMOUNT, currency="USD", idempotency_key="k")
    assert payment.reference in caplog.text
    assert VISA.number not in caplog.text


# --- refund -----------------------------------------------------------------------------------------------


def test_refund_gives_the_money_back_and_marks_the_payment(order_id):
    payment = charge(VISA, order_id=order_id, amount=AMOUNT, currency="USD", idempotency_key="k")
    db.session.commit()
    refund(payment)
    db.session.commit()
    assert get_processor().payments[payment.reference]["state"] == "refunded"
    assert ("refund", f"payment-{payment.id}:refund") in get_processor().calls
    stored = db.session.get(Payment, payment.id)
    assert stored.status == "refunded"
    assert stored.refunded_at is not None


def test_refund_refuses_a_payment_that_is_not_captured(order_id):
    payment = charge(VISA, order_id=order_id, amount=AMOUNT, currency="USD", idempotency_key="k")
    refund(payment)
    calls = len(get_processor().calls)
    with pytest.raises(ValueError, match="refunded, not captured"):
        refund(payment)
    assert len(get_processor().calls) == calls  # the processor is not asked again


def test_a_failed_refund_leaves_the_payment_captured(order_id, use_processor):
    class NoRefunds(TestProcessor):
        def refund(self, reference, amount, *, idempotency_key):
            raise ProcessorUnavailable()

    use_processor(NoRefunds())
    payment = charge(VISA, order_id=order_id, amount=AMOUNT, currency="USD", idempotency_key="k")
    with pytest.raises(ProcessorUnavailable):
        refund(payment)
    assert payment.status == "captured"
    assert payment.refunded_at is None


def test_refund_reference_refunds_a_capture_no_order_records(app_ctx, caplog):
    processor = get_processor()
    reference = processor.authorise(VISA, AMOUNT, "USD", idempotency_key="checkout-t5:authorise").reference
    processor.capture(reference, AMOUNT, idempotency_key="checkout-t5:capture")
    with caplog.at_level(logging.WARNING, logger="storefront.payments.services"):
        refund_reference(reference, AMOUNT, idempotency_key="checkout-t5")
        refund_reference(reference, AMOUNT, idempotency_key="checkout-t5")  # a retry refunds once
    assert processor.payments[reference]["state"] == "refunded"
    assert processor.calls[-2:] == [("refund", "checkout-t5:refund")] * 2
    assert f"payment {reference} refunded: its order could not be saved" in caplog.text


def test_refund_reference_of_an_uncaptured_payment_fails(app_ctx):
    processor = get_processor()
    reference = processor.authorise(VISA, AMOUNT, "USD", idempotency_key="a").reference
    with pytest.raises(ProcessorUnavailable):
        refund_reference(reference, AMOUNT, idempotency_key="checkout-t6")
    assert processor.payments[reference]["state"] == "authorised"


def test_services_use_the_apps_processor(app, use_processor, order_id):
    replacement = use_processor(TestProcessor())
    payment = services.charge(MASTERCARD, order_id=order_id, amount=AMOUNT, currency="USD", idempotency_key="k")
    assert payment.reference in replacement.payments
