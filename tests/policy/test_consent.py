"""The consent banner and the consent settings over HTTP: what the first visit sees and which cookies
it gets, accepting and declining, refused input, where the answer redirects to, CSRF, the browser's
privacy signals (GPC, DNT), a tampered consent cookie, the link of a signed-in decision to the account,
acknowledging a policy version, forgetting a browser, and that declining never stands in the way.

Strings from the Chinese catalogue are never written out here: the expected text is rendered through
the app's compiled translations (`expected`), and the Chinese page must not show the English wording.
"""

import re
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from flask import g, render_template_string
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import event, func, select

from storefront.account.models import User
from storefront.cart.models import CartItem
from storefront.database import utcnow, write_transaction
from storefront.extensions import db
from storefront.privacy.consent import ConsentEntry, ConsentLink, verify_ledger
from storefront.privacy.policy import (
    PolicyAcknowledgement,
    acknowledge,
    policy_state,
    publish_version,
)
from storefront.privacy.visits import PageCount, VisitRecord
from tests.conftest import PASSWORD, PG_URL

UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
BANNER = '<section class="consent-banner"'
STRICTLY_NECESSARY = {"session", "lang", "cart"}
CHOOSE = "Please choose whether we may record your visits."


# Helpers --------------------------------------------------------------------------------------------


def get(client, path, **headers):
    return client.get(path, headers={"User-Agent": UA, **headers})


def decide(client, analytics="yes", lang="en", headers=None, **fields):
    data = {"analytics": analytics, **fields} if analytics is not None else dict(fields)
    return client.post(f"/{lang}/privacy/consent", data=data, headers={"User-Agent": UA, **(headers or {})})


def expected(app, lang: str, source: str, **context) -> str:
    """A template snippet rendered as a page in `lang` renders it (same catalogue)."""
    with app.test_request_context(f"/{lang}/"):
        g.lang = lang
        return render_template_string(source, **context)


def message(app, lang: str, text: str) -> str:
    return expected(app, lang, "{{ _(text) }}", text=text)


def ledger(app) -> list[SimpleNamespace]:
    with app.app_context():
        return [SimpleNamespace(**{c.name: getattr(e, c.name) for c in ConsentEntry.__table__.columns})
                for e in db.session.scalars(select(ConsentEntry).order_by(ConsentEntry.id))]


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def visit_records(app) -> list[SimpleNamespace]:
    with app.app_context():
        return [SimpleNamespace(user_id=r.user_id, page_views=r.page_views, visitor_hash=r.visitor_hash)
                for r in db.session.scalars(select(VisitRecord).order_by(VisitRecord.id))]


def set_cookies(response) -> dict[str, str]:
    """The cookies a response sets (or deletes), by name, with their whole header."""
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def deleted(header: str) -> bool:
    return "Max-Age=0" in header or "Expires=Thu, 01 Jan 1970" in header


def consent_cookie(app, client) -> dict | None:
    cookie = client.get_cookie("consent")
    if cookie is None:
        return None
    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="storefront-consent").loads(cookie.value)


def my_data(client, **headers) -> dict:
    response = get(client, "/en/privacy/my-data.json", **headers)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


def banner_of(page: str) -> str:
    start = page.index(BANNER)
    return page[start:page.index("</section>", start)]


def buttons_of(html: str) -> list[dict]:
    buttons = []
    for attributes, label in re.findall(r"<button\b([^>]*)>(.*?)</button>", html, re.DOTALL):
        attrs = dict(re.findall(r'([a-zA-Z-]+)="([^"]*)"', attributes))
        attrs["label"] = label.strip()
        buttons.append(attrs)
    return buttons


def assert_translated(app, lang: str, text: str) -> None:
    """The catalogue translates `text` for `lang` (so a page showing the English text is wrong)."""
    assert lang == "en" or message(app, lang, text) != text, f"the {lang} catalogue does not translate {text!r}"


# The banner ------------------------------------------------------------------------------------------


def test_the_first_visit_shows_the_banner_with_two_equal_buttons(client):
    response = get(client, "/en/products?sort=new")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count(BANNER) == 1
    banner = banner_of(page)
    assert "May we record your visits?" in banner
    assert 'action="/en/privacy/consent"' in banner and 'method="post"' in banner
    assert '<input type="hidden" name="source" value="banner">' in banner
    assert '<input type="hidden" name="next" value="/en/products?sort=new">' in banner
    assert 'href="/en/privacy/consent?next=' in banner  # the settings, for more choice
    buttons = buttons_of(banner)
    assert [(b.get("name"), b.get("value"), b["label"]) for b in buttons] == [
        ("analytics", "yes", "Accept"), ("analytics", "no", "Decline")]
    # Equal weight: declining looks exactly like accepting.
    assert buttons[0].get("class") == buttons[1].get("class")
    assert buttons[0].get("type") == buttons[1].get("type") == "submit"
    # In the page's flow under the header, before the content, not an overlay over it.
    assert page.index("</header>") < page.index(BANNER) < page.index('<main')


