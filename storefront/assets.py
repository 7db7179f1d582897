"""Versioned static URLs: url_for('static', ...) gains ?v=<content hash>, so nginx can cache /static/ for a year.

A new shop.css gets a new URL the moment it changes, so browsers never keep a stale copy however long they
cache it. Hashes are computed once per file and process (a deploy restarts the workers); in development
(`DEV`) they follow the file's modification time so an edited stylesheet shows up at once.
"""

import hashlib
from pathlib import Path

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the URL default once per app (safe to call again)."""
    if "static_versions" in app.extensions:
        return
    app.extensions["static_versions"] = {}
    app.url_defaults(lambda endpoint, values: _add_version(app, endpoint, values))


def static_version(app: Flask, filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256, or None for a file that does not exist."""
    path = Path(app.static_folder, filename)
    try:
        stamp = path.stat().st_mtime_ns if app.config.get("DEV") else None
    except OSError:
        return None
    cache = app.extensions["static_versions"]
    key = (filename, stamp)
    if key not in cache:
        try:
            cache[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        except OSError:
            return None
    return cache[key]


def _add_version(app: Flask, endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        version = static_version(app, values["filename"])
        if version:
            values["v"] = version
