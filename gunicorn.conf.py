"""gunicorn settings for production: `gunicorn wsgi:app -c gunicorn.conf.py` (deploy/systemd runs it).

Every value can be overridden from the environment (GUNICORN_*); STOREFRONT_* settings are read from
the environment and the repository's .env, as the app reads them.
"""

import os
from pathlib import Path

from dotenv import load_dotenv

load_dotenv(Path(__file__).resolve().parent / ".env")


def _trusted_proxies() -> int:
    value = os.environ.get("STOREFRONT_TRUSTED_PROXIES", "0").strip() or "0"
    if not value.isdigit():
        raise SystemExit(f"STOREFRONT_TRUSTED_PROXIES must be a whole number, got {value!r}.")
    return int(value)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# nginx in front on the same machine: listen on loopback only.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the app does short database work per request; 2 per core (+1) keeps the CPU busy while
# some wait on the database, and the cap keeps memory (and PostgreSQL connections) bounded on a small VPS.
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * _cores() + 1, 9)))
worker_class = "sync"
# A request that takes longer than this is stuck: its worker is replaced. SQLite waits up to 15 s
# for its write lock (storefront.database), so the timeout leaves room for that.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# On reload (SIGHUP) and stop, workers finish the requests they hold for up to this long.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = 5
# Recycle workers now and then, so a slow leak can never grow without bound.
max_requests = 5000
max_requests_jitter = 500
# Load the app in each worker, not the master: a reload (SIGHUP) then starts workers on the new code.
preload_app = False

# Forwarded headers (X-Forwarded-Proto for the scheme) are trusted only from the proxies the shop is told
# it has: with STOREFRONT_TRUSTED_PROXIES=0 nobody's (the app adds no ProxyFix either); otherwise from
# nginx's address on this machine (GUNICORN_FORWARDED_ALLOW_IPS for another proxy address).
forwarded_allow_ips = (
    os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1") if _trusted_proxies() > 0 else ""
)

# Logs: JSON lines on stdout (journald keeps them), one per request and per event. The access line holds
# the path without its query string and no client address, browser or referrer (storefront.logs).
logger_class = "storefront.logs.GunicornLogger"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
proc_name = "storefront"
# Reloads and stops go through signals (systemd's ExecReload sends HUP); no control socket in $HOME.
control_socket_disable = True
