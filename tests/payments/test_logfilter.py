"""Card numbers never reach a log line: the masking rules, the filter, and the record factory on every logger."""

import io
import logging
import sys

import pytest

from storefront.payments import logfilter
from storefront.payments.cards import Card
from storefront.payments.logfilter import MASK, CardNumberFilter, mask_card_numbers, mask_record
from tests.payments.helpers import ALL_TEST_CARDS, digits_of, with_check_digit

CARD = "4242424242424242"
SPELLINGS = {
    "plain": CARD,
    "spaces": "4242 4242 4242 4242",
    "dashes": "4242-4242-4242-4242",
    "full-width": "４２４２４２４２４２４２４２４２",
    "full-width with spaces": "４２４２ ４２４２ ４２４２ ４２４２",
    "mixed widths": "4242 ４２４２ 4242 ４２４２",
}


def leaked(text: str, number: str = CARD) -> bool:
    """Whether the number shows in the text in any spelling: as digits with or without separators, any width."""
    ascii_digits = "".join(char for char in text.translate(logfilter._FULL_WIDTH) if char.isdigit())
    return number in ascii_digits


def test_leaked_helper_sees_every_spelling():
    assert all(leaked(f"x {spelling} y") for spelling in SPELLINGS.values())
    assert not leaked(f"x {MASK} y")


# --- mask_card_numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_a_card_number_is_masked_however_it_is_typed(spelling):
    assert mask_card_numbers(spelling) == MASK
    assert mask_card_numbers(f"paid with {spelling}, thanks") == f"paid with {MASK}, thanks"


@pytest.mark.parametrize("number", ALL_TEST_CARDS)
def test_the_contracts_test_cards_are_masked(number):
    for text in (number, digits_of(number), number.replace(" ", "-")):
        assert mask_card_numbers(f"card={text};") == f"card={MASK};"


@pytest.mark.parametrize("number", [
    "4222222222222",  # 13 digits, the shortest masked
    "378282246310005",  # American Express, 15 digits
    "3782 822463 10005",  # ... grouped as printed on the card
    "6200000000000005",
    with_check_digit("62" + "0" * 16),  # 19 digits, the longest masked
])
def test_every_card_length_is_masked(number):
    assert mask_card_numbers(f"[{number}]") == f"[{MASK}]"


def test_several_card_numbers_in_one_line_are_all_masked():
    text = "old 4242424242424242, new 5555-5555-5555-4444 and ４０００ ００００ ００００ ０００２"
    assert mask_card_numbers(text) == f"old {MASK}, new {MASK} and {MASK}"


@pytest.mark.parametrize("text", [
    "qty 2 4242424242424242",  # a small number just before, separated by one space
    "4242424242424242 12",  # and just after
    "card 4242 4242 4242 4242 12 30 123",  # number, expiry and CVC typed in one line
    "4242 4242 4242 4242 100 USD",
    "1 2 3 4242 4242 4242 4242",
    "order 100234 4242-4242-4242-4242",
    "7 ４２４２ ４２４２ ４２４２ ４２４２ 9",
])
def test_a_card_number_beside_other_numbers_is_still_masked(text):
    masked = mask_card_numbers(text)
    assert not leaked(masked), masked
    assert MASK in masked


def test_the_numbers_beside_a_card_number_survive():
    assert mask_card_numbers("qty 2 4242424242424242") == f"qty 2 {MASK}"
    assert mask_card_numbers("order 100234 4242-4242-4242-4242 paid") == f"order 100234 {MASK} paid"


