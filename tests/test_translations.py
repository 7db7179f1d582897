import io
import subprocess
import sys
from pathlib import Path

import pytest

from storefront.cli import EXTRACT_KEYWORDS
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations/zh_Hans_CN/LC_MESSAGES/messages.po"
MO = PO.with_suffix(".mo")


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory):
    """The catalogue template extracted afresh from the code, as `flask translate extract` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "translations/babel.cfg",
         *EXTRACT_KEYWORDS, "-o", str(pot), "."],
        check=True, cwd=ROOT,
    )
    with pot.open("rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def chinese():
    with PO.open("rb") as handle:
        return read_po(handle, locale="zh_Hans_CN")


def test_every_extracted_message_has_a_chinese_translation(fresh_template, chinese):
    missing = []
    for message in fresh_template:
        if not message.id:
            continue
        translated = chinese.get(message.id, message.context)
        strings = translated.string if translated else None
        if isinstance(strings, tuple):
            strings = "".join(strings) if all(strings) else ""
        if not strings or (translated and translated.fuzzy):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    assert missing == [], f"untranslated or fuzzy: {missing}"


def test_translations_keep_their_placeholders(chinese):
    problems = [(message.id, [str(error) for error in errors]) for message, errors in chinese.check() if errors]
    assert problems == []


def test_committed_mo_is_what_the_po_compiles_to(chinese):
    compiled = io.BytesIO()
    write_mo(compiled, chinese, use_fuzzy=False)
    assert MO.read_bytes() == compiled.getvalue(), "run `flask --app wsgi translate compile` and commit the .mo"


def test_every_template_with_text_is_scanned_for_messages(fresh_template):
    """Babel skips folders whose names start with "_" or "."; no translatable template may hide there."""
    scanned = {Path(location).as_posix() for message in fresh_template for location, _line in message.locations}
    holders = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "storefront").rglob("*"))
        if path.suffix in (".html", ".txt") and ("_(" in path.read_text() or "{% trans" in path.read_text())
    ]
    assert [path for path in holders if path not in scanned] == []
