"""What the policy pages and the admin's policy editor share: the settings a policy text names."""

from flask import current_app
from flask_babel import force_locale, lazy_gettext as _l

from storefront.i18n import LANGUAGES
from storefront.payments.processors import processor_display_name
from storefront.privacy.policy import PLACEHOLDERS

LANGUAGE_NAMES = {"en": _l("English"), "zh": _l("Chinese")}


def policy_values(locale: str) -> dict[str, str]:
    """The shop's settings that the policy text names, in the text's language."""
    config = current_app.config
    with force_locale(LANGUAGES[locale].babel):
        prevailing = str(LANGUAGE_NAMES[config["PREVAILING_LOCALE"]])
        processor = str(processor_display_name())
    values = {
        "shop_name": config["SHOP_NAME"], "shop_email": config["SHOP_EMAIL"], "shop_address": config["SHOP_ADDRESS"],
        "logistics_company": config["LOGISTICS_COMPANY"], "card_processor": processor,
        "visit_retention_days": str(config["VISIT_RETENTION_DAYS"]),
        "visit_idle_minutes": str(idle_minutes()),
        "prevailing_language": prevailing,
    }
    assert set(values) == set(PLACEHOLDERS), "every placeholder a policy may use has a value"  # noqa: S101
    return values


def idle_minutes() -> int:
    return max(1, current_app.config["VISIT_IDLE_SECONDS"] // 60)