def test_the_banner_on_chinese_pages_is_in_chinese(app, client):
    page = get(client, "/zh/").get_data(as_text=True)
    assert page.count(BANNER) == 1
    banner = banner_of(page)
    assert 'action="/zh/privacy/consent"' in banner
    assert '<input type="hidden" name="next" value="/zh/">' in banner
    heading = message(app, "zh", "May we record your visits?")
    accept, decline = message(app, "zh", "Accept"), message(app, "zh", "Decline")
    assert f'<h2 id="consent-banner-title">{heading}</h2>' in banner
    buttons = buttons_of(banner)
    assert [(b.get("value"), b["label"]) for b in buttons] == [("yes", accept), ("no", decline)]
    assert buttons[0].get("class") == buttons[1].get("class")
    assert_translated(app, "zh", "May we record your visits?")
    assert "May we record your visits?" not in banner
    assert ">Accept<" not in banner and ">Decline<" not in banner


def test_the_banner_is_not_on_the_consent_settings_page_itself(client):
    page = get(client, "/en/privacy/consent").get_data(as_text=True)
    assert BANNER not in page
    assert 'name="analytics"' in page and 'value="yes"' in page and 'value="no"' in page


def test_before_any_choice_only_strictly_necessary_cookies_are_set(app, client, make_product):
    product = make_product()
    responses = [get(client, path) for path in
                 ("/en/", "/en/products", f"/en/products/{product.slug}", "/zh/privacy", "/en/privacy/consent",
                  "/en/privacy/my-data", "/en/privacy/my-data.json")]
    responses.append(client.post("/en/cart/items", data={"product_id": product.id, "quantity": "1"},
                                 headers={"User-Agent": UA}))
    responses.append(get(client, "/en/cart"))
    assert all(r.status_code in (200, 303) for r in responses), [r.status_code for r in responses]
    names = set()
    for response in responses:
        names |= set(set_cookies(response))
    assert names <= STRICTLY_NECESSARY, names
    assert {"session", "lang", "cart"} <= names  # the test did set them: the check above means something
    assert client.get_cookie("visitor") is None and client.get_cookie("consent") is None
    # Nothing about the browser is kept; page views are only counted.
    assert count(app, VisitRecord) == 0
    assert count(app, PageCount) > 0
    assert ledger(app) == []
    assert my_data(client) == {"consent": {"analytics": None, "policy_version": None, "decided_at": None},
                               "visitor": None}


# Accepting ---------------------------------------------------------------------------------------------


def test_accepting_from_the_banner_sets_the_cookies_writes_the_ledger_and_hides_the_banner(app, client):
    get(client, "/en/products")
    response = decide(client, "yes", source="banner", next="/en/products?page=2")
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/products?page=2"
    cookies = set_cookies(response)
    assert {"consent", "visitor"} <= set(cookies)
    for name in ("consent", "visitor"):
        assert "HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name] and not deleted(cookies[name])
    assert "Max-Age=31536000" in cookies["consent"]
    [entry] = ledger(app)
    assert (entry.analytics, entry.source, entry.policy_version) == (True, "banner", 1)
    assert (entry.shown_language, entry.prevailing_language) == ("en", "zh")
    assert entry.prev_hash == "0" * 64 and len(entry.hash) == 64
    decision = consent_cookie(app, client)
    assert decision["id"] == entry.visitor and decision["a"] is True and decision["v"] == 1
    assert count(app, ConsentLink) == 0  # nobody was signed in

    page = get(client, "/en/products").get_data(as_text=True)
    assert BANNER not in page
    data = my_data(client)
    assert data["consent"]["analytics"] is True and data["consent"]["policy_version"] == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data["consent"]["decided_at"])
    assert data["visitor"]["page_views"] == 1  # the page after accepting was recorded (my-data.json is not HTML)
    assert data["visitor"]["browser"] == "Chrome" and data["visitor"]["site_language"] == "en"
    assert len(visit_records(app)) == 1


@pytest.mark.parametrize("source, recorded", [("banner", "banner"), (None, "settings"), ("settings", "settings"),
                                              ("forget", "settings"), ("x" * 5000, "settings")])
def test_the_ledger_records_where_the_choice_was_made(app, client, source, recorded):
    fields = {} if source is None else {"source": source}
    assert decide(client, "no", **fields).status_code == 303
    [entry] = ledger(app)
    assert entry.source == recorded and entry.analytics is False


