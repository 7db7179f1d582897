"""Card details as typed: normalisation, the Luhn check, brands, expiry, CVC, name, and the Card that hides them."""

from datetime import date

import pytest
from flask_babel import force_locale

from storefront.payments.cards import (
    BRANDS,
    Card,
    CardError,
    brand_name,
    card_brand,
    luhn_valid,
    normalise_number,
    parse_card,
    parse_cvc,
    parse_expiry,
    parse_name,
    parse_number,
)
from tests.payments.helpers import ALL_TEST_CARDS, CJK, digits_of, in_chinese, in_english, with_check_digit

TODAY = date(2030, 6, 15)

INVALID_NUMBER = "This card number is not valid. Please check it."
EXPIRY_FORMAT = "Enter the expiry date as MM/YY, for example 08/29."
EXPIRED = "This card has expired. Please use another card."
CVC_FORMAT = "The security code is the 3 or 4 digits on the card."


def error_of(call, *args) -> CardError:
    with pytest.raises(CardError) as caught:
        call(*args)
    return caught.value


# --- Luhn -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ALL_TEST_CARDS)
def test_the_contracts_test_cards_pass_the_luhn_check(number):
    assert luhn_valid(digits_of(number))


@pytest.mark.parametrize("number", [
    "378282246310005",  # American Express
    "6011111111111117",  # Discover
    "3530111333300000",  # JCB
    "6200000000000005",  # UnionPay
    "4222222222222",  # 13-digit Visa
    "0",
    "00000000000000",
])
def test_other_well_known_numbers_pass_the_luhn_check(number):
    assert luhn_valid(number)


@pytest.mark.parametrize("number", ALL_TEST_CARDS)
def test_changing_any_single_digit_fails_the_luhn_check(number):
    digits = digits_of(number)
    for position, original in enumerate(digits):
        for replacement in "0123456789":
            if replacement != original:
                corrupted = digits[:position] + replacement + digits[position + 1:]
                assert not luhn_valid(corrupted), corrupted


@pytest.mark.parametrize("corrupted", [
    "2442424242424242",  # first two digits swapped
    "4242424242424224",  # last two digits swapped
    "5555555555554445",  # last digit off by one
    "4000000000000003",
    "4000000000009994",
    "4000000000000068",
])
def test_corrupted_numbers_fail_the_luhn_check(corrupted):
    assert not luhn_valid(corrupted)


@pytest.mark.parametrize("text", ["", "4242 4242 4242 4242", "4242-4242-4242-4242", "424242424242424a",
                                  "４２４２４２４２４２４２４２４２", "-4242424242424242", "+4242424242424242"])
def test_luhn_accepts_only_plain_ascii_digits(text):
    assert not luhn_valid(text)


def test_luhn_check_digit_helper_agrees_with_the_code():
    # The helper computes check digits independently; a few spot checks keep it honest.
    assert with_check_digit("424242424242424") == "4242424242424242"
    assert with_check_digit("555555555555444") == "5555555555554444"
    assert with_check_digit("400000000000000") == "4000000000000002"


# --- Normalisation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [
    "4242424242424242",
    "4242-4242-4242-4242",
    "4242 4242 4242 4242",
    " 4242 4242 4242 4242 ",
    "4242  4242\t4242\n4242",
    "4242 - 4242 - 4242 - 4242",
    "４２４２４２４２４２４２４２４２",  # full-width digits, as a Chinese input method types them
    "４２４２ ４２４２ ４２４２ ４２４２",
    "４２４２－４２４２－４２４２－４２４２",  # full-width hyphen-minus
    "４２４２\u3000４２４２\u3000４２４２\u3000４２４２",  # ideographic spaces
])
def test_normalise_number_keeps_only_the_digits(raw):
    assert normalise_number(raw) == "4242424242424242"


def test_normalise_number_of_nothing_is_empty():
    assert normalise_number("") == ""
    assert normalise_number(None) == ""


def test_normalise_number_keeps_other_characters_so_they_can_be_refused():
    assert normalise_number("4242 4242 4242 424x") == "424242424242424x"
    assert normalise_number("4242.4242.4242.4242") == "4242.4242.4242.4242"


