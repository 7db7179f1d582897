"""The processor interface and the built-in test processor of the contract's test card table."""

import threading
from datetime import date
from decimal import Decimal

import pytest

from storefront.payments.cards import Card, parse_card
from storefront.payments.processors import (
    DECLINE_MESSAGES,
    PROCESSORS,
    Authorisation,
    PaymentDeclined,
    PaymentError,
    Processor,
    ProcessorUnavailable,
    TestProcessor,
    get_processor,
    processor_display_name,
)
from tests.payments.helpers import APPROVED, CJK, DECLINED, in_chinese, in_english

AMOUNT = Decimal("129.50")

ENGLISH_DECLINES = {
    "declined": "Your card was declined. Please use another card or contact your bank.",
    "insufficient_funds": "Your card was declined: there are not enough funds. Please use another card.",
    "expired_card": "Your card was declined because it has expired. Please use another card.",
    "processor_error": "We could not reach the card processor, and your card was not charged. Please try again in a moment.",
}


def card_for(number: str) -> Card:
    """The card as the checkout form would hand it over: typed with spaces, then checked."""
    card, errors = parse_card(number=number, expiry="12/34", cvc="123", name="Ada Lovelace", today=date(2030, 1, 1))
    assert errors == {}
    return card


@pytest.fixture
def processor():
    return TestProcessor()


def decline_of(processor, number, key="key-1") -> PaymentDeclined:
    with pytest.raises(PaymentDeclined) as caught:
        processor.authorise(card_for(number), AMOUNT, "USD", idempotency_key=key)
    return caught.value


# --- The test card table ------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", APPROVED)
def test_approved_cards_are_authorised(processor, number):
    card = card_for(number)
    authorisation = processor.authorise(card, AMOUNT, "USD", idempotency_key="order-1")
    assert isinstance(authorisation, Authorisation)
    assert authorisation.reference.startswith("test_") and len(authorisation.reference) > len("test_") + 8
    assert (authorisation.brand, authorisation.last4) == (card.brand, number[-4:])
    assert (authorisation.exp_month, authorisation.exp_year) == (12, 2034)
    assert (authorisation.amount, authorisation.currency) == (AMOUNT, "USD")
    assert processor.payments[authorisation.reference] == {"amount": AMOUNT, "state": "authorised", "description": ""}


def test_approved_cards_have_their_brands(processor):
    brands = [processor.authorise(card_for(number), AMOUNT, "USD", idempotency_key=number).brand
              for number in APPROVED]
    assert brands == ["visa", "mastercard"]


@pytest.mark.parametrize("number", APPROVED)
def test_approved_cards_are_captured_and_refunded(processor, number):
    reference = processor.authorise(card_for(number), AMOUNT, "USD", idempotency_key="a").reference
    processor.capture(reference, AMOUNT, idempotency_key="c")
    assert processor.payments[reference]["state"] == "captured"
    processor.refund(reference, AMOUNT, idempotency_key="r")
    assert processor.payments[reference]["state"] == "refunded"


@pytest.mark.parametrize("number, code", DECLINED.items())
def test_declining_cards_give_their_documented_code(processor, number, code):
    error = decline_of(processor, number)
    assert error.code == code
    assert isinstance(error, PaymentError)
    assert processor.payments == {}, "a declined card reserves nothing"


@pytest.mark.parametrize("number, code", DECLINED.items())
def test_declines_explain_themselves_in_english(app_ctx, processor, number, code):
    error = decline_of(processor, number)
    assert error.message is DECLINE_MESSAGES[code]
    assert str(error.message) == ENGLISH_DECLINES[code]


@pytest.mark.parametrize("number, code", DECLINED.items())
def test_declines_explain_themselves_in_chinese(app, processor, number, code):
    error = decline_of(processor, number)
    with app.test_request_context("/zh/"):
        english, chinese = in_english(error.message), in_chinese(error.message)
    assert english == ENGLISH_DECLINES[code]
    assert CJK.search(chinese), f"not translated: {english!r} -> {chinese!r}"


def test_every_decline_code_has_an_english_message(app_ctx):
    assert {code: str(message) for code, message in DECLINE_MESSAGES.items()} == ENGLISH_DECLINES


def test_the_processor_error_message_is_translated(app):
    with app.test_request_context("/zh/"):
        chinese = in_chinese(ProcessorUnavailable().message)
    assert CJK.search(chinese), f"not translated: {chinese!r}"


def test_an_unknown_code_reads_as_a_plain_decline(app_ctx):
    assert PaymentError("stolen_card").message is DECLINE_MESSAGES["declined"]
    assert str(PaymentDeclined("do_not_honour").message) == ENGLISH_DECLINES["declined"]


def test_processor_unavailable_is_a_processor_error_by_default(app_ctx):
    error = ProcessorUnavailable()
    assert isinstance(error, PaymentError) and not isinstance(error, PaymentDeclined)
    assert error.code == "processor_error"
    assert str(error.message) == ENGLISH_DECLINES["processor_error"]


