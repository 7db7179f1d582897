"""The card processor interface and the built-in test processor.

A processor authorises, captures, voids and refunds; every call carries an idempotency key, so a
retried call (a double-posted form, a worker restarted mid-request) never charges twice. Adding a
real processor is a subclass here plus its settings, named by `STOREFRONT_PAYMENT_PROCESSOR`.
"""

import secrets
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l

from storefront.payments.cards import Card

# Why a card was refused, by the processor's code; the messages are shown to the customer.
DECLINE_MESSAGES = {
    "declined": _l("Your card was declined. Please use another card or contact your bank."),
    "insufficient_funds": _l("Your card was declined: there are not enough funds. Please use another card."),
    "expired_card": _l("Your card was declined because it has expired. Please use another card."),
    "processor_error": _l("We could not reach the card processor, and your card was not charged. Please try again in a moment."),
}


class PaymentError(Exception):
    """The payment did not happen; `code` is a key of DECLINE_MESSAGES."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message(self):
        return DECLINE_MESSAGES.get(self.code, DECLINE_MESSAGES["declined"])


class PaymentDeclined(PaymentError):
    """The card issuer refused the payment."""


class ProcessorUnavailable(PaymentError):
    def __init__(self, code: str = "processor_error"):
        super().__init__(code)


@dataclass(frozen=True)
class Authorisation:
    """What a processor answers: its reference and what may be stored about the card."""

    reference: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    amount: Decimal
    currency: str


class Processor(ABC):
    """One card processor. `name` is the code in STOREFRONT_PAYMENT_PROCESSOR; `display_name` is shown."""

    name: str
    display_name = _l("Card processor")

    @abstractmethod
    def authorise(self, card: Card, amount: Decimal, currency: str, *, idempotency_key: str,
                  description: str = "") -> Authorisation:
        """Reserve the amount on the card; raises PaymentDeclined or ProcessorUnavailable.

        `description` is what the processor shows with the payment: the order number.
        """

    @abstractmethod
    def capture(self, reference: str, amount: Decimal, *, idempotency_key: str) -> None:
        """Take the authorised amount."""

    @abstractmethod
    def void(self, reference: str, *, idempotency_key: str) -> None:
        """Release an authorisation that was not captured."""

    @abstractmethod
    def refund(self, reference: str, amount: Decimal, *, idempotency_key: str) -> None:
        """Give back a captured amount."""


class TestProcessor(Processor):
    """The built-in processor of CONTRACT.md's test card table: the whole shop works offline with it.

    It answers by card number, remembers each idempotency key in this process, and keeps no card
    number: only the reference and the states of its payments.
    """

    __test__ = False  # not a pytest class
    name = "test"
    display_name = _l("the built-in test card processor")

    DECLINING = {
        "4000000000000002": "declined",
        "4000000000009995": "insufficient_funds",
        "4000000000000069": "expired_card",
    }

    REMEMBERED = 10_000  # idempotency answers kept per process

    def __init__(self):
        self._lock = threading.Lock()
        self._answers: dict[tuple[str, str], object] = {}
        self.payments: dict[str, dict] = {}  # reference -> {"amount", "state"}
        self.calls: list[tuple[str, str]] = []  # (operation, idempotency key), for tests and logs

    def _once(self, operation: str, key: str, action):
        with self._lock:
            self.calls.append((operation, key))
            if (operation, key) not in self._answers:
                try:
                    self._answers[(operation, key)] = action()
                except PaymentError as error:
                    self._answers[(operation, key)] = error
                while len(self._answers) > self.REMEMBERED:  # a long-running process stays small
                    del self._answers[next(iter(self._answers))]
                del self.calls[:-self.REMEMBERED]
            answer = self._answers[(operation, key)]
        if isinstance(answer, PaymentError):
            raise answer
        return answer

    def authorise(self, card, amount, currency, *, idempotency_key, description=""):
        def run():
            code = self.DECLINING.get(card.number)
            if code:
                raise PaymentDeclined(code)
            reference = "test_" + secrets.token_hex(12)
            self.payments[reference] = {"amount": amount, "state": "authorised", "description": description}
            return Authorisation(reference=reference, brand=card.brand, last4=card.last4, exp_month=card.exp_month,
                                 exp_year=card.exp_year, amount=amount, currency=currency)

        return self._once("authorise", idempotency_key, run)

    def _move(self, reference: str, allowed: tuple[str, ...], state: str) -> None:
        payment = self.payments.get(reference)
        if payment is None or payment["state"] not in allowed:
            raise ProcessorUnavailable()
        payment["state"] = state

    def capture(self, reference, amount, *, idempotency_key):
        self._once("capture", idempotency_key, lambda: self._move(reference, ("authorised",), "captured"))

    def void(self, reference, *, idempotency_key):
        self._once("void", idempotency_key, lambda: self._move(reference, ("authorised",), "voided"))

    def refund(self, reference, amount, *, idempotency_key):
        self._once("refund", idempotency_key, lambda: self._move(reference, ("captured",), "refunded"))


PROCESSORS: dict[str, type[Processor]] = {TestProcessor.name: TestProcessor}


def get_processor() -> Processor:
    """The application's processor (one instance per application, so idempotency keys hold)."""
    extensions = current_app.extensions
    if "storefront.processor" not in extensions:
        setting = current_app.config["PAYMENT_PROCESSOR"]
        if setting not in PROCESSORS:
            raise RuntimeError(f"unknown STOREFRONT_PAYMENT_PROCESSOR {setting!r}; known: {', '.join(PROCESSORS)}")
        extensions["storefront.processor"] = PROCESSORS[setting]()
    return extensions["storefront.processor"]


def processor_display_name() -> str:
    setting = current_app.config["PAYMENT_PROCESSOR"]
    processor = PROCESSORS.get(setting)
    return str(processor.display_name) if processor else setting