@pytest.mark.parametrize("raw", [
    "4242424242424242", "4242-4242-4242-4242", "4242 4242 4242 4242", "４２４２４２４２４２４２４２４２",
])
def test_parse_number_returns_ascii_digits(raw):
    assert parse_number(raw) == "4242424242424242"


@pytest.mark.parametrize("raw", [
    "4242424242424241",  # fails Luhn
    "4242 4242 4242 424x",
    "4242.4242.4242.4242",
    "42424242424",  # too short (11 digits)
    with_check_digit("4" * 19),  # too long (20 digits), although Luhn-valid
    "٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢",  # Arabic-Indic digits are digits, but not card digits
])
def test_parse_number_refuses_numbers_that_cannot_be_right(app_ctx, raw):
    error = error_of(parse_number, raw)
    assert error.field_name == "card_number"
    assert str(error.message) == INVALID_NUMBER


@pytest.mark.parametrize("length", [12, 13, 16, 19])
def test_parse_number_accepts_every_card_length(length):
    number = with_check_digit("4" + "0" * (length - 2))
    assert len(number) == length
    assert parse_number(number) == number


@pytest.mark.parametrize("raw", ["", "   ", " - ", None])
def test_parse_number_asks_for_a_missing_number(app_ctx, raw):
    error = error_of(parse_number, raw)
    assert error.field_name == "card_number"
    assert str(error.message) == "Enter the card number."


# --- Brands -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("number, brand", [
    ("4242424242424242", "visa"),
    ("4000000000000002", "visa"),
    ("4222222222222", "visa"),
    ("5100000000000000", "mastercard"),
    ("5200000000000000", "mastercard"),
    ("5555555555554444", "mastercard"),
    ("5599999999999999", "mastercard"),
    ("5000000000000000", "card"),
    ("5600000000000000", "card"),
    ("2221000000000000", "mastercard"),  # first of the 2-series range
    ("2500000000000000", "mastercard"),
    ("2720990000000000", "mastercard"),  # last of the 2-series range
    ("2220990000000000", "card"),  # just below
    ("2721000000000000", "card"),  # just above
    ("340000000000000", "amex"),
    ("378282246310005", "amex"),
    ("350000000000000", "card"),
    ("360000000000000", "card"),
    ("6200000000000005", "unionpay"),
    ("6212345678901234", "unionpay"),
    ("3528000000000000", "jcb"),
    ("3530111333300000", "jcb"),
    ("3589000000000000", "jcb"),
    ("3527000000000000", "card"),
    ("3590000000000000", "card"),
    ("6011111111111117", "discover"),
    ("6500000000000000", "discover"),
    ("6440000000000000", "discover"),
    ("6470000000000000", "discover"),
    ("6490000000000000", "discover"),
    ("6430000000000000", "card"),
    ("6012000000000000", "card"),
    ("6600000000000000", "card"),
    ("3000000000000000", "card"),
    ("1000000000000000", "card"),
    ("9000000000000000", "card"),
])
def test_card_brand_by_prefix(number, brand):
    assert card_brand(number) == brand


def test_card_brand_of_nothing_is_a_plain_card():
    assert card_brand("") == "card"


def test_every_brand_has_a_display_name(app_ctx):
    assert {str(brand_name(code)) for code in BRANDS} == {
        "Visa", "Mastercard", "American Express", "UnionPay", "JCB", "Discover", "Card"}
    assert str(brand_name("visa")) == "Visa"
    assert str(brand_name("no-such-brand")) == "Card"


def test_brand_names_are_available_in_templates(app):
    with app.app_context():
        template = app.jinja_env.from_string("{{ card_brand_name('amex') }}|{{ card_brand_name('mastercard') }}")
        assert template.render() == "American Express|Mastercard"


# --- Expiry -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("06/30", (6, 2030)),  # this month: valid through its end
    ("07/30", (7, 2030)),
    ("12/30", (12, 2030)),
    ("01/31", (1, 2031)),
    ("6/30", (6, 2030)),
    (" 06 / 30 ", (6, 2030)),
    ("06/2030", (6, 2030)),  # MM/YYYY accepted
    ("11/2034", (11, 2034)),
    ("０６／３０", (6, 2030)),  # full-width
    ("12/50", (12, 2050)),  # twenty years ahead is still believable
])
def test_parse_expiry_accepts(raw, expected):
    assert parse_expiry(raw, TODAY) == expected


