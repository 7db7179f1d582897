"""Fixtures for the outbox: mail written to a temporary folder, the test email templates, queueing and SMTP servers."""

import datetime
import ipaddress
import ssl
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from jinja2 import ChoiceLoader, FileSystemLoader

from storefront.extensions import db
from storefront.notifications.services import queue_email

TEMPLATES = Path(__file__).parent / "templates"


def use_test_templates(app) -> None:
    """Let the app find tests/notifications/templates/email/test_message.* (tests only, never production)."""
    app.jinja_env.loader = ChoiceLoader([FileSystemLoader(TEMPLATES), app.jinja_env.loader])


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    return tmp_path / "mail"


@pytest.fixture(autouse=True)
def outbox_app(app, mail_dir):
    """Every test's app writes mail into the test's own folder and knows the test templates."""
    app.config["MAIL_DIR"] = str(mail_dir)
    use_test_templates(app)
    return app


@pytest.fixture
def make_outbox_app(make_app, mail_dir):
    """Another app (e.g. DEV=True) on the same database, writing mail into the test's folder."""

    def make(**overrides):
        app = make_app(**{"MAIL_DIR": str(mail_dir), **overrides})
        use_test_templates(app)
        return app

    return make


@pytest.fixture
def message_values():
    return {
        "to": "ming@example.com", "template": "test_message", "locale": "zh", "subject": "您的订单",
        "amount": Decimal("12.50"), "when": datetime.date(2026, 11, 24), "name": "Tom & Jerry",
    }


@pytest.fixture
def queue(app, message_values):
    """queue(**overrides) queues the test message, commits, and returns its id."""

    def queue(**overrides) -> int:
        with app.app_context():
            message = queue_email(**{**message_values, **overrides})
            db.session.commit()
            return message.id

    return queue


@pytest.fixture(scope="session")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1: (certificate file, key file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return folder / "cert.pem", folder / "key.pem"


@pytest.fixture
def trust_certificate(certificate, monkeypatch):
    """The transport's TLS contexts trust the test certificate, as they would trust a real server's."""
    create = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context", lambda *a, **kw: create(cafile=str(certificate[0])))


@pytest.fixture
def server_tls(certificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*map(str, certificate))
    return context
