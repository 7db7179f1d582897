"""Every page the shop links to, in both languages and for each kind of visitor: it answers, it is safe to frame
nowhere, it says its language, it links its twin, a Chinese page shows no English interface text, and none of
its forms is accepted without the CSRF token."""

from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from storefront.i18n import LANGUAGES
from tests.crawler.crawl import form_target
from tests.crawler.database import fingerprint
from tests.crawler.pages import read_page
from tests.crawler.untranslated import Catalogue, checked_texts

ROLES = ("anonymous", "customer", "owner")
# Pages each crawl must have reached in both languages: proof that it got past sign-in and into the data.
REACHED = {
    "anonymous": {"catalog.product_detail", "catalog.category_detail", "policy.version", "cart.order",
                  "support.guest_conversation", "support.contact_sent", "account.password_reset",
                  "account.register", "account.password_reset_sent"},
    "customer": {"catalog.product_detail", "cart.order", "cart.order_history", "cart.checkout",
                 "support.conversation", "account.address_edit", "account.export"},
    "owner": {"admin.edit_product", "admin.order_detail", "admin.customer_detail", "admin.legal_request",
              "admin.legal_request_export", "admin.support_ticket", "admin.staff", "admin.partner_export",
              "admin.policy"},
}
# Pages under /<lang>/account/ that need no account.
OPEN_TO_ALL = {"account.login", "account.register", "account.password_reset_request", "account.password_reset",
               "account.password_reset_sent", "account.confirm", "account.email_confirm"}
# POST routes whose form no crawled page shows: the crawl's accounts are confirmed.
NOT_CRAWLED = {"account.resend_confirmation"}


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue()


def endpoint_of(app, url: str, method: str = "GET") -> str | None:
    try:
        return app.url_map.bind("localhost").match(urlsplit(url).path, method=method)[0]
    except HTTPException:
        return None


def visits(world, role=None):
    for name in ROLES if role is None else (role,):
        yield from ((name, visit) for visit in world.crawls[name].values())


def html_pages(world):
    return [(role, visit) for role, visit in visits(world) if visit.page is not None]


def expected_status(app, role: str, visit) -> tuple[int, str | None]:
    """(status, redirect target) the shop should answer: 200, except that the account and admin areas send
    anonymous visitors to sign in (and back), and the admin refuses the customer its start page."""
    area = urlsplit(visit.url).path.split("/")[2:3]
    if role == "anonymous" and area in (["account"], ["admin"]) and endpoint_of(app, visit.url) not in OPEN_TO_ALL:
        return 302, f"/{visit.lang}/account/login?{urlencode({'next': visit.url})}"
    if role == "customer" and visit.how == "start" and area == ["admin"]:
        return 403, None
    return 200, None


def test_every_area_is_crawled_in_both_languages(world):
    for role, endpoints in REACHED.items():
        reached = {(endpoint_of(world.app, visit.url), visit.lang) for _, visit in visits(world, role)}
        missing = {(endpoint, lang) for endpoint in endpoints for lang in LANGUAGES} - reached
        assert not missing, (role, sorted(missing))
        assert len(world.crawls[role]) > 150, (role, len(world.crawls[role]))


def test_every_link_answers_200_or_the_expected_redirect(world):
    wrong = []
    for role, visit in visits(world):
        status, location = expected_status(world.app, role, visit)
        if visit.status != status or (location and unquote(visit.location) != unquote(location)):
            wrong.append((role, visit.how, visit.url, visit.status, visit.location, "from", visit.source))
    assert not wrong, "\n".join(map(str, wrong))


def test_no_page_links_off_the_site_but_to_an_email_address(world):
    """No CDN, no absolute link to another host (nor to STOREFRONT_BASE_URL, which only emails use)."""
    for role, crawler in world.crawlers.items():
        assert {href for href in crawler.external if not href.startswith("mailto:")} == set(), role
        assert "mailto:" + world.app.config["SHOP_EMAIL"] in crawler.external


def test_every_response_carries_the_security_headers(world):
    wrong = []
    for role, visit in visits(world):
        headers = visit.headers
        if not ("default-src 'self'" in headers.get("Content-Security-Policy", "")
                and headers.get("X-Content-Type-Options") == "nosniff"
                and headers.get("Referrer-Policy")
                and headers.get("X-Frame-Options") == "DENY"):
            wrong.append((role, visit.url, {name: headers.get(name) for name in (
                "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options")}))
    assert not wrong, "\n".join(map(str, wrong))


def test_every_page_says_the_language_of_its_url(world):
    pages = [(role, visit) for role, visit in html_pages(world) if visit.lang]
    assert len(pages) > 300
    wrong = [(role, visit.url, visit.page.lang) for role, visit in pages
             if visit.page.lang != LANGUAGES[visit.lang].html]
    assert not wrong, "\n".join(map(str, wrong))