def test_a_card_is_valid_through_the_last_day_of_its_expiry_month():
    assert parse_expiry("06/30", date(2030, 6, 30)) == (6, 2030)
    assert parse_expiry("02/32", date(2032, 2, 29)) == (2, 2032)
    assert parse_expiry("12/30", date(2030, 12, 31)) == (12, 2030)


@pytest.mark.parametrize("raw, today", [
    ("05/30", TODAY),  # last month
    ("01/30", TODAY),
    ("12/29", TODAY),  # last year
    ("05/2030", TODAY),
    ("12/30", date(2031, 1, 1)),  # expired yesterday, across a year boundary
    ("06/30", date(2030, 7, 1)),
])
def test_parse_expiry_refuses_an_expired_card(app_ctx, raw, today):
    error = error_of(parse_expiry, raw, today)
    assert error.field_name == "card_expiry"
    assert str(error.message) == EXPIRED


@pytest.mark.parametrize("raw", [
    "13/30", "00/30", "0/30", "99/30",  # no such month
    "1230", "12-30", "12.30", "12/3", "12/303", "12/30303", "123/30", "12/", "/30",
    "ab/cd", "12/ab", "June 2030", "١٢/٣٠",  # Arabic-Indic digits (full-width ones are read as ASCII)
])
def test_parse_expiry_refuses_malformed_dates(app_ctx, raw):
    error = error_of(parse_expiry, raw, TODAY)
    assert error.field_name == "card_expiry"
    assert str(error.message) == EXPIRY_FORMAT


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_parse_expiry_asks_for_a_missing_date(app_ctx, raw):
    error = error_of(parse_expiry, raw, TODAY)
    assert error.field_name == "card_expiry"
    assert str(error.message) == "Enter the expiry date."


@pytest.mark.parametrize("raw", ["06/51", "01/2099", "12/9999"])
def test_parse_expiry_refuses_the_far_future(app_ctx, raw):
    error = error_of(parse_expiry, raw, TODAY)
    assert error.field_name == "card_expiry"
    assert str(error.message) == "Please check the expiry year."


# --- CVC and name -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("123", "123"), ("1234", "1234"), ("000", "000"), (" 123 ", "123"), ("１２３", "123"), ("１２３４", "1234"),
])
def test_parse_cvc_accepts_three_or_four_digits(raw, expected):
    assert parse_cvc(raw) == expected


@pytest.mark.parametrize("raw", ["12", "12345", "12a", "abc", "1 23", "-123", "١٢٣", "12.3"])
def test_parse_cvc_refuses_anything_else(app_ctx, raw):
    error = error_of(parse_cvc, raw)
    assert error.field_name == "card_cvc"
    assert str(error.message) == CVC_FORMAT


@pytest.mark.parametrize("raw", ["", "  ", None])
def test_parse_cvc_asks_for_a_missing_code(app_ctx, raw):
    error = error_of(parse_cvc, raw)
    assert error.field_name == "card_cvc"
    assert str(error.message) == "Enter the security code."


@pytest.mark.parametrize("raw, expected", [
    ("Ada Lovelace", "Ada Lovelace"),
    ("  Ada   Lovelace \n", "Ada Lovelace"),
    ("张伟", "张伟"),
    ("ＡＤＡ　ＬＯＶＥＬＡＣＥ", "ADA LOVELACE"),  # full-width letters and space
])
def test_parse_name_tidies_spaces(raw, expected):
    assert parse_name(raw) == expected


def test_parse_name_refuses_missing_or_overlong_names(app_ctx):
    assert error_of(parse_name, "   ").field_name == "card_name"
    assert str(error_of(parse_name, "").message) == "Enter the name on the card."
    assert parse_name("A" * 100) == "A" * 100
    error = error_of(parse_name, "A" * 101)
    assert error.field_name == "card_name"
    assert str(error.message) == "The name is too long."


