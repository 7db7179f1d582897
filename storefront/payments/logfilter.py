"""A logging filter that masks anything that looks like a card number, wherever it would be logged.

Installed as the log record factory (so every logger, handler and access log is covered, also
ones configured later by gunicorn) and available as a `logging.Filter` for handler configuration.
"""

import logging
import re

from storefront.payments.cards import luhn_valid

# Groups of digits joined by single spaces or dashes (how people type card numbers); full-width
# digits count too. A card number is 13 to 19 digits of whole groups in such a run: the run may hold
# other numbers beside it ("qty 2 4242 4242 4242 4242", "4242 4242 4242 4242 12 30 123").
_RUN = re.compile(r"[0-9０-９]+(?:[ \-][0-9０-９]+)*")
_GROUP = re.compile(r"[0-9０-９]+")
MASK = "[card number removed]"


def mask_card_numbers(text: str) -> str:
    def replace(match: re.Match) -> str:
        run = match.group(0)
        groups = [(group.start(), group.end(), group.group(0).translate(_FULL_WIDTH)) for group in _GROUP.finditer(run)]
        hidden = [False] * len(groups)
        for first in range(len(groups)):
            digits = ""
            for last in range(first, len(groups)):
                digits += groups[last][2]
                if len(digits) > 19:
                    break
                if len(digits) >= 13 and luhn_valid(digits):
                    hidden[first:last + 1] = [True] * (last + 1 - first)
        pieces, previous_end, previous_hidden = [], 0, False
        for (start, end, _digits), masked in zip(groups, hidden):
            if not (masked and previous_hidden):  # one mask for a stretch of hidden groups
                pieces += [run[previous_end:start], MASK if masked else run[start:end]]
            previous_end, previous_hidden = end, masked
        return "".join(pieces)

    return _RUN.sub(replace, text) if text else text


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
