"""After checkouts with approved, declining and invalid cards, no card number or CVC is anywhere:
not in the database files, the log output, the emails (queued and sent), or any HTML response."""

import io
import logging
import re
from pathlib import Path

from sqlalchemy import text

from storefront.extensions import db
from storefront.notifications.delivery import deliver_due
from storefront.payments.cards import luhn_valid
from tests.cart.conftest import checkout_form, checkout_token

CVC = "9317"
CARDS = [  # (as typed, expiry): approved, declined, invalid
    ("4242 4242 4242 4242", "12/30"),
    ("5555-5555-5555-4444", "11/31"),
    ("4000 0000 0000 0002", "12/30"),
    ("4000000000009995", "12/30"),
    ("4000 0000 0000 0069", "12/30"),
    ("4242 4242 4242 4241", "12/30"),  # fails Luhn
    ("4242 4242 4242 4242", "01/21"),  # expired
    ("５５５５ ５５５５ ５５５５ ４４４４", "10/32"),  # full-width, approved
]
CARD_PREFIX = re.compile(r"^(4|5[1-5]|2(2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)|3[47])")
# A number standing on its own: not a stretch of digits inside a hex digest or a base64 token (a
# 64-character SHA-256 holds 13+ digits in a row ~4% of the time; the known cards are searched anywhere).
DIGIT_RUN = re.compile(rb"(?<![0-9A-Za-z])(?:\d[ \-]?){12,18}\d(?![0-9A-Za-z])")
ISO_DATE = re.compile(rb"20\d\d-[01]\d-[0-3]\d")
MIME_BOUNDARY = re.compile(rb"={15}\d{1,20}==|Message-ID: <[^>\r\n]*>")
SQL_TIMING = re.compile(r"\[(?:generated in|cached since) [\d.]+s(?: ago)?\]")


def spelled_any_way(digits: str) -> re.Pattern:
    """The card number with any separators (up to 3 non-digit bytes) between its digits."""
    return re.compile(rb"\D{0,3}".join(d.encode() for d in digits))


def known_cards() -> set[str]:
    ascii_digits = str.maketrans("０１２３４５６７８９", "0123456789")
    return {re.sub(r"\D", "", number.translate(ascii_digits)) for number, _ in CARDS}


def card_like_runs(blob: bytes) -> list[str]:
    found = []
    for match in DIGIT_RUN.finditer(blob):
        if ISO_DATE.search(match.group(0)):
            continue  # a timestamp beside other digits in a database page, not a card number
        digits = re.sub(rb"\D", b"", match.group(0)).decode()
        if 13 <= len(digits) <= 19 and CARD_PREFIX.match(digits) and luhn_valid(digits):
            found.append(digits)
    return found


def database_dump(app) -> bytes:
    """Every row of every table as text (for PostgreSQL, and for the SQLite CVC check)."""
    parts = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(text(f'SELECT * FROM "{table.name}"')).all()
            parts.extend(repr(tuple(row)) for row in rows)
    return "\n".join(parts).encode()


def database_files(app) -> bytes:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite"):
        return b""
    path = Path(url.split("///", 1)[1])
    return b"".join(Path(f"{path}{suffix}").read_bytes() for suffix in ("", "-wal", "-shm")
                    if Path(f"{path}{suffix}").exists())


def test_no_card_number_or_cvc_is_kept_anywhere(app, make_product, tmp_path):
    log_output = io.StringIO()
    handler = logging.StreamHandler(log_output)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # every statement, too
    pages: list[bytes] = []
    try:
        for number, expiry in CARDS:
            product = make_product(stock=5)
            client = app.test_client()
            client.post("/en/cart/items", data={"product_id": product.id, "quantity": "1"})
            for lang in ("en", "zh"):
                response = client.post(f"/{lang}/checkout", data=checkout_form(
                    checkout_token(client, lang), card_number=number, card_expiry=expiry, card_cvc=CVC,
                    card_name="Ada Lovelace"))
                pages.append(response.data)
                if response.status_code == 303:
                    pages.append(client.get(response.headers["Location"]).data)
                    break
            pages.append(client.get("/en/cart").data)
        with app.app_context():
            deliver_due()
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)

    # Python's email package draws MIME boundaries and Message-IDs from random digits
    # ("===============4051…==", "<179555639363.17886.3720…@localhost>"): not card numbers.
    sent = MIME_BOUNDARY.sub(b"", b"".join(path.read_bytes() for path in Path(app.config["MAIL_DIR"]).glob("*.eml")))
    assert sent, "the order emails were delivered to files"
    assert b"4242" in sent  # the last four digits are allowed, and shown
    places = {
        "database files": database_files(app),
        "database rows": database_dump(app),
        # SQLAlchemy's timings ("[cached since 1.9317s ago]") are not data: any four digits turn up there.
        "log output": SQL_TIMING.sub("", log_output.getvalue()).encode(),
        "sent email": sent,
        "HTML responses": b"".join(pages),
    }
    assert len(places["log output"]) > 1000, "the logs were captured"
    for place, blob in places.items():
        for digits in known_cards():
            assert not spelled_any_way(digits).search(blob), f"card number {digits} found in {place}"
        assert card_like_runs(blob) == [], f"card-like numbers in {place}"
    for place in ("database rows", "log output", "sent email", "HTML responses"):
        assert not re.search(rb"(?<!\d)" + CVC.encode() + rb"(?!\d)", places[place]), f"CVC found in {place}"


def test_the_detector_finds_a_card_number_standing_alone_and_not_digits_inside_a_digest():
    assert card_like_runs(b"paid with 5555 5555 5555 4444, thanks") == ["5555555555554444"]
    assert card_like_runs(b"'4000056655665556'") == ["4000056655665556"]
    assert card_like_runs(b"digest a4636260980094100b7") == []  # Luhn-valid digits inside a hex digest