def test_a_choice_on_a_chinese_page_records_the_language_shown(app, client):
    response = decide(client, "yes", lang="zh", source="banner", next="/zh/cart")
    assert response.status_code == 303 and response.headers["Location"] == "/zh/cart"
    [entry] = ledger(app)
    assert (entry.shown_language, entry.prevailing_language, entry.policy_version) == ("zh", "zh", 1)


def test_the_ledger_records_the_prevailing_language_of_the_settings(make_app):
    app = make_app(PREVAILING_LOCALE="en")
    client = app.test_client()
    assert decide(client, "yes", lang="zh").status_code == 303
    [entry] = ledger(app)
    assert (entry.shown_language, entry.prevailing_language) == ("zh", "en")


def test_without_next_the_answer_goes_to_the_settings_page_which_shows_the_choice(client):
    response = decide(client, "yes")
    assert response.status_code == 303 and response.headers["Location"] == "/en/privacy/consent"
    page = client.get(response.headers["Location"])
    assert page.headers["Cache-Control"] == "no-store"
    form = page.get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="yes"|<input[^>]*value="yes"[^>]*checked', form)
    assert not re.search(r'<input[^>]*checked[^>]*value="no"|<input[^>]*value="no"[^>]*checked', form)


def test_changing_the_choice_keeps_the_consent_id_and_chains_the_entries(app, client):
    decide(client, "yes")
    decide(client, "no")
    decide(client, "yes")
    entries = ledger(app)
    assert [e.analytics for e in entries] == [True, False, True]
    assert len({e.visitor for e in entries}) == 1
    assert entries[1].prev_hash == entries[0].hash and entries[2].prev_hash == entries[1].hash
    with app.app_context():
        assert verify_ledger().ok


# Declining ----------------------------------------------------------------------------------------------


def test_declining_on_a_fresh_browser_sets_no_visitor_cookie_and_records_nothing(app, client):
    response = decide(client, "no", source="banner", next="/en/")
    assert response.status_code == 303 and response.headers["Location"] == "/en/"
    cookies = set_cookies(response)
    assert "consent" in cookies and "visitor" not in cookies
    [entry] = ledger(app)
    assert entry.analytics is False
    for path in ("/en/", "/en/products", "/zh/privacy"):
        page = get(client, path)
        assert BANNER not in page.get_data(as_text=True)
        assert "visitor" not in set_cookies(page)
    assert client.get_cookie("visitor") is None
    assert count(app, VisitRecord) == 0
    data = my_data(client)
    assert data["consent"]["analytics"] is False and data["consent"]["policy_version"] == 1
    assert data["consent"]["decided_at"] is not None and data["visitor"] is None


def test_declining_after_accepting_deletes_the_visit_record_and_the_visitor_cookie(app, client):
    decide(client, "yes")
    get(client, "/en/")
    get(client, "/en/products")
    [record] = visit_records(app)
    assert record.page_views == 2
    response = decide(client, "no", next="/en/")
    assert response.status_code == 303
    assert deleted(set_cookies(response)["visitor"])
    assert client.get_cookie("visitor") is None
    assert count(app, VisitRecord) == 0
    get(client, "/en/products")
    assert count(app, VisitRecord) == 0
    data = my_data(client)
    assert data["consent"]["analytics"] is False and data["visitor"] is None
    assert [e.analytics for e in ledger(app)] == [True, False]


def test_a_visitor_cookie_without_consent_counts_nothing(app, client):
    decide(client, "yes")
    get(client, "/en/")
    token = client.get_cookie("visitor").value
    client.delete_cookie("consent")
    get(client, "/en/products")
    get(client, "/en/")
    [record] = visit_records(app)
    assert record.page_views == 1
    assert client.get_cookie("visitor").value == token


# Refused input -----------------------------------------------------------------------------------------


BAD_ANSWERS = {
    "missing": {},
    "empty": {"analytics": ""},
    "maybe": {"analytics": "maybe"},
    "upper case": {"analytics": "YES"},
    "padded": {"analytics": " yes"},
    "list": {"analytics": ["yes", "no"]},
    "reversed list": {"analytics": ["no", "yes"]},
    "NUL": {"analytics": "yes\x00"},
    "only NUL": {"analytics": "\x00"},
    "long": {"analytics": "y" * 100_000},
}


def assert_refused(app, client, response, lang: str, case: str) -> None:
    assert response.status_code == 422, (case, response.status_code, response.headers.get("Location"))
    page = response.get_data(as_text=True)
    error = message(app, lang, CHOOSE)
    fieldset = re.search(r'<fieldset class="field field-invalid" aria-describedby="analytics-error">(.*?)</fieldset>',
                         page, re.DOTALL)
    assert fieldset, f"{case}: the field is not marked invalid"
    assert f'<p class="error" id="analytics-error">{error}</p>' in fieldset.group(1), case
    assert page.count('id="analytics-error"') == 1
    assert f'value="/{lang}/cart"' in page, case  # where to go afterwards is kept for the next try
    assert "\x00" not in page
    assert response.headers["Cache-Control"] == "no-store"
    assert ledger(app) == [], case
    assert not {"consent", "visitor"} & set(set_cookies(response)), case
    assert client.get_cookie("consent") is None