# --- parse_card and Card ----------------------------------------------------------------------------------


def test_parse_card_returns_the_checked_card():
    card, errors = parse_card(number="４２４２ ４２４２ ４２４２ ４２４２", expiry="06/30", cvc="１２３",
                              name=" Ada  Lovelace ", today=TODAY)
    assert errors == {}
    assert card == Card(number="4242424242424242", exp_month=6, exp_year=2030, cvc="123", name="Ada Lovelace")
    assert card.brand == "visa"
    assert card.last4 == "4242"


def test_parse_card_collects_every_error_at_once(app_ctx):
    card, errors = parse_card(number="4242 4242 4242 4241", expiry="05/30", cvc="12a", name="", today=TODAY)
    assert card is None
    assert {field: str(message) for field, message in errors.items()} == {
        "card_number": INVALID_NUMBER,
        "card_expiry": EXPIRED,
        "card_cvc": CVC_FORMAT,
        "card_name": "Enter the name on the card.",
    }


@pytest.mark.parametrize("field, values", [
    ("card_number", {"number": "1234"}),
    ("card_expiry", {"expiry": "13/30"}),
    ("card_cvc", {"cvc": "12345"}),
    ("card_name", {"name": " "}),
])
def test_parse_card_reports_only_the_wrong_field(field, values):
    card, errors = parse_card(**{"number": "5555 5555 5555 4444", "expiry": "12/31", "cvc": "321",
                                 "name": "Grace Hopper", "today": TODAY, **values})
    assert card is None
    assert list(errors) == [field]


CARD_MESSAGES = {
    "no number": (parse_number, ""),
    "invalid number": (parse_number, "4242 4242 4242 4241"),
    "no expiry": (parse_expiry, "", TODAY),
    "malformed expiry": (parse_expiry, "1230", TODAY),
    "expired": (parse_expiry, "05/30", TODAY),
    "far future": (parse_expiry, "01/99", TODAY),
    "no cvc": (parse_cvc, ""),
    "malformed cvc": (parse_cvc, "12"),
    "no name": (parse_name, ""),
    "long name": (parse_name, "A" * 101),
}


@pytest.mark.parametrize("call", CARD_MESSAGES.values(), ids=CARD_MESSAGES.keys())
def test_card_messages_are_translated_for_chinese_pages(app, call):
    with app.test_request_context("/zh/"):
        message = error_of(*call).message
        english, chinese = in_english(message), in_chinese(message)
        assert CJK.search(chinese), f"not translated: {english!r} -> {chinese!r}"


def test_parse_card_messages_follow_the_page_language(app):
    with app.test_request_context("/zh/"):
        _card, errors = parse_card(number="1", expiry="1", cvc="1", name="", today=TODAY)
        with force_locale("zh_Hans_CN"):
            chinese = {field: str(message) for field, message in errors.items()}
        with force_locale("en"):
            english = {field: str(message) for field, message in errors.items()}
    assert english == {"card_number": INVALID_NUMBER, "card_expiry": EXPIRY_FORMAT, "card_cvc": CVC_FORMAT,
                       "card_name": "Enter the name on the card."}
    assert all(CJK.search(text) for text in chinese.values()), chinese


def test_card_never_shows_its_number_cvc_or_name():
    card = Card(number="4242424242424242", exp_month=6, exp_year=2030, cvc="987", name="Ada Lovelace")
    for text in (repr(card), str(card), f"{card}", f"{card!r}", repr([card]), repr({"card": card}), "%s" % card):
        assert "4242424242424242" not in text
        assert "424242424242" not in text
        assert "987" not in text
        assert "Ada" not in text
    assert str(card) == "visa ending 4242"
    assert "exp_month=6" in repr(card) and "exp_year=2030" in repr(card)


def test_card_is_immutable():
    card = Card(number="4242424242424242", exp_month=6, exp_year=2030, cvc="987", name="Ada Lovelace")
    with pytest.raises(AttributeError):
        card.number = "5555555555554444"


def test_card_error_is_a_value_error_naming_only_the_field():
    error = CardError("card_number", "message")
    assert isinstance(error, ValueError)
    assert str(error) == "card_number"