@pytest.mark.parametrize("text", [
    "1700000000000",  # a millisecond timestamp (13 digits, not Luhn-valid)
    "at 1700000000000 ms",
    "order 100234 total 12.50",
    "+86 138 0013 8000",  # a Chinese mobile number as people write it
    "+86 13800138000",
    "+1 415-555-0100",
    "4242424242424241",  # fails the Luhn check
    "4242 4242 4242 4241",
    "424242424242",  # Luhn-valid, but only 12 digits
    with_check_digit("4" * 19),  # Luhn-valid, but 20 digits: not a card number
    "id 42424242424242424242424242",
    "2030-06-15 12:30:45,123",  # a log timestamp
    "no digits at all",
    "",
])
def test_other_numbers_are_left_alone(text):
    assert mask_card_numbers(text) == text


def test_the_timestamp_and_phone_examples_really_fail_the_luhn_check():
    # Otherwise the cases above would prove nothing about the Luhn rule.
    from storefront.payments.cards import luhn_valid

    assert not luhn_valid("1700000000000")
    assert not luhn_valid("8613800138000")
    assert luhn_valid("424242424242")


def test_a_luhn_valid_timestamp_is_masked_too():
    # The filter cannot tell: any 13-19 digit Luhn-valid run is treated as a card number.
    timestamp = with_check_digit("170000000000")
    assert mask_card_numbers(f"at {timestamp}") == f"at {MASK}"


def test_only_single_separators_join_digits():
    assert mask_card_numbers("4242--4242") == "4242--4242"
    assert mask_card_numbers("4242424242424242--12") == f"{MASK}--12"


def test_digits_glued_to_letters_still_count():
    assert mask_card_numbers("card:4242424242424242x") == f"card:{MASK}x"


def test_mask_card_numbers_passes_none_through():
    assert mask_card_numbers(None) is None


# --- mask_record and CardNumberFilter ---------------------------------------------------------------------


def raw_record(msg, args=(), exc_info=None) -> logging.LogRecord:
    """A record made directly, so the installed record factory has not masked it yet."""
    return logging.LogRecord("tests.payments", logging.INFO, __file__, 1, msg, args, exc_info)


def test_the_filter_masks_the_message_and_its_arguments():
    record = raw_record("paid with %s for order %s", (CARD, 100234))
    assert CardNumberFilter().filter(record) is True  # masks, never drops
    assert record.getMessage() == f"paid with {MASK} for order 100234"
    assert not leaked(repr(record.args))
    assert not leaked(record.msg)


def test_the_filter_masks_mapping_arguments():
    record = raw_record("paid with %(card)s", ({"card": "4242 4242 4242 4242"},))
    CardNumberFilter().filter(record)
    assert record.getMessage() == f"paid with {MASK}"
    assert not leaked(repr(record.args))


def test_the_filter_leaves_clean_records_as_they_were():
    record = raw_record("order %s total %s", (100234, "12.50"))
    CardNumberFilter().filter(record)
    assert (record.msg, record.args) == ("order %s total %s", (100234, "12.50"))


def test_the_filter_masks_exception_text():
    try:
        raise ValueError(f"bad card {CARD}")
    except ValueError:
        record = raw_record("charge failed", exc_info=sys.exc_info())
    CardNumberFilter().filter(record)
    assert "ValueError: bad card " + MASK in record.exc_text
    assert not leaked(record.exc_text)
    assert not leaked(logging.Formatter().format(record))


def test_the_filter_masks_exception_text_already_formatted():
    record = raw_record("charge failed")
    record.exc_text = f"Traceback ...\nValueError: bad card {CARD}"
    mask_record(record)
    assert record.exc_text == f"Traceback ...\nValueError: bad card {MASK}"


def test_a_broken_format_string_is_left_for_logging_to_report():
    record = raw_record("paid with %s and %s", (CARD,))
    assert mask_record(record) is record
    with pytest.raises(TypeError):
        record.getMessage()


def test_the_filter_works_as_a_handler_filter():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(CardNumberFilter())
    handler.handle(raw_record("paid with %s", ("5555-5555-5555-4444",)))
    assert stream.getvalue() == f"paid with {MASK}\n"


# --- Every logger, through the record factory -------------------------------------------------------------


