"""Card payments: validation of card details, the processor interface and the built-in test processor.

No pages. The card number and CVC live only in the `Card` passed to a processor call; only a
`Payment` (brand, last four, expiry, the processor's reference) is ever stored.
"""

from flask import Flask

from storefront.payments import logfilter
from storefront.payments.cards import brand_name
from storefront.payments.processors import PROCESSORS


def register(app: Flask) -> None:
    """Refuse an unknown processor at start-up, mask card numbers in every log line, name brands in templates."""
    setting = app.config["PAYMENT_PROCESSOR"]
    if setting not in PROCESSORS:
        raise RuntimeError(
            f"STOREFRONT_PAYMENT_PROCESSOR={setting!r} is not a known card processor; known: {', '.join(PROCESSORS)}")
    if setting == "test" and not (app.config["DEV"] or app.testing):
        app.logger.warning("STOREFRONT_PAYMENT_PROCESSOR=test: the built-in test processor takes no real money")
    logfilter.install()
    app.jinja_env.globals["card_brand_name"] = brand_name
