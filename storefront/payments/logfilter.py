"""A logging filter that masks anything that looks like a card number, wherever it would be logged.

Installed as the log record factory (so every logger, handler and access log is covered, also
ones configured later by gunicorn) and available as a `logging.Filter` for handler configuration.
"""

import logging
import re

from storefront.payments.cards import luhn_valid

# 13 to 19 digits, optionally separated by single spaces or dashes (how people type card numbers);
# full-width digits count too.
_CANDIDATE = re.compile(r"(?<![0-9０-９])(?:[0-9０-９][ \-]?){12,18}[0-9０-９](?![0-9０-９])")
MASK = "[card number removed]"


def mask_card_numbers(text: str) -> str:
    def replace(match: re.Match) -> str:
        digits = re.sub(r"[ \-]", "", match.group(0)).translate(_FULL_WIDTH)
        return MASK if luhn_valid(digits) else match.group(0)

    return _CANDIDATE.sub(replace, text) if text else text


_FULL_WIDTH = {0xFF10 + i: ord("0") + i for i in range(10)}


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """Format the message now, masked, so neither the message nor its arguments carry a card number."""
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken format string is the logging module's to report
        return record
    masked = mask_card_numbers(message)
    if masked != message:
        record.msg, record.args = masked, None
    if record.exc_info and not record.exc_text:
        record.exc_text = mask_card_numbers(logging.Formatter().formatException(record.exc_info))
    elif record.exc_text:
        record.exc_text = mask_card_numbers(record.exc_text)
    return record


class CardNumberFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


_installed = False


def install() -> None:
    """Mask every log record this process creates (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        return mask_record(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True