def test_payment_errors_carry_only_the_code():
    assert str(PaymentDeclined("insufficient_funds")) == "insufficient_funds"


def test_other_valid_cards_are_approved(processor):
    # Only the table's declining numbers decline; any other valid card is approved.
    for number in ("378282246310005", "6200000000000005", "4000000000000010"):
        card = Card(number=number, exp_month=1, exp_year=2035, cvc="1234", name="A")
        assert processor.authorise(card, AMOUNT, "USD", idempotency_key=number).reference.startswith("test_")


# --- Idempotency ------------------------------------------------------------------------------------------


def test_the_same_authorise_key_gives_the_same_reference_without_a_second_reservation(processor):
    card = card_for(APPROVED[0])
    first = processor.authorise(card, AMOUNT, "USD", idempotency_key="checkout-1:authorise")
    second = processor.authorise(card, AMOUNT, "USD", idempotency_key="checkout-1:authorise")
    assert second == first
    assert list(processor.payments) == [first.reference]
    assert processor.calls == [("authorise", "checkout-1:authorise")] * 2


def test_different_authorise_keys_make_different_references(processor):
    card = card_for(APPROVED[0])
    first = processor.authorise(card, AMOUNT, "USD", idempotency_key="checkout-1")
    second = processor.authorise(card, AMOUNT, "USD", idempotency_key="checkout-2")
    assert first.reference != second.reference
    assert len(processor.payments) == 2


def test_keys_are_per_operation(processor):
    # The same key string used for authorise and capture does not make the capture a replay of the authorise.
    card = card_for(APPROVED[0])
    reference = processor.authorise(card, AMOUNT, "USD", idempotency_key="k").reference
    assert processor.capture(reference, AMOUNT, idempotency_key="k") is None
    assert processor.payments[reference]["state"] == "captured"


def test_capturing_twice_with_one_key_takes_the_money_once(processor):
    reference = processor.authorise(card_for(APPROVED[1]), AMOUNT, "USD", idempotency_key="a").reference
    processor.capture(reference, AMOUNT, idempotency_key="c")
    processor.capture(reference, AMOUNT, idempotency_key="c")  # a retry: answered, not repeated
    assert processor.payments[reference]["state"] == "captured"
    # A new key is a new capture, which a captured payment cannot take.
    with pytest.raises(ProcessorUnavailable):
        processor.capture(reference, AMOUNT, idempotency_key="c-again")


def test_refunding_twice_with_one_key_refunds_once(processor):
    reference = processor.authorise(card_for(APPROVED[0]), AMOUNT, "USD", idempotency_key="a").reference
    processor.capture(reference, AMOUNT, idempotency_key="c")
    processor.refund(reference, AMOUNT, idempotency_key="r")
    processor.refund(reference, AMOUNT, idempotency_key="r")
    assert processor.payments[reference]["state"] == "refunded"
    with pytest.raises(ProcessorUnavailable):
        processor.refund(reference, AMOUNT, idempotency_key="r-again")


@pytest.mark.parametrize("number, code", DECLINED.items())
def test_a_repeated_decline_gives_the_same_answer(processor, number, code):
    first = decline_of(processor, number, key="checkout-9")
    second = decline_of(processor, number, key="checkout-9")
    assert first.code == second.code == code
    assert processor.payments == {}


def test_a_key_keeps_its_first_answer(processor):
    # A declined key stays declined even if the (buggy) caller retries it with another card, and the reverse.
    decline_of(processor, "4000 0000 0000 0002", key="k1")
    assert decline_of(processor, APPROVED[0], key="k1").code == "declined"
    reference = processor.authorise(card_for(APPROVED[0]), AMOUNT, "USD", idempotency_key="k2").reference
    assert processor.authorise(card_for("4000 0000 0000 0002"), AMOUNT, "USD", idempotency_key="k2").reference == reference
    assert list(processor.payments) == [reference]