@pytest.mark.parametrize("case", list(BAD_ANSWERS))
def test_a_bad_answer_is_refused_with_the_message_next_to_the_field(app, client, case):
    get(client, "/en/")
    response = client.post("/en/privacy/consent", data={**BAD_ANSWERS[case], "next": "/en/cart"},
                           headers={"User-Agent": UA})
    assert_refused(app, client, response, "en", case)


def test_bad_answers_on_chinese_pages_get_the_chinese_message(app, client):
    for case, data in BAD_ANSWERS.items():
        if case.endswith("list"):
            continue  # test_a_bad_answer_is_refused_with_the_message_next_to_the_field covers those
        response = client.post("/zh/privacy/consent", data={**data, "next": "/zh/cart"}, headers={"User-Agent": UA})
        assert_refused(app, client, response, "zh", case)


def test_a_bad_answer_in_chinese_is_not_in_english(app, client):
    response = decide(client, "maybe", lang="zh")
    assert response.status_code == 422
    assert_translated(app, "zh", CHOOSE)
    assert CHOOSE not in response.get_data(as_text=True)


def test_a_bad_answer_keeps_an_earlier_decision(app, client):
    decide(client, "yes")
    before = client.get_cookie("consent").value
    response = decide(client, "perhaps")
    assert response.status_code == 422
    assert client.get_cookie("consent").value == before
    assert [e.analytics for e in ledger(app)] == [True]


def test_nul_bytes_elsewhere_do_not_break_the_answer(app, client):
    response = decide(client, "no", next="/en/\x00cart", source="ban\x00ner")
    assert response.status_code in (303, 422)
    assert response.status_code != 500
    if response.status_code == 303:
        assert "\x00" not in response.headers["Location"] and response.headers["Location"].startswith("/en/")
        [entry] = ledger(app)
        assert entry.source == "settings"


# Where the answer leads ---------------------------------------------------------------------------------


OFF_SITE = ["https://evil.example/", "//evil.example/", "///evil.example/", "/\\evil.example/", "\\\\evil.example",
            "http:evil.example", "javascript:alert(1)", "https:/evil.example", " //evil.example",
            "/en/\r\nLocation: https://evil.example", "//evil.example@shop.test/", "\t//evil.example", "/\t/evil.example",
            "http://shop.test.evil.example/en/"]


def test_next_never_leaves_the_site(app, client):
    wrong = {}
    for target in OFF_SITE:
        response = decide(client, "yes", next=target)
        location = response.headers.get("Location", "")
        parts = urlsplit(location)
        if (response.status_code != 303 or parts.scheme or parts.netloc or not location.startswith("/")
                or location.startswith(("//", "/\\")) or "evil.example" in location
                or location != "/en/privacy/consent"):
            wrong[target] = (response.status_code, location)
    assert not wrong
    assert len(ledger(app)) == len(OFF_SITE)  # the choice is still recorded every time


def test_a_same_site_next_with_a_query_is_kept(client):
    response = decide(client, "no", next="/zh/products?q=lens&page=2")
    assert response.headers["Location"] == "/zh/products?q=lens&page=2"


# CSRF ------------------------------------------------------------------------------------------------------


