"""gunicorn.conf.py: forwarded headers trusted only as STOREFRONT_TRUSTED_PROXIES says, workers from the cores."""

import os
import runpy
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def load(monkeypatch, **env) -> dict:
    for name in ("STOREFRONT_TRUSTED_PROXIES", "GUNICORN_WORKERS", "GUNICORN_FORWARDED_ALLOW_IPS", "GUNICORN_BIND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_no_trusted_proxies_means_no_forwarded_headers_believed(monkeypatch):
    assert load(monkeypatch)["forwarded_allow_ips"] == ""
    assert load(monkeypatch, STOREFRONT_TRUSTED_PROXIES="0")["forwarded_allow_ips"] == ""


def test_behind_nginx_only_its_address_is_believed(monkeypatch):
    assert load(monkeypatch, STOREFRONT_TRUSTED_PROXIES="1")["forwarded_allow_ips"] == "127.0.0.1,::1"
    other = load(monkeypatch, STOREFRONT_TRUSTED_PROXIES="2", GUNICORN_FORWARDED_ALLOW_IPS="10.0.0.5")
    assert other["forwarded_allow_ips"] == "10.0.0.5"


def test_a_malformed_proxy_count_stops_the_start(monkeypatch):
    with pytest.raises(SystemExit, match="STOREFRONT_TRUSTED_PROXIES"):
        load(monkeypatch, STOREFRONT_TRUSTED_PROXIES="nginx")


def test_workers_follow_the_cores_and_can_be_set(monkeypatch):
    cores = len(os.sched_getaffinity(0))
    conf = load(monkeypatch)
    assert conf["workers"] == min(2 * cores + 1, 9)
    assert load(monkeypatch, GUNICORN_WORKERS="4")["workers"] == 4


def test_serving_defaults_suit_nginx_on_the_same_machine(monkeypatch):
    conf = load(monkeypatch)
    assert conf["bind"] == "127.0.0.1:8000"
    assert conf["worker_class"] == "sync" and conf["preload_app"] is False  # HUP reloads the code
    assert conf["timeout"] > 15  # SQLite's busy timeout fits inside a request's time
    assert conf["graceful_timeout"] >= conf["timeout"]
    assert conf["logger_class"] == "storefront.logs.GunicornLogger"
    assert conf["accesslog"] == "-" and conf["errorlog"] == "-"
