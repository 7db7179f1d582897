"""Endpoints that are not pages: health checks and the uploaded media files."""

from flask import Blueprint, abort, current_app, jsonify, send_from_directory
from sqlalchemy import text

from storefront.catalog.images import STORED_NAME
from storefront.extensions import db

bp = Blueprint("ops", __name__)

ONE_YEAR = 365 * 24 * 3600


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        current_app.logger.warning("readiness check: the database does not answer", exc_info=True)
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")


@bp.get("/favicon.ico")
def favicon():
    return send_from_directory(current_app.static_folder, "img/favicon-32.png", max_age=ONE_YEAR // 12)


@bp.get("/media/<name>")
def media(name):
    # Only the names the shop generates (hex + .webp) are served, always as WebP; nosniff comes
    # with every response (security.py). They never change, so they may be cached for a year.
    if not STORED_NAME.fullmatch(name):
        abort(404)
    response = send_from_directory(current_app.config["UPLOAD_DIR"], name, max_age=ONE_YEAR, mimetype="image/webp")
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response