def test_concurrent_retries_of_one_key_reserve_once(processor):
    card = card_for(APPROVED[0])
    answers, barrier = [], threading.Barrier(8)

    def pay():
        barrier.wait()
        answers.append(processor.authorise(card, AMOUNT, "USD", idempotency_key="double-click").reference)

    threads = [threading.Thread(target=pay) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 8 and len(set(answers)) == 1
    assert list(processor.payments) == answers[:1]


# --- The payment states -----------------------------------------------------------------------------------


def authorised(processor) -> str:
    return processor.authorise(card_for(APPROVED[0]), AMOUNT, "USD", idempotency_key="auth").reference


def test_refund_only_after_capture(processor):
    reference = authorised(processor)
    with pytest.raises(ProcessorUnavailable):
        processor.refund(reference, AMOUNT, idempotency_key="early-refund")
    assert processor.payments[reference]["state"] == "authorised"
    processor.capture(reference, AMOUNT, idempotency_key="capture")
    processor.refund(reference, AMOUNT, idempotency_key="refund")
    assert processor.payments[reference]["state"] == "refunded"


def test_void_releases_an_authorisation(processor):
    reference = authorised(processor)
    processor.void(reference, idempotency_key="void")
    assert processor.payments[reference]["state"] == "voided"
    processor.void(reference, idempotency_key="void")  # a retry
    assert processor.payments[reference]["state"] == "voided"
    with pytest.raises(ProcessorUnavailable):
        processor.capture(reference, AMOUNT, idempotency_key="capture")
    with pytest.raises(ProcessorUnavailable):
        processor.refund(reference, AMOUNT, idempotency_key="refund")


def test_a_captured_payment_cannot_be_voided(processor):
    reference = authorised(processor)
    processor.capture(reference, AMOUNT, idempotency_key="capture")
    with pytest.raises(ProcessorUnavailable):
        processor.void(reference, idempotency_key="void")
    assert processor.payments[reference]["state"] == "captured"


def test_a_refunded_payment_cannot_be_captured_again(processor):
    reference = authorised(processor)
    processor.capture(reference, AMOUNT, idempotency_key="capture")
    processor.refund(reference, AMOUNT, idempotency_key="refund")
    with pytest.raises(ProcessorUnavailable):
        processor.capture(reference, AMOUNT, idempotency_key="capture-2")
    assert processor.payments[reference]["state"] == "refunded"


@pytest.mark.parametrize("operation", ["capture", "void", "refund"])
def test_unknown_references_are_refused(processor, operation):
    arguments = ("test_nope",) if operation == "void" else ("test_nope", AMOUNT)
    with pytest.raises(ProcessorUnavailable) as caught:
        getattr(processor, operation)(*arguments, idempotency_key="k")
    assert caught.value.code == "processor_error"


def test_the_processor_keeps_no_card_number(processor):
    card = card_for(APPROVED[0])
    reference = processor.authorise(card, AMOUNT, "USD", idempotency_key="k").reference
    processor.capture(reference, AMOUNT, idempotency_key="c")
    assert card.number not in repr(processor.__dict__)
    # Only the amount and state per reference (the random reference could hold a CVC's digits by chance).
    assert processor.payments == {reference: {"amount": AMOUNT, "state": "captured", "description": ""}}
    assert not {"number", "cvc", "name"} & set(Authorisation.__dataclass_fields__)


# --- The interface and the application's processor --------------------------------------------------------


def test_a_processor_must_implement_every_operation():
    class HalfDone(Processor):
        name = "half"

        def authorise(self, card, amount, currency, *, idempotency_key):
            raise NotImplementedError

    with pytest.raises(TypeError):
        HalfDone()


def test_the_test_processor_is_registered_by_name():
    assert PROCESSORS["test"] is TestProcessor
    assert TestProcessor.name == "test"
    assert issubclass(TestProcessor, Processor)


def test_get_processor_is_one_instance_per_app(app, make_app):
    with app.app_context():
        first = get_processor()
        assert isinstance(first, TestProcessor)
        assert get_processor() is first
        assert app.extensions["storefront.processor"] is first
    with app.app_context():  # a later context (another request) of the same app
        assert get_processor() is first
    with app.test_request_context("/en/"):
        assert get_processor() is first
    other = make_app()
    with other.app_context():
        assert get_processor() is not first


def test_idempotency_holds_across_requests_of_one_app(app):
    card = card_for(APPROVED[0])
    with app.test_request_context("/en/"):
        first = get_processor().authorise(card, AMOUNT, "USD", idempotency_key="checkout-x:authorise")
    with app.test_request_context("/en/"):
        second = get_processor().authorise(card, AMOUNT, "USD", idempotency_key="checkout-x:authorise")
        assert len(get_processor().payments) == 1
    assert first.reference == second.reference


def test_processor_display_name(app):
    with app.test_request_context("/en/"):
        assert processor_display_name() == "the built-in test card processor"


def test_processor_display_name_in_chinese(app):
    with app.test_request_context("/zh/"):
        app.preprocess_request()  # the /zh/ prefix sets the page language
        chinese = str(processor_display_name())
        expected = in_chinese(TestProcessor.display_name)
    assert CJK.search(chinese) and chinese == expected, chinese


@pytest.mark.parametrize("setting", ["nope", "", "Test", "stripe"])
def test_an_unknown_processor_setting_is_refused_at_start_up(make_app, setting):
    with pytest.raises(RuntimeError) as caught:
        make_app(PAYMENT_PROCESSOR=setting)
    assert repr(setting) in str(caught.value)
    assert "test" in str(caught.value)  # names the known processors


def test_the_processor_setting_comes_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("STOREFRONT_PAYMENT_PROCESSOR", "nope")
    with pytest.raises(RuntimeError, match="STOREFRONT_PAYMENT_PROCESSOR"):
        make_app()
    monkeypatch.setenv("STOREFRONT_PAYMENT_PROCESSOR", "test")
    app = make_app()
    with app.app_context():
        assert isinstance(get_processor(), TestProcessor)


def test_get_processor_refuses_a_setting_changed_after_start_up(app):
    app.config["PAYMENT_PROCESSOR"] = "nope"
    with app.app_context():
        with pytest.raises(RuntimeError, match="nope"):
            get_processor()
