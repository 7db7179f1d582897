import pytest

from storefront import create_app
from storefront.config import ConfigError, load_dev_secrets
from tests.conftest import make_config


def test_overrides_win_over_environment(monkeypatch, make_app):
    monkeypatch.setenv("STOREFRONT_SHOP_NAME", "From the environment")
    monkeypatch.setenv("STOREFRONT_LOGISTICS_COMPANY", "Env Express")
    app = make_app(SHOP_NAME="From the test")
    assert app.config["SHOP_NAME"] == "From the test"
    assert app.config["LOGISTICS_COMPANY"] == "Env Express"


def test_environment_settings_are_typed_and_mapped(monkeypatch, tmp_path):
    monkeypatch.setenv("STOREFRONT_DATABASE_URL", "postgresql://shop@db.example/shop")
    monkeypatch.setenv("STOREFRONT_RATELIMIT_STORAGE_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("STOREFRONT_SHIPPING_FLAT", "7.5")
    monkeypatch.setenv("STOREFRONT_TRUSTED_PROXIES", "1")
    monkeypatch.setenv("STOREFRONT_TRUSTED_HOSTS", "shop.example, www.shop.example")
    monkeypatch.setenv("STOREFRONT_SECRET_KEY", "123456")
    app = create_app({"TESTING": True, "DATA_KEYS": "x", "UPLOAD_DIR": str(tmp_path)})
    config = app.config
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://shop@db.example/shop"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert str(config["SHIPPING_FLAT"]) == "7.50"
    assert config["TRUSTED_PROXIES"] == 1
    assert config["TRUSTED_HOSTS"] == ["shop.example", "www.shop.example"]
    assert config["SECRET_KEY"] == "123456"  # a numeric-looking secret stays a string


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATA_KEYS"])
def test_refuses_to_start_without_secrets_outside_dev_and_tests(monkeypatch, tmp_path, missing):
    for name in ("STOREFRONT_SECRET_KEY", "STOREFRONT_DATA_KEYS", "STOREFRONT_DEV"):
        monkeypatch.delenv(name, raising=False)
    settings = {"SECRET_KEY": "s", "DATA_KEYS": "k", "UPLOAD_DIR": str(tmp_path), missing: None}
    with pytest.raises(ConfigError, match=f"(?s)STOREFRONT_{missing}.*python -c"):
        create_app(settings)


def test_malformed_settings_are_explained(tmp_path):
    with pytest.raises(ConfigError, match="STOREFRONT_TRUSTED_PROXIES"):
        create_app(make_config(tmp_path, TRUSTED_PROXIES="two"))
    with pytest.raises(ConfigError, match="STOREFRONT_SHIPPING_FLAT"):
        create_app(make_config(tmp_path, SHIPPING_FLAT="free"))


def test_dev_generates_missing_keys_once_into_instance(tmp_path):
    first: dict = {}
    load_dev_secrets(first, tmp_path)
    second: dict = {}
    load_dev_secrets(second, tmp_path)
    assert first["SECRET_KEY"] and first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_cookies_are_secure_unless_dev(make_app):
    production = make_app()
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    dev = make_app(DEV="1", SECRET_KEY="s", DATA_KEYS="k")
    assert dev.config["SESSION_COOKIE_SECURE"] is False
    assert dev.debug is False


def test_request_body_size_is_limited(app):
    assert 0 < app.config["MAX_CONTENT_LENGTH"] <= 16 * 1024 * 1024
