"""Finding English interface text on Chinese pages: a text that is, word for word, one of the catalogue's msgids.

Only msgids count, so product data, names, addresses and emails never do; a msgid whose translation is
the msgid itself (a card brand, "Cookie") is not untranslated. Text inside an element marked lang="en"
is English on purpose (a fallback product text, the language switcher) and is not checked.
"""

import html
import re
from collections.abc import Iterable
from pathlib import Path

from babel.messages.pofile import read_po

PO_FILE = Path(__file__).resolve().parents[2] / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdif]")
TAG = re.compile(r"<[^>]*>")
# A fragment needs this many letters of its own (placeholders aside) to be told apart from data.
MIN_LETTERS = 3
# Separators the pages put between a msgid and other text inside one text node (titles: "Cart · Shop").
SEPARATORS = re.compile(r"\s+[·|]\s+")


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _fragments(msgid: str) -> list[str]:
    """The pieces of a msgid a page shows as separate text nodes (a msgid may hold markup)."""
    pieces = (_normalise(html.unescape(piece)) for piece in TAG.split(msgid))
    return [piece for piece in pieces if len(re.findall(r"[A-Za-z]", PLACEHOLDER.sub("", piece))) >= MIN_LETTERS]


def _wildcard(fragment: str) -> re.Pattern:
    parts = PLACEHOLDER.split(fragment.replace("%%", "\0"))
    pattern = ".+?".join(re.escape(part.replace("\0", "%")) for part in parts)
    return re.compile(pattern)


class Catalogue:
    """The English msgids of the Chinese catalogue, as exact texts and as patterns with wildcards."""

    def __init__(self, po_file: Path = PO_FILE):
        with open(po_file, "rb") as handle:
            catalog = read_po(handle)
        self.exact: dict[str, str] = {}
        self.patterns: list[tuple[re.Pattern, str]] = []
        for message in catalog:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not ids[0] or ids[0] in strings:
                continue
            for msgid in ids:
                self._add(msgid)

    def _add(self, msgid: str) -> None:
        for fragment in _fragments(msgid):
            if PLACEHOLDER.search(fragment) or "%%" in fragment:
                self.patterns.append((_wildcard(fragment), msgid))
            else:
                self.exact.setdefault(fragment, msgid)

    def msgid_of(self, text: str) -> str | None:
        """The msgid this text is, untranslated, or None."""
        if not re.search(r"[A-Za-z]", text):
            return None
        if text in self.exact:
            return self.exact[text]
        for pattern, msgid in self.patterns:
            if pattern.fullmatch(text):
                return msgid
        return None

    def untranslated(self, texts: Iterable[str]) -> dict[str, str]:
        """{text: msgid} for each text (or part of one between separators) that is an English msgid."""
        found = {}
        for text in texts:
            for part in {text, *SEPARATORS.split(text)}:
                msgid = self.msgid_of(part)
                if msgid is not None:
                    found[part] = msgid
        return found


def checked_texts(page) -> list[str]:
    """A Chinese page's texts that are meant to be Chinese (not inside lang="en" and the like)."""
    return [text.value for text in page.texts if text.lang.lower().startswith("zh")]