def csrf_token_of(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', page).group(1)


def test_with_csrf_protection_a_post_without_a_token_is_refused_and_writes_nothing(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = get(client, "/en/").get_data(as_text=True)
    response = decide(client, "yes", source="banner", next="/en/")
    assert response.status_code == 400
    assert ledger(app) == []
    assert not {"consent", "visitor"} & set(set_cookies(response))
    assert decide(client, "yes", csrf_token="not-a-token").status_code == 400
    assert client.post("/en/privacy/forget", headers={"User-Agent": UA}).status_code == 400
    assert ledger(app) == []
    # The banner's own token works (the test would pass for the wrong reason otherwise).
    token = csrf_token_of(banner_of(page))
    response = decide(client, "yes", source="banner", next="/en/", csrf_token=token)
    assert response.status_code == 303
    assert len(ledger(app)) == 1


def test_with_csrf_protection_acknowledging_without_a_token_is_refused(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    user = make_user()
    login = get(client, "/en/account/login").get_data(as_text=True)
    signed = client.post("/en/account/login", data={"email": user.email, "password": user.password,
                                                    "csrf_token": csrf_token_of(login)})
    assert signed.status_code == 303
    assert client.post("/en/privacy/acknowledge", data={"next": "/en/"}).status_code == 400
    assert count(app, PolicyAcknowledgement) == 0


# Privacy signals ---------------------------------------------------------------------------------------------


SIGNALS = [{"Sec-GPC": "1"}, {"DNT": "1"}, {"Sec-GPC": " 1 "}]


@pytest.mark.parametrize("signal", SIGNALS, ids=["gpc", "dnt", "gpc-spaces"])
def test_a_privacy_signal_is_a_refusal_without_a_banner(app, client, signal):
    for path in ("/en/", "/en/products", "/zh/privacy"):
        response = get(client, path, **signal)
        assert response.status_code == 200
        assert BANNER not in response.get_data(as_text=True)
        assert not {"visitor", "consent"} & set(set_cookies(response))
    assert count(app, VisitRecord) == 0
    assert ledger(app) == []
    assert my_data(client, **signal) == {"consent": {"analytics": False, "policy_version": None, "decided_at": None},
                                         "visitor": None}
    settings = get(client, "/en/privacy/consent", **signal).get_data(as_text=True)
    assert "Global Privacy Control" in settings and "visits are not recorded." in settings


@pytest.mark.parametrize("signal", SIGNALS[:2], ids=["gpc", "dnt"])
def test_an_explicit_accept_overrides_the_signal(app, client, signal):
    get(client, "/en/", **signal)
    response = decide(client, "yes", headers=signal, next="/en/")
    assert response.status_code == 303
    assert "visitor" in set_cookies(response)
    get(client, "/en/", **signal)
    get(client, "/en/products", **signal)
    [record] = visit_records(app)
    assert record.page_views == 2
    data = my_data(client, **signal)
    assert data["consent"]["analytics"] is True and data["visitor"]["page_views"] == 2
    [entry] = ledger(app)
    assert entry.analytics is True


def test_a_signal_with_another_value_does_not_count_as_refusal(client):
    for headers in ({"Sec-GPC": "0"}, {"DNT": "0"}, {"DNT": "null"}, {"Sec-GPC": "11"}):
        assert BANNER in get(client, "/en/", **headers).get_data(as_text=True), headers


# A tampered consent cookie ---------------------------------------------------------------------------------------


def tampered_values(app, real: str) -> dict[str, str]:
    signer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="storefront-consent")
    other = URLSafeTimedSerializer("some other secret", salt="storefront-consent")
    payload, signature = real.rsplit(".", 1)
    good_id = signer.loads(real)["id"]
    # The first character of the signature: all its bits count (the last one's low bits are padding).
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return {
        "bad signature": f"{payload}.{flipped}",
        "no signature": payload,
        "other key": other.dumps({"id": good_id, "a": True, "v": 1, "t": 1_700_000_000}),
        "garbage": "garbage-not-a-cookie",
        "dots": "....",
        "binary": "%00%ff%fe\\x00",
        "oversized": signer.dumps({"id": good_id, "a": True, "v": 1, "t": 1_700_000_000, "pad": secrets.token_hex(300)}),
        "oversized garbage": "A" * 4000,
        "wrong shape": signer.dumps(["yes"]),
        "short id": signer.dumps({"id": "short", "a": True, "v": 1, "t": 1_700_000_000}),
        "analytics as text": signer.dumps({"id": good_id, "a": "yes", "v": 1, "t": 1_700_000_000}),
        "version as text": signer.dumps({"id": good_id, "a": True, "v": "1", "t": 1_700_000_000}),
        "no time": signer.dumps({"id": good_id, "a": True, "v": 1}),
    }


def test_a_tampered_consent_cookie_counts_as_undecided(app, client):
    decide(client, "yes")
    get(client, "/en/")
    real = client.get_cookie("consent").value
    [record] = visit_records(app)
    assert record.page_views == 1
    for name, value in tampered_values(app, real).items():
        client.set_cookie("consent", value)
        response = get(client, "/en/products")
        assert response.status_code == 200, name
        assert BANNER in response.get_data(as_text=True), name
        assert my_data(client)["consent"] == {"analytics": None, "policy_version": None, "decided_at": None}, name
        settings = get(client, "/en/privacy/consent")
        assert settings.status_code == 200, name
        assert "not decided yet" in settings.get_data(as_text=True), name
    # None of those pages was recorded in the visit record although the visitor cookie was still there.
    [record] = visit_records(app)
    assert record.page_views == 1
    # A new decision made with a tampered cookie gets a new consent id, not the forged one.
    client.set_cookie("consent", tampered_values(app, real)["other key"])
    assert decide(client, "no").status_code == 303
    entries = ledger(app)
    assert len(entries) == 2 and entries[1].visitor != entries[0].visitor


# Signed in -------------------------------------------------------------------------------------------------------


def test_a_signed_in_decision_is_linked_to_the_account(app, client, signed_in):
    decide(client, "yes")
    decide(client, "no")
    with app.app_context():
        links = db.session.execute(select(ConsentLink.entry_id, ConsentLink.user_id).order_by(ConsentLink.entry_id)).all()
    entries = ledger(app)
    assert [(link.entry_id, link.user_id) for link in links] == [(e.id, signed_in.id) for e in entries]
    history = client.get("/en/account/privacy")
    assert history.status_code == 200


def test_an_anonymous_decision_is_not_linked_and_signing_in_later_does_not_link_it(app, client, make_user, auth):
    decide(client, "yes")
    user = make_user()
    assert auth.login(user.email).status_code == 303
    assert count(app, ConsentLink) == 0
    decide(client, "no")
    with app.app_context():
        assert db.session.scalars(select(ConsentLink.user_id)).all() == [user.id]


# Acknowledging a policy version ---------------------------------------------------------------------------------------


def publish_material(app) -> int:
    with app.app_context(), write_transaction():
        version = publish_version({"en": {"body": "Version two.", "summary": "We changed things."},
                                   "zh": {"body": "第二版。", "summary": "我们作了修改。"}}, material=True)
        db.session.commit()
        return version.number


def acknowledgements(app) -> list[tuple[int, int]]:
    with app.app_context():
        return db.session.execute(select(PolicyAcknowledgement.user_id, PolicyAcknowledgement.version)).all()


def test_acknowledging_anonymously_is_forbidden(app, client):
    response = client.post("/en/privacy/acknowledge", data={"next": "/en/"})
    assert response.status_code == 403
    assert acknowledgements(app) == []


def test_acknowledging_records_the_version_in_force_and_returns_to_next(app, client, signed_in):
    response = client.post("/en/privacy/acknowledge", data={"next": "/en/cart"})
    assert response.status_code == 303 and response.headers["Location"] == "/en/cart"
    assert acknowledgements(app) == [(signed_in.id, 1)]
    again = client.post("/en/privacy/acknowledge", data={"next": "https://evil.example/"})
    assert again.status_code == 303 and again.headers["Location"] == "/en/privacy"
    assert acknowledgements(app) == [(signed_in.id, 1)]  # once per version


def test_the_reminder_shows_after_a_material_change_until_acknowledged(app, client, signed_in):
    assert "policy-reminder" not in get(client, "/en/").get_data(as_text=True)
    number = publish_material(app)
    page = get(client, "/en/products").get_data(as_text=True)
    assert '<section class="notice-bar policy-reminder"' in page
    assert f'href="/en/privacy/versions/{number}?diff={number - 1}"' in page
    response = client.post("/en/privacy/acknowledge", data={"next": "/en/products"})
    assert response.status_code == 303 and response.headers["Location"] == "/en/products"
    assert acknowledgements(app) == [(signed_in.id, number)]
    assert "policy-reminder" not in get(client, "/en/products").get_data(as_text=True)


def test_a_material_change_voids_earlier_consent_until_accepted_again(app, client):
    decide(client, "yes")
    get(client, "/en/")
    [record] = visit_records(app)
    assert record.page_views == 1
    number = publish_material(app)
    page = get(client, "/en/products").get_data(as_text=True)
    assert BANNER in page
    get(client, "/en/")
    assert visit_records(app)[0].page_views == 1  # counting stopped
    assert my_data(client)["consent"]["analytics"] is None
    decide(client, "yes")
    get(client, "/en/")
    assert visit_records(app)[0].page_views == 2
    assert [e.policy_version for e in ledger(app)] == [1, number]
    assert BANNER not in get(client, "/en/").get_data(as_text=True)


# Forgetting a browser ---------------------------------------------------------------------------------------------------


def test_forgetting_deletes_the_record_resets_the_choice_and_writes_the_ledger(app, client):
    decide(client, "yes")
    get(client, "/en/")
    get(client, "/en/products")
    assert len(visit_records(app)) == 1
    consent_id = consent_cookie(app, client)["id"]
    response = client.post("/en/privacy/forget", headers={"User-Agent": UA})
    assert response.status_code == 303 and response.headers["Location"] == "/en/privacy/my-data"
    cookies = set_cookies(response)
    assert deleted(cookies["consent"]) and deleted(cookies["visitor"])
    assert client.get_cookie("consent") is None and client.get_cookie("visitor") is None
    assert count(app, VisitRecord) == 0
    entries = ledger(app)
    assert len(entries) == 2
    last = entries[-1]
    assert (last.analytics, last.source, last.visitor, last.policy_version) == (None, "forget", consent_id, 1)
    assert last.prev_hash == entries[0].hash
    assert my_data(client) == {"consent": {"analytics": None, "policy_version": None, "decided_at": None},
                               "visitor": None}
    assert BANNER in get(client, "/en/").get_data(as_text=True)
    assert count(app, VisitRecord) == 0
    with app.app_context():
        assert verify_ledger().ok


def test_forgetting_a_browser_that_never_chose_writes_no_entry(app, client):
    get(client, "/en/")
    response = client.post("/en/privacy/forget", headers={"User-Agent": UA})
    assert response.status_code == 303
    assert ledger(app) == []


def test_forgetting_when_signed_in_links_the_entry_to_the_account(app, client, signed_in):
    decide(client, "yes")
    client.post("/en/privacy/forget", headers={"User-Agent": UA})
    with app.app_context():
        assert db.session.scalars(select(ConsentLink.user_id)).all() == [signed_in.id, signed_in.id]


# Declining never stands in the way ------------------------------------------------------------------------------------


def test_declining_never_blocks_browsing_registering_or_buying(app, client, make_product):
    product = make_product(stock=5)
    assert decide(client, "no", source="banner", next="/en/").status_code == 303
    for path in ("/en/", "/en/products", f"/en/products/{product.slug}", "/en/privacy", "/en/account/register"):
        assert get(client, path).status_code == 200, path
    added = client.post("/en/cart/items", data={"product_id": product.id, "quantity": "2"}, headers={"User-Agent": UA})
    assert added.status_code == 303 and added.headers["Location"] == "/en/cart"
    with app.app_context():
        assert db.session.scalar(select(func.sum(CartItem.quantity))) == 2
    assert product.slug in get(client, "/en/cart").get_data(as_text=True)
    registered = client.post("/en/account/register", data={"email": "decliner@example.com", "password": PASSWORD,
                                                           "password_confirm": PASSWORD}, headers={"User-Agent": UA})
    assert registered.status_code == 303, registered.status_code
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.email == "decliner@example.com")) is not None
    assert count(app, VisitRecord) == 0
    assert client.get_cookie("visitor") is None


