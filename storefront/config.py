"""Configuration: defaults, then STOREFRONT_* environment variables, then the mapping given to create_app."""

import secrets
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from cryptography.fernet import Fernet


class Config:
    """Defaults for every setting of CONTRACT.md, under the names without the STOREFRONT_ prefix."""

    DEV = False
    SECRET_KEY = None
    DATA_KEYS = None
    DATABASE_URL = None
    BASE_URL = "http://127.0.0.1:5000"
    TRUSTED_HOSTS = None
    TRUSTED_PROXIES = 0
    DEFAULT_LOCALE = "en"
    PREVAILING_LOCALE = "zh"
    CURRENCY = "USD"
    SHIPPING_FLAT = "8.00"
    FREE_SHIPPING_FROM = "99.00"
    SHOP_NAME = "Lumen & Lens Optics"
    SHOP_EMAIL = "hello@lumen-lens.example"
    SHOP_ADDRESS = "18 Harbour Road, Unit 5, Example City 200000"
    PAYMENT_PROCESSOR = "test"
    LOGISTICS_COMPANY = "Swift Parcel Logistics"
    MAIL_URL = None
    MAIL_FROM = "shop@localhost"
    OWNER_PASSWORD = None
    UPLOAD_DIR = None
    VISIT_IDLE_SECONDS = 1800
    VISIT_RETENTION_DAYS = 180
    # Each worker writes the daily page counters at most this often (0: with every page); see privacy.visits.
    PAGE_COUNT_FLUSH_SECONDS = 2
    RATELIMIT_STORAGE_URL = "memory://"

    # Keys read by the extensions themselves.
    # Statement parameters (emails, names) stay out of error messages and so out of the logs.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"hide_parameters": True}
    BABEL_TRANSLATION_DIRECTORIES = "../translations"
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=30)
    WTF_CSRF_TIME_LIMIT = None
    RATELIMIT_HEADERS_ENABLED = True
    PRODUCTS_PER_PAGE = 24
    # Rendered catalogue fragments each worker keeps (catalog.fragments); 0 turns the cache off.
    CATALOG_CACHE_SIZE = 512


_BOOLEAN_KEYS = ("DEV", "TESTING")
_INT_KEYS = ("TRUSTED_PROXIES", "VISIT_IDLE_SECONDS", "VISIT_RETENTION_DAYS", "PAGE_COUNT_FLUSH_SECONDS", "CATALOG_CACHE_SIZE")
_MONEY_KEYS = ("SHIPPING_FLAT", "FREE_SHIPPING_FROM")


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message says how to fix it."""


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def load(app, overrides: dict | None) -> None:
    """Fill app.config in the documented order and derive the keys extensions read."""
    app.config.from_object(Config)
    # Environment values stay strings here (not JSON-decoded), so a numeric-looking
    # secret is never turned into a number; normalise() converts the typed keys.
    app.config.from_prefixed_env("STOREFRONT", loads=str)
    app.config.update(overrides or {})
    normalise(app.config)
    if app.config["DEV"]:
        load_dev_secrets(app.config, Path(app.instance_path))
    require_secrets(app.config)
    derive(app.config, Path(app.instance_path))


def normalise(config) -> None:
    for key in _BOOLEAN_KEYS:
        config[key] = parse_bool(config.get(key, False))
    for key in _INT_KEYS:
        try:
            config[key] = int(config[key])
        except (TypeError, ValueError):
            raise ConfigError(f"STOREFRONT_{key} must be a whole number, got {config[key]!r}.") from None
    for key in _MONEY_KEYS:
        try:
            config[key] = Decimal(str(config[key])).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ConfigError(f"STOREFRONT_{key} must be an amount such as 8.00.") from None
    if config["DEFAULT_LOCALE"] not in ("en", "zh") or config["PREVAILING_LOCALE"] not in ("en", "zh"):
        raise ConfigError("STOREFRONT_DEFAULT_LOCALE and STOREFRONT_PREVAILING_LOCALE must be 'en' or 'zh'.")
    hosts = config.get("TRUSTED_HOSTS")
    if isinstance(hosts, str):
        config["TRUSTED_HOSTS"] = [h.strip() for h in hosts.split(",") if h.strip()] or None


def load_dev_secrets(config, instance: Path) -> None:
    """In development, create missing secret and data keys once and keep them in instance/."""
    instance.mkdir(parents=True, exist_ok=True)
    generators = {"SECRET_KEY": lambda: secrets.token_urlsafe(48), "DATA_KEYS": lambda: Fernet.generate_key().decode()}
    for key, generate in generators.items():
        if config.get(key):
            continue
        path = instance / key.lower()
        if not path.exists():
            path.write_text(generate())
            path.chmod(0o600)
        config[key] = path.read_text().strip()


def require_secrets(config) -> None:
    """Outside development and tests, refuse to start without real secrets."""
    if config["DEV"] or config["TESTING"]:
        return
    missing = [f"STOREFRONT_{key}" for key in ("SECRET_KEY", "DATA_KEYS") if not config.get(key)]
    if missing:
        raise ConfigError(
            f"{' and '.join(missing)} must be set (environment or .env). Make them with:\n"
            '  python -c "import secrets; print(secrets.token_urlsafe(48))"   # STOREFRONT_SECRET_KEY\n'
            '  python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
            "   # STOREFRONT_DATA_KEYS\n"
            "or set STOREFRONT_DEV=1 on a development machine to have them generated into instance/."
        )


def derive(config, instance: Path) -> None:
    """Map the STOREFRONT_* names to the keys Flask and its extensions read."""
    if config.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    elif not config.get("SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'storefront.db'}"
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql://"):
        config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + config["SQLALCHEMY_DATABASE_URI"][13:]
    config["RATELIMIT_STORAGE_URI"] = config["RATELIMIT_STORAGE_URL"]
    config["BABEL_DEFAULT_LOCALE"] = "en"
    config["UPLOAD_DIR"] = str(Path(config["UPLOAD_DIR"] or instance / "uploads"))
    config["MAIL_DIR"] = str(Path(config.get("MAIL_DIR") or instance / "mail"))
    config["BASE_URL"] = config["BASE_URL"].rstrip("/")
    secure = not config["DEV"]
    config["SESSION_COOKIE_SECURE"] = secure
    config["REMEMBER_COOKIE_SECURE"] = secure
    config.setdefault("RATELIMIT_ENABLED", True)
