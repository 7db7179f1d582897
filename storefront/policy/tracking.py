"""The browser's side of consent and visit records: cookies, the consent state, counting page views.

Two cookies: `consent` (strictly necessary: the decision, signed, with a random consent id that the
ledger knows the browser by) and `visitor` (only while analytics is accepted: the random token of
the visit record). A `Sec-GPC: 1` or `DNT: 1` request counts as a refusal until the visitor
explicitly accepts. Page views are counted after every successful HTML page: the daily counter for
everyone (written in batches, see privacy.visits), the visit record only with consent.
"""

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import current_app, g, request
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from storefront.database import utcnow, write_transaction
from storefront.extensions import db
from storefront.i18n import LANG_PREFIX, LANGUAGES, request_language
from storefront.privacy import visits
from storefront.privacy.policy import PolicyState, policy_state

log = logging.getLogger(__name__)

CONSENT_COOKIE = "consent"
VISITOR_COOKIE = "visitor"
CONSENT_MAX_AGE = 365 * 24 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
# Pages that are not the shop's pages: health checks, the admin area, static files.
UNCOUNTED_BLUEPRINTS = frozenset({"ops", "admin"})


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="storefront-consent")


@dataclass(frozen=True)
class ConsentState:
    """The browser's decision as its cookie records it, weighed against the policy in force."""

    consent_id: str | None
    analytics: bool | None  # the recorded choice; None: never decided (or reset)
    version: int | None  # the policy version it was given for
    decided_at: datetime | None
    current: bool  # the decision still counts: no material policy change since
    signal: bool  # the browser sends Global Privacy Control or Do Not Track

    @property
    def decided(self) -> bool:
        return self.analytics is not None and self.current

    @property
    def analytics_allowed(self) -> bool:
        return self.analytics is True and self.current

    @property
    def effective(self) -> bool | None:
        """True, False or None (undecided), as my-data.json reports it: a signal counts as a refusal."""
        if self.decided:
            return self.analytics
        return False if self.signal else None

    @property
    def show_banner(self) -> bool:
        return not self.decided and not self.signal