# Deleting the account forgets the browser ------------------------------------------------------------------------------


UNDECIDED = {"consent": {"analytics": None, "policy_version": None, "decided_at": None}, "visitor": None}


@pytest.mark.parametrize("analytics", ["yes", "no"])
def test_deleting_the_account_deletes_the_consent_and_visitor_cookies(app, client, signed_in, analytics):
    decide(client, analytics)
    get(client, "/en/")
    get(client, "/en/products")
    assert client.get_cookie("consent") is not None
    assert (client.get_cookie("visitor") is not None) == (analytics == "yes")
    response = client.post("/en/account/delete", data={"password": PASSWORD}, headers={"User-Agent": UA})
    assert response.status_code == 303, response.status_code
    cookies = set_cookies(response)
    assert "consent" in cookies and deleted(cookies["consent"]), cookies
    assert "visitor" in cookies and deleted(cookies["visitor"]), cookies
    assert client.get_cookie("consent") is None and client.get_cookie("visitor") is None
    receipt = get(client, response.headers["Location"])
    assert receipt.status_code == 200
    assert BANNER in receipt.get_data(as_text=True)  # the very next page asks again
    assert BANNER in get(client, "/en/products").get_data(as_text=True)
    assert count(app, VisitRecord) == 0  # nothing is recorded for the erased person's browser
    assert my_data(client) == UNDECIDED


