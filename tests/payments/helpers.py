"""Shared bits of the payment tests: the contract's test cards and an independent Luhn check digit."""

import re

from flask_babel import force_locale

APPROVED = ("4242 4242 4242 4242", "5555 5555 5555 4444")
DECLINED = {
    "4000 0000 0000 0002": "declined",
    "4000 0000 0000 9995": "insufficient_funds",
    "4000 0000 0000 0069": "expired_card",
}
ALL_TEST_CARDS = (*APPROVED, *DECLINED)

CJK = re.compile(r"[\u4e00-\u9fff]")


def digits_of(number: str) -> str:
    return number.replace(" ", "")


def with_check_digit(payload: str) -> str:
    """`payload` plus the digit that makes it pass the Luhn check (computed here, not by the code under test)."""
    total = 0
    for position, char in enumerate(reversed(payload)):
        value = int(char)
        if position % 2 == 0:  # these are doubled once the check digit is appended
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return payload + str((10 - total % 10) % 10)


def in_chinese(message) -> str:
    """A lazy message rendered as a Chinese page would render it (needs a request context)."""
    with force_locale("zh_Hans_CN"):
        return str(message)


def in_english(message) -> str:
    with force_locale("en"):
        return str(message)