def twin_of(url: str, lang: str) -> tuple[str, list]:
    parts = urlsplit(url)
    return f"/{lang}/" + parts.path.split("/", 2)[2], sorted(parse_qsl(parts.query, keep_blank_values=True))


def test_every_page_links_its_twins_with_absolute_hreflang_urls(world):
    base = world.app.config["BASE_URL"]
    expected_langs = {language.html: code for code, language in LANGUAGES.items()}
    expected_langs["x-default"] = world.app.config["DEFAULT_LOCALE"]
    wrong = []
    for role, visit in html_pages(world):
        if not visit.lang:
            continue
        links = dict(visit.page.alternates)
        if len(links) != len(visit.page.alternates) or set(links) != set(expected_langs):
            wrong.append((role, visit.url, visit.page.alternates))
            continue
        for hreflang, code in expected_langs.items():
            href = urlsplit(links[hreflang])
            got = (f"{href.scheme}://{href.netloc}", (href.path, sorted(parse_qsl(href.query, keep_blank_values=True))))
            if got != (base, twin_of(visit.url, code)):
                wrong.append((role, visit.url, hreflang, links[hreflang]))
    assert not wrong, "\n".join(map(str, wrong))


def test_chinese_pages_show_no_english_interface_text(world, catalogue):
    found: dict[tuple[str, str], list[str]] = {}
    for _role, visit in html_pages(world):
        if visit.lang == "zh":
            for text, msgid in catalogue.untranslated(checked_texts(visit.page)).items():
                found.setdefault((text, msgid), []).append(visit.url)
    report = [f"{text!r} (msgid {msgid!r}) on {len(urls)} pages, e.g. {urls[0]}"
              for (text, msgid), urls in found.items()]
    assert not report, "\n".join(report)


def test_the_untranslated_text_detector_finds_english_under_a_chinese_label(world, catalogue):
    english = world.crawls["customer"]["/en/cart"].html
    assert 'lang="en"' in english
    page = read_page(english.replace('<html lang="en">', '<html lang="zh-Hans">', 1))
    found = catalogue.untranslated(checked_texts(page))
    assert {"All products", "Privacy policy", "Check out"} <= set(found.values())
    assert found["2 items"] == "%(num)d items"  # a plural with its number filled in (two lenses in the cart)
    assert found["Search lenses, telescopes…"] == "Search lenses, telescopes…"  # a placeholder attribute
    marked = read_page('<html lang="zh-Hans"><title>Cart · 镜头店</title><p>全部商品</p><p lang="en">All products</p>'
                       '<input type="submit" value="Search"><img alt="Lumen 50mm f/1.8 Prime Lens" src="/a.webp">'
                       '</html>')
    # The title's part, a button's value; not English marked as such, nor product data.
    assert catalogue.untranslated(checked_texts(marked)) == {"Cart": "Cart", "Search": "Search"}


def post_forms(world, role):
    """Each distinct POST form the crawl found: (page, form), one per language, endpoint and set of fields."""
    seen = {}
    for visit in world.crawls[role].values():
        for form in visit.page.forms if visit.page else ():
            if form.method == "POST":
                target = form_target(visit.url, form.action)
                key = (visit.lang, endpoint_of(world.app, target, "POST"), frozenset(name for name, _ in form.fields))
                seen.setdefault(key, (visit, form, target))
    return list(seen.values())


def test_every_post_route_has_a_form_on_some_crawled_page(world):
    """So the CSRF check below covers every way to change something, and a form nobody links to is noticed."""
    found = {endpoint_of(world.app, target, "POST") for role in ROLES for _, _, target in post_forms(world, role)}
    routes = {rule.endpoint for rule in world.app.url_map.iter_rules() if "POST" in rule.methods}
    assert routes - found == NOT_CRAWLED
    assert len(routes) > 40


def test_every_post_form_carries_a_csrf_token(world):
    missing = [(role, visit.url, form.action) for role in ROLES for visit, form, _ in post_forms(world, role)
               if not dict(form.fields).get("csrf_token")]
    assert not missing, "\n".join(map(str, missing))


@pytest.mark.parametrize("role", ROLES)
def test_every_post_form_without_its_csrf_token_is_refused_and_changes_nothing(world, role):
    forms = post_forms(world, role)
    assert len(forms) > {"anonymous": 10, "customer": 20, "owner": 40}[role]
    client, wrong = world.clients[role], []
    for visit, form, target in forms:
        before = fingerprint(world.app)
        response = client.post(target, data=MultiDict(form.data(without="csrf_token")),
                               content_type=form.enctype if form.enctype == "multipart/form-data" else None)
        changed = fingerprint(world.app).changed_since(before)
        page = read_page(response.get_data(as_text=True)) if response.mimetype == "text/html" else None
        if response.status_code != 400 or changed or page is None or page.lang != LANGUAGES[visit.lang].html:
            wrong.append((visit.url, target, response.status_code, changed, page and page.lang))
        response.close()
    assert not wrong, "\n".join(map(str, wrong))