# Rate limits on decisions -----------------------------------------------------------------------------------------------


@pytest.fixture
def limited(make_app):
    """Rate limits on (the other tests run without); built last, as the limiter is shared."""
    return make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URL="memory://")


def assert_too_many(app, response, lang: str) -> None:
    assert response.status_code == 429, response.status_code
    assert response.mimetype == "text/html"
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert message(app, lang, "Too many requests") in page
    if lang != "en":
        assert_translated(app, lang, "Too many requests")
        assert "Too many requests" not in page
    assert not {"consent", "visitor"} & set(set_cookies(response))


def test_the_61st_consent_decision_from_one_address_in_an_hour_is_refused(limited):
    client = limited.test_client()
    for n in range(60):
        response = decide(client, ("yes", "no")[n % 2], lang=("en", "zh")[n % 2])
        assert response.status_code == 303, (n, response.status_code)
    assert len(ledger(limited)) == 60
    before = client.get_cookie("consent").value
    response = decide(client, "yes", lang="zh")
    assert_too_many(limited, response, "zh")
    assert len(ledger(limited)) == 60  # the refused decision is not in the ledger
    assert client.get_cookie("consent").value == before
    assert get(client, "/en/privacy/consent").status_code == 200  # reading the settings is not limited
    other = limited.test_client()
    response = other.post("/en/privacy/consent", data={"analytics": "no"},
                          environ_base={"REMOTE_ADDR": "198.51.100.7", "HTTP_USER_AGENT": UA})
    assert response.status_code == 303  # another address is not blocked
    assert len(ledger(limited)) == 61


