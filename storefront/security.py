"""Security headers, trusted proxies, password hashing and the encryption of personal data at rest."""

import hashlib
import unicodedata
from datetime import date

import nh3
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from cryptography.fernet import Fernet, MultiFernet
from flask import current_app, request
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import Text, select, type_coerce, update
from sqlalchemy.types import TypeDecorator
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self'",
        "style-src 'self'",
        "script-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ]
)


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(self)")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    return response


def trust_proxies(app) -> None:
    """Trust n hops of X-Forwarded-For/-Proto only when STOREFRONT_TRUSTED_PROXIES says so."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register(app) -> None:
    trust_proxies(app)
    app.after_request(set_security_headers)


# Passwords: argon2id with parameters a small VPS survives bursts of sign-ins with
# (19 MiB, 2 passes, 1 lane: OWASP's minimum recommendation).
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the email is unknown, so both answers take the same time.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


def normalise_password(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    return _hasher.hash(normalise_password(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; with no hash, spends the same time and answers False."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, normalise_password(password)) and bool(password_hash)
    except (VerifyMismatchError, InvalidHashError, VerificationError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# Personal fields at rest: Fernet tokens under the newest of STOREFRONT_DATA_KEYS;
# older keys still decrypt until `keys rotate` has re-encrypted everything.
def data_cipher() -> MultiFernet:
    extensions = current_app.extensions
    if "storefront.cipher" not in extensions:
        keys = [key.strip() for key in current_app.config["DATA_KEYS"].split(",") if key.strip()]
        extensions["storefront.cipher"] = MultiFernet([Fernet(key) for key in keys])
    return extensions["storefront.cipher"]


class Encrypted(TypeDecorator):
    """A text column stored encrypted; None stays NULL (so 'not given' is visible, the value is not)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return data_cipher().encrypt(self.serialise(value).encode()).decode("ascii")

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return self.deserialise(data_cipher().decrypt(value.encode("ascii")).decode())

    def serialise(self, value) -> str:
        return str(value)

    def deserialise(self, text: str):
        return text


class EncryptedDate(Encrypted):
    cache_ok = True

    def serialise(self, value: date) -> str:
        return value.isoformat()

    def deserialise(self, text: str) -> date:
        return date.fromisoformat(text)


def rotate_encrypted_columns(metadata, connection) -> int:
    """Re-encrypt every encrypted value under the newest key; returns how many values changed."""
    cipher, changed = data_cipher(), 0
    for table in metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, Encrypted)]
        if not columns:
            continue
        key = list(table.primary_key.columns)[0]
        raw = [type_coerce(c, Text).label(c.name) for c in columns]
        # Rows stay locked until the rotation commits (PostgreSQL; SQLite's writer holds the whole file):
        # an edit or an erasure committed meanwhile is never overwritten with the value read here.
        for row in connection.execute(select(key, *raw).with_for_update()).mappings().all():
            values = {c.name: cipher.rotate(row[c.name].encode()).decode() for c in columns if row[c.name]}
            if values:
                connection.execute(update(table).where(key == row[key.name]).values(_raw_values(table, values)))
                changed += len(values)
    return changed


def _raw_values(table, values: dict) -> dict:
    # Bypass the Encrypted type on write: the tokens are already encrypted.
    return {table.c[name]: type_coerce(token, Text) for name, token in values.items()}


def email_digest(canonical_email: str) -> str:
    """A stable lookup key for an email address stored encrypted (orders, disclosures).

    Plain SHA-256 over the canonical address: it survives key rotation, and it only finds rows,
    it never shows the address (which is encrypted beside it).
    """
    return hashlib.sha256(f"storefront-email:{canonical_email}".encode()).hexdigest()


# Markdown written by the shop (the privacy policy, product descriptions): CommonMark plus tables,
# raw HTML off, and the output sanitised again with nh3 to a small allow-list of tags.
MARKDOWN_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "code", "blockquote", "ul", "ol", "li", "a", "hr",
    "table", "thead", "tbody", "tr", "th", "td",
}
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str) -> Markup:
    """Shop-written Markdown as sanitised HTML: safe to mark |safe because nh3 has cleaned it."""
    html = nh3.clean(
        _markdown.render(text or ""), tags=MARKDOWN_TAGS, attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer",
    )
    return Markup(html)  # nosec B704 # noqa: S704 - nh3 left only the allow-listed tags and attributes