def _read_cookie() -> dict | None:
    raw = request.cookies.get(CONSENT_COOKIE)
    if not raw or len(raw) > 400:
        return None
    try:  # a copied cookie does not outlive the cookie itself (BadSignature covers SignatureExpired)
        data = _serializer().loads(raw, max_age=CONSENT_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not _TOKEN.fullmatch(data["id"]):
        return None
    if data.get("a") not in (True, False) or not isinstance(data.get("v"), int) or not isinstance(data.get("t"), int):
        return None
    return data


def privacy_signal() -> bool:
    return request.headers.get("Sec-GPC", "").strip() == "1" or request.headers.get("DNT", "").strip() == "1"


def current_policy_state() -> PolicyState:
    """The policy numbers, read once per request."""
    if "policy_state" not in g:
        g.policy_state = policy_state()
    return g.policy_state


def consent_state() -> ConsentState:
    if "consent_state" in g:
        return g.consent_state
    data = _read_cookie()
    signal = privacy_signal()
    if data is None:
        state = ConsentState(None, None, None, None, False, signal)
    else:
        current = data["v"] >= current_policy_state().material
        decided_at = datetime.fromtimestamp(data["t"], tz=timezone.utc)
        state = ConsentState(data["id"], data["a"], data["v"], decided_at, current, signal)
    g.consent_state = state
    return state


def new_consent_id() -> str:
    return secrets.token_urlsafe(32)


def visitor_token() -> str | None:
    """The browser's visit-record token, when it carries a well-formed one (and has not just dropped it)."""
    if g.get("drop_visitor_token"):
        return None
    token = g.get("new_visitor_token") or request.cookies.get(VISITOR_COOKIE)
    return token if token and _TOKEN.fullmatch(token) else None


def _cookie_options() -> dict:
    return {"httponly": True, "samesite": "Lax", "secure": current_app.config["SESSION_COOKIE_SECURE"]}


def set_decision(response, *, consent_id: str, analytics: bool, version: int, decided_at: datetime) -> None:
    """Store the decision in the browser; accepting gives it a visitor token, refusing takes it away."""
    value = _serializer().dumps({"id": consent_id, "a": analytics, "v": version, "t": int(decided_at.timestamp())})
    response.set_cookie(CONSENT_COOKIE, value, max_age=CONSENT_MAX_AGE, **_cookie_options())
    if analytics:
        set_visitor_cookie(response, visitor_token() or visits.new_visitor_token())
    elif VISITOR_COOKIE in request.cookies:
        response.delete_cookie(VISITOR_COOKIE, **_cookie_options())


def forget_decision(response) -> None:
    """Undecided again: the browser loses its consent id and its visitor token."""
    response.delete_cookie(CONSENT_COOKIE, **_cookie_options())
    response.delete_cookie(VISITOR_COOKIE, **_cookie_options())


def set_visitor_cookie(response, token: str) -> None:
    """(Re)set the visitor token: it lives VISIT_RETENTION_DAYS from the last counted visit, like its record."""
    if _sets(response, VISITOR_COOKIE):
        return
    response.set_cookie(VISITOR_COOKIE, token, max_age=_visitor_max_age(), **_cookie_options())


def start_new_visitor() -> None:
    """This browser continues as a new visitor (another person signed in, or the last one signed out):
    the next page starts a record of its own instead of adding to theirs. Without consent that counts
    now (a material change voided it), the old token is simply dropped; accepting again mints a new one."""
    if consent_state().analytics_allowed:
        g.new_visitor_token = visits.new_visitor_token()
    elif VISITOR_COOKIE in request.cookies:
        g.drop_visitor_token = True


def settle_browser_cookies(response):
    """After any response (a sign-in redirect too): hand out a token start_new_visitor() made, or
    take both cookies away when the browser's account was erased."""
    if g.get("forget_browser"):
        forget_decision(response)
        return response
    if token := g.get("new_visitor_token"):
        set_visitor_cookie(response, token)
    elif g.get("drop_visitor_token") and not _sets(response, VISITOR_COOKIE):
        response.delete_cookie(VISITOR_COOKIE, **_cookie_options())
    return response


def _sets(response, name: str) -> bool:
    return any(header.startswith(f"{name}=") for header in response.headers.getlist("Set-Cookie"))


def _visitor_max_age() -> int:
    return current_app.config["VISIT_RETENTION_DAYS"] * 24 * 3600


# Pages whose address names only public things (a product, a category, a policy version) are
# counted by their path; every other page by its route, so no token, order number or address id
# ever lands in the counters that partners see.
PUBLIC_PATH_BLUEPRINTS = frozenset({"catalog", "policy"})


def page_key() -> str:
    """The page without its language prefix and query: both languages of a page count as one."""
    if request.blueprint in PUBLIC_PATH_BLUEPRINTS:
        path = request.path
    else:
        path = request.url_rule.rule if request.url_rule is not None else request.path
        path = path.replace(LANG_PREFIX, "", 1) if path.startswith(LANG_PREFIX) else path
    for code in LANGUAGES:
        if path == f"/{code}" or path.startswith(f"/{code}/"):
            return path[len(code) + 1:] or "/"
    return path or "/"


def countable(response) -> bool:
    return (
        request.method == "GET"
        and response.status_code == 200
        and response.mimetype == "text/html"
        and request.endpoint is not None
        and request.endpoint != "static"
        and request.blueprint not in UNCOUNTED_BLUEPRINTS
    )


def count_page_view(response):
    """After a successful HTML page: count it in the daily counters; with analytics consent, also in
    the visit record.

    The visit record's upsert is a short write transaction of its own on the request's connection
    (the page's read transaction ends first; BEGIN IMMEDIATE on SQLite), so concurrent views of one
    visitor add up exactly. The daily counters hold nobody and are written in batches
    (visits.pending_counts): a page without consent writes nothing. Never fails the page: an error is
    logged (without the visitor's data) and the page goes out.
    """
    if not countable(response):
        return response
    try:
        browser = visits.parse_user_agent(request.user_agent.string)
        if browser.is_bot:
            return response
        view = visits.PageView(page=page_key(), site_language=request_language())
        now = utcnow()
        if consent_state().analytics_allowed:
            token = visitor_token()
            if token is None:  # consent without a token (the cookie was cleared): a new record
                token = g.new_visitor_token = visits.new_visitor_token()
            set_visitor_cookie(response, token)  # it expires with the record: retention after the last visit
            view = visits.PageView(
                page=view.page, site_language=view.site_language, visitor_token=token, ip=request.remote_addr,
                browser=browser, languages=visits.language_tags(request.accept_languages),
                user_id=current_user.id if current_user.is_authenticated else None,
            )
            db.session.rollback()  # a GET has nothing to keep; its snapshot must not hold the write back
            with write_transaction():
                visits.record_visit(view, idle_seconds=current_app.config["VISIT_IDLE_SECONDS"], now=now)
                db.session.commit()
        visits.pending_counts.add(view, now)
        seconds = current_app.config["PAGE_COUNT_FLUSH_SECONDS"]
        if visits.pending_counts.due(seconds):
            visits.flush_page_counts()
        elif seconds:
            visits.idle_flusher.ensure(current_app._get_current_object(), seconds)
    except Exception:  # noqa: BLE001 - counting must never break the page
        db.session.rollback()
        log.exception("a page view could not be counted")
    return response