def test_the_61st_forget_from_one_address_in_an_hour_is_refused(limited):
    client = limited.test_client()
    assert decide(client, "yes").status_code == 303
    decision = client.get_cookie("consent").value
    for n in range(60):
        client.set_cookie("consent", decision)  # forgetting deletes it; each forget writes an entry
        response = client.post(f"/{('en', 'zh')[n % 2]}/privacy/forget", headers={"User-Agent": UA})
        assert response.status_code == 303, (n, response.status_code)
    assert len(ledger(limited)) == 61
    client.set_cookie("consent", decision)
    response = client.post("/en/privacy/forget", headers={"User-Agent": UA})
    assert_too_many(limited, response, "en")
    assert len(ledger(limited)) == 61
    assert client.get_cookie("consent").value == decision  # nothing was reset either
    client.set_cookie("consent", decision)
    assert_too_many(limited, client.post("/zh/privacy/forget", headers={"User-Agent": UA}), "zh")
    assert len(ledger(limited)) == 61


# An old consent cookie ---------------------------------------------------------------------------------------------------


def signed_ago(app, seconds: int, payload) -> str:
    """The consent cookie value the app would have signed `seconds` ago."""
    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - seconds

    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="storefront-consent", signer=Earlier).dumps(payload)


def test_a_consent_cookie_signed_more_than_a_year_ago_counts_as_undecided(app, client):
    decide(client, "yes")
    get(client, "/en/")
    consent_id = consent_cookie(app, client)["id"]
    assert visit_records(app)[0].page_views == 1
    day = 24 * 3600

    def payload(age):
        return {"id": consent_id, "a": True, "v": 1, "t": int(time.time()) - age}

    # Almost a year old: still the browser's decision (the forged clock works and is believed).
    client.set_cookie("consent", signed_ago(app, 364 * day, payload(364 * day)))
    assert BANNER not in get(client, "/en/products").get_data(as_text=True)
    assert visit_records(app)[0].page_views == 2
    assert my_data(client)["consent"]["analytics"] is True
    # Older than the cookie's own year: a copy kept past its expiry no longer counts.
    for age in (366 * day, 5 * 365 * day):
        client.set_cookie("consent", signed_ago(app, age, payload(age)))
        page = get(client, "/en/products").get_data(as_text=True)
        assert BANNER in page, age
        assert my_data(client)["consent"] == UNDECIDED["consent"], age
        # A recent decision time in the payload does not help: the signature's time counts.
        client.set_cookie("consent", signed_ago(app, age, payload(0)))
        assert BANNER in get(client, "/en/").get_data(as_text=True), age
    assert visit_records(app)[0].page_views == 2  # nothing counted with the expired cookie


# A double acknowledgement -----------------------------------------------------------------------------------------------


def test_acknowledging_twice_at_once_records_one_acknowledgement(app, make_user):
    users = [make_user() for _ in range(4)]
    clients = []
    for user in users:
        for _ in range(2):  # two tabs, or a double click, of each customer
            tab = app.test_client()
            assert tab.post("/en/account/login", data={"email": user.email, "password": PASSWORD}).status_code == 303
            clients.append(tab)
    barrier = threading.Barrier(len(clients))

    def post(tab):
        try:
            barrier.wait(timeout=30)
        except threading.BrokenBarrierError:
            pass
        response = tab.post("/en/privacy/acknowledge", data={"next": "/en/cart"}, headers={"User-Agent": UA})
        return response.status_code, response.headers.get("Location")

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        results = list(pool.map(post, clients))
    assert results == [(303, "/en/cart")] * len(clients)
    assert sorted(acknowledgements(app)) == sorted((user.id, 1) for user in users)


def test_an_acknowledgement_that_loses_the_race_is_harmless(app, make_user):
    """Another request commits the same acknowledgement between this one's check and its insert."""
    if not PG_URL:
        pytest.skip("SQLite runs a POST's transaction as BEGIN IMMEDIATE: no other writer gets in between")
    user = make_user()
    fired = []
    with app.app_context():
        engine = db.engine

        def rival(conn, cursor, statement, parameters, context, executemany):
            if fired or not statement.lstrip().lower().startswith("insert into policy_acknowledgement"):
                return
            fired.append(statement)
            with engine.connect() as other:
                other.execute(PolicyAcknowledgement.__table__.insert().values(user_id=user.id, version=1,
                                                                              created_at=utcnow()))
                other.commit()

        event.listen(engine, "before_cursor_execute", rival)
        try:
            recorded = acknowledge(user.id, policy_state())
            db.session.commit()  # the session is still usable: only the savepoint was rolled back
        finally:
            event.remove(engine, "before_cursor_execute", rival)
    assert fired and recorded is False
    assert acknowledgements(app) == [(user.id, 1)]
    with app.app_context():  # and a third attempt finds the row
        assert acknowledge(user.id, policy_state()) is False