@pytest.fixture
def captured(app):
    """The formatted output of a fresh logger, after create_app installed the record factory."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("tests.payments.logfilter")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)
    logger.propagate = True
    logger.setLevel(logging.NOTSET)


@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_every_way_of_logging_a_card_number_is_masked(captured, spelling):
    logger, stream = captured
    logger.info("paid with %s" % spelling)
    logger.info("paid with %s", spelling)
    logger.info(f"paid with {spelling}")
    logger.info("paid with %(card)s", {"card": spelling})
    logger.warning("paid with {}".format(spelling))
    logger.debug("fields %r", {"card_number": spelling, "cvc": "123"})
    logger.error("form %s", [("card_number", spelling)])
    output = stream.getvalue()
    assert not leaked(output), output
    assert output.count(MASK) == 7


def test_logger_exception_masks_the_exception_text(captured):
    logger, stream = captured
    try:
        raise ValueError("card 4242 4242 4242 4242 was refused")
    except ValueError:
        logger.exception("could not charge %s", "order 100234")
    output = stream.getvalue()
    assert "Traceback (most recent call last)" in output
    assert f"ValueError: card {MASK} was refused" in output
    assert "could not charge order 100234" in output
    assert not leaked(output), output


def test_chained_exceptions_are_masked(captured):
    logger, stream = captured
    try:
        try:
            raise KeyError("4242-4242-4242-4242")
        except KeyError as error:
            raise RuntimeError(f"lookup of {CARD} failed") from error
    except RuntimeError:
        logger.error("failed", exc_info=True)
    output = stream.getvalue()
    assert "The above exception was the direct cause" in output
    assert not leaked(output), output
    assert f"KeyError: '{MASK}'" in output
    assert f"RuntimeError: lookup of {MASK} failed" in output


def test_a_card_object_logs_without_its_number(captured):
    logger, stream = captured
    card = Card(number=CARD, exp_month=6, exp_year=2030, cvc="987", name="Ada Lovelace")
    logger.info("charging %s / %r", card, card)
    output = stream.getvalue()
    assert "visa ending 4242" in output
    assert not leaked(output)
    assert "987" not in output


def test_other_numbers_survive_logging(captured):
    logger, stream = captured
    logger.info("order %s at %s ms, call %s", 100234, 1700000000000, "+86 138 0013 8000")
    assert stream.getvalue() == "INFO tests.payments.logfilter order 100234 at 1700000000000 ms, call +86 138 0013 8000\n"


def test_a_percent_sign_in_a_masked_message_is_kept(captured):
    logger, stream = captured
    logger.info("100%% off for %s", CARD)
    assert stream.getvalue().endswith(f"100% off for {MASK}\n")


def test_the_app_logger_and_caplog_see_masked_records(app, caplog):
    with caplog.at_level(logging.INFO):
        app.logger.info("paid with %s", "4242 4242 4242 4242")
        logging.getLogger("werkzeug").info('"POST /en/checkout?card=%s HTTP/1.1" 303 -', CARD)
    assert not leaked(caplog.text), caplog.text
    assert [record.getMessage() for record in caplog.records] == [
        f"paid with {MASK}", f'"POST /en/checkout?card={MASK} HTTP/1.1" 303 -']


def test_an_unhandled_error_page_logs_no_card_number(app, client, caplog):
    @app.route("/boom")
    def boom():
        raise ValueError(f"card {CARD} broke something")

    with caplog.at_level(logging.ERROR):
        assert client.get("/boom").status_code == 500
    assert "unhandled error" in caplog.text
    assert MASK in caplog.text
    assert not leaked(caplog.text), caplog.text


def test_install_is_idempotent(app):
    factory = logging.getLogRecordFactory()
    logfilter.install()
    logfilter.install()
    assert logging.getLogRecordFactory() is factory
    record = logging.getLogger("tests.payments").makeRecord("x", logging.INFO, __file__, 1, "%s", (CARD,), None)
    assert record.getMessage() == MASK
