"""Mail transports: the SMTP server STOREFRONT_MAIL_URL names, or .eml files in MAIL_DIR when it is unset."""

import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

from storefront.database import utcnow

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
TIMEOUT = 10


@dataclass(frozen=True)
class MailServer:
    scheme: str  # smtp, smtp+starttls or smtps
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)


def parse_mail_url(url: str) -> MailServer:
    """The server of a mail URL, with percent-decoded credentials.

    Raises ValueError for an unknown scheme, a missing host or port, or credentials on plain smtp://
    (they would cross the network unencrypted). Messages never repeat the URL, which holds a password.
    """
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS:
        raise ValueError(f"STOREFRONT_MAIL_URL: unknown scheme {parts.scheme!r}; use smtp, smtp+starttls or smtps")
    if not parts.hostname:
        raise ValueError("STOREFRONT_MAIL_URL names no host")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    if parts.scheme == "smtp" and username:
        raise ValueError("STOREFRONT_MAIL_URL: credentials need smtp+starttls:// or smtps://")
    return MailServer(parts.scheme, parts.hostname, parts.port or DEFAULT_PORTS[parts.scheme], username, password)


def send(email: EmailMessage, message_id: int, config) -> None:
    """Deliver the email as the config says; raises whatever the transport raises."""
    if config.get("MAIL_URL"):
        send_smtp(email, parse_mail_url(config["MAIL_URL"]))
    else:
        write_eml(email, Path(config["MAIL_DIR"]), message_id)


def send_smtp(email: EmailMessage, server: MailServer) -> None:
    context = ssl.create_default_context()
    if server.scheme == "smtps":
        connection = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT, context=context)
    else:
        connection = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
    with connection as smtp:
        if server.scheme == "smtp+starttls":
            smtp.starttls(context=context)
        if server.username:
            smtp.login(server.username, server.password or "")
        smtp.send_message(email)


def write_eml(email: EmailMessage, folder: Path, message_id: int) -> Path:
    """Write <folder>/<UTC timestamp>-<id>.eml, readable by its owner only (it holds personal data)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{utcnow():%Y%m%dT%H%M%S%fZ}-{message_id}.eml"
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        handle.write(email.as_bytes())
    return path
