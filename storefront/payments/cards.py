"""Card details as a customer types them: normalised, checked, and never kept.

Validation happens here, before any processor is called: a number failing the Luhn check, an expiry
in the past or a malformed CVC never leaves the request.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

_SEPARATORS = re.compile(r"[\s\-]+")
_EXPIRY = re.compile(r"^([0-9]{1,2})\s*/\s*([0-9]{2}|[0-9]{4})$")

# Brand by prefix (longest ranges first where they overlap); the display names are translated.
BRANDS = {
    "visa": _l("Visa"),
    "mastercard": _l("Mastercard"),
    "amex": _l("American Express"),
    "unionpay": _l("UnionPay"),
    "jcb": _l("JCB"),
    "discover": _l("Discover"),
    "card": _l("Card"),
}


class CardError(ValueError):
    """A card detail that cannot be right; `message` is translated and safe to show."""

    def __init__(self, field_name: str, message):
        super().__init__(field_name)
        self.field_name = field_name
        self.message = message


@dataclass(frozen=True)
class Card:
    """A checked card. Its repr and str never show the number or CVC."""

    number: str = field(repr=False)
    exp_month: int
    exp_year: int
    cvc: str = field(repr=False)
    name: str = field(repr=False)

    @property
    def brand(self) -> str:
        return card_brand(self.number)

    @property
    def last4(self) -> str:
        return self.number[-4:]

    def __str__(self) -> str:
        return f"{self.brand} ending {self.last4}"


def normalise_number(raw: str) -> str:
    """Digits only: full-width digits become ASCII (NFKC); spaces and dashes are dropped."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or ""))


def luhn_valid(digits: str) -> bool:
    if not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_brand(digits: str) -> str:
    two, four = int(digits[:2] or 0), int(digits[:4] or 0)
    if digits.startswith("4"):
        return "visa"
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return "mastercard"
    if two in (34, 37):
        return "amex"
    if two == 62:
        return "unionpay"
    if 3528 <= four <= 3589:
        return "jcb"
    if digits.startswith(("6011", "65")) or 644 <= int(digits[:3] or 0) <= 649:
        return "discover"
    return "card"


def brand_name(brand: str):
    return BRANDS.get(brand, BRANDS["card"])


def parse_number(raw: str) -> str:
    digits = normalise_number(raw)
    if not digits:
        raise CardError("card_number", _l("Enter the card number."))
    if not (digits.isascii() and digits.isdigit()) or not 12 <= len(digits) <= 19 or not luhn_valid(digits):
        raise CardError("card_number", _l("This card number is not valid. Please check it."))
    return digits


def parse_expiry(raw: str, today: date) -> tuple[int, int]:
    """(month, four-digit year) from MM/YY (MM/YYYY accepted); the card works until its month ends."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        raise CardError("card_expiry", _l("Enter the expiry date."))
    match = _EXPIRY.match(text)
    if not match:
        raise CardError("card_expiry", _l("Enter the expiry date as MM/YY, for example 08/29."))
    month, year = int(match.group(1)), int(match.group(2))
    year = year + 2000 if year < 100 else year
    if not 1 <= month <= 12:
        raise CardError("card_expiry", _l("Enter the expiry date as MM/YY, for example 08/29."))
    if (year, month) < (today.year, today.month):
        raise CardError("card_expiry", _l("This card has expired. Please use another card."))
    if year > today.year + 20:
        raise CardError("card_expiry", _l("Please check the expiry year."))
    return month, year


def parse_cvc(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        raise CardError("card_cvc", _l("Enter the security code."))
    if not (text.isascii() and text.isdigit() and 3 <= len(text) <= 4):
        raise CardError("card_cvc", _l("The security code is the 3 or 4 digits on the card."))
    return text


def parse_name(raw: str) -> str:
    name = " ".join(unicodedata.normalize("NFKC", raw or "").split())
    if not name:
        raise CardError("card_name", _l("Enter the name on the card."))
    if len(name) > 100:
        raise CardError("card_name", _l("The name is too long."))
    return name


def parse_card(*, number: str, expiry: str, cvc: str, name: str, today: date) -> tuple[Card | None, dict]:
    """The card, or None and the translated message per field for everything that is wrong."""
    errors, values = {}, {}
    for key, parse, args in (
        ("number", parse_number, (number,)),
        ("expiry", parse_expiry, (expiry, today)),
        ("cvc", parse_cvc, (cvc,)),
        ("name", parse_name, (name,)),
    ):
        try:
            values[key] = parse(*args)
        except CardError as error:
            errors[error.field_name] = error.message
    if errors:
        return None, errors
    month, year = values["expiry"]
    return Card(number=values["number"], exp_month=month, exp_year=year, cvc=values["cvc"], name=values["name"]), {}
