"""The privacy policy pages over HTTP: the version in force, the prevailing-language notice, the
rendered and sanitised body, the list of versions, one version, the comparison of two, the
transparency report, and the footer link to the privacy settings.

Strings that depend on the Chinese catalogue are never written out here: the expected text is
rendered through the app's own compiled translations (`expected`), so these tests hold before and
after the translator's work.
"""

import re
from datetime import UTC, datetime, timedelta
from html import escape

import pytest
from flask import g, render_template_string
from sqlalchemy import select

from storefront.database import utcnow, write_transaction
from storefront.extensions import db
from storefront.privacy import legal
from storefront.privacy.policy import PolicyVersion, publish_version
from storefront.privacy.registry import Person

UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"


def get(client, path, **headers):
    return client.get(path, headers={"User-Agent": UA, **headers})


def expected(app, lang: str, source: str, **context) -> str:
    """A template snippet rendered as the page in `lang` renders it (same catalogue, same filters)."""
    with app.test_request_context(f"/{lang}/privacy"):
        g.lang = lang
        return render_template_string(source, **context)


def main_of(page: str) -> str:
    return page[page.index('<main'):page.index("</main>")]


def footer_of(page: str) -> str:
    return page[page.index('<footer'):page.index("</footer>")]


def publish(app, en_body: str, zh_body: str, *, summary_en="A change.", summary_zh="一处修改。", material=False,
            effective_at=None) -> int:
    with app.app_context(), write_transaction():
        version = publish_version({"en": {"body": en_body, "summary": summary_en},
                                   "zh": {"body": zh_body, "summary": summary_zh}},
                                  material=material, effective_at=effective_at)
        db.session.commit()
        return version.number


def effective_date(app, number: int) -> datetime:
    with app.app_context():
        return db.session.scalar(select(PolicyVersion.effective_at).where(PolicyVersion.number == number))


# The policy in force ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_policy_page_shows_version_one_with_its_title_number_and_effective_date(app, client, lang):
    response = get(client, f"/{lang}/privacy")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    title = expected(app, lang, '{{ _("Privacy policy") }}')
    assert f"<h1>{title}</h1>" in page
    assert f"<title>{title}" in page
    meta = expected(app, lang, "{% trans number=1, date=d|date %}Version {{ number }} · in force from {{ date }}{% endtrans %}",
                    d=effective_date(app, 1))
    assert meta in page
    assert re.search(r"\d{4}", meta)  # the date is really there
    assert f'href="/{lang}/privacy/versions"' in main_of(page)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_policy_body_is_the_text_in_the_page_language(app, client, lang):
    page = main_of(get(client, f"/{lang}/privacy").get_data(as_text=True))
    english, chinese = "This privacy policy explains", "本隐私政策向您说明"
    assert (english in page) == (lang == "en")
    assert (chinese in page) == (lang == "zh")
    assert '<div lang="{}">'.format("en" if lang == "en" else "zh-Hans") in page


def test_the_english_page_says_prominently_that_the_chinese_version_prevails(client):
    page = main_of(get(client, "/en/privacy").get_data(as_text=True))
    notice = re.search(r'<p class="note prevailing-notice"[^>]*>(.*?)</p>', page, re.DOTALL)
    assert notice, "no prevailing-language notice on the English page"
    assert "<strong>The Chinese version of this policy prevails.</strong>" in notice.group(1)
    assert 'href="/zh/privacy"' in notice.group(1)
    # Prominent: before the policy text, not somewhere in or after it.
    assert notice.start() < page.index('<div lang="en">')


def test_the_chinese_page_has_no_notice_when_chinese_prevails(client):
    page = get(client, "/zh/privacy").get_data(as_text=True)
    assert "prevailing-notice" not in page
    assert "The Chinese version of this policy prevails." not in page


def test_when_english_prevails_the_notice_moves_to_the_chinese_page(make_app):
    app = make_app(PREVAILING_LOCALE="en")
    client = app.test_client()
    en = get(client, "/en/privacy").get_data(as_text=True)
    zh = get(client, "/zh/privacy").get_data(as_text=True)
    assert "prevailing-notice" not in en and "prevails." not in main_of(en).split('<div lang="en">')[0]
    heading = expected(app, "zh", '{% trans language=language_name("en") %}The {{ language }} version of this policy prevails.{% endtrans %}')
    notice = re.search(r'<p class="note prevailing-notice"[^>]*>(.*?)</p>', zh, re.DOTALL)
    assert notice, "no prevailing-language notice on the Chinese page"
    assert f"<strong>{heading}</strong>" in notice.group(1)
    assert 'href="/en/privacy"' in notice.group(1)
    assert "The Chinese version of this policy prevails." not in en


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_placeholders_are_filled_from_the_settings(app, client, lang):
    app.config.update(SHOP_NAME="Northlight Optics", LOGISTICS_COMPANY="Kite Couriers",
                      SHOP_EMAIL="privacy@northlight.example", VISIT_RETENTION_DAYS=97)
    body = main_of(get(client, f"/{lang}/privacy").get_data(as_text=True))
    for value in ("Northlight Optics", "Kite Couriers", "privacy@northlight.example", "97"):
        assert value in body, value
    assert "{shop_name}" not in body and "{logistics_company}" not in body
    assert not re.search(r"\{[a-z_]+\}", body), re.findall(r"\{[a-z_]+\}", body)
    assert "Lumen &amp; Lens Optics" not in body  # the default shop name is not in the text


def test_settings_are_written_in_as_text_not_as_markup(app, client):
    app.config["SHOP_NAME"] = "Star *Optics* <b>Bold</b> [link](https://evil.example)"
    body = main_of(get(client, "/en/privacy").get_data(as_text=True))
    assert "Star *Optics* &lt;b&gt;Bold&lt;/b&gt; [link](https://evil.example)" in body
    assert "<em>Optics</em>" not in body and "<b>Bold</b>" not in body
    assert 'href="https://evil.example"' not in body


def tags_in(html: str) -> list[tuple[str, str]]:
    """(name, attributes) of every real tag; escaped text (&lt;script&gt;) is not a tag."""
    return [(name.lower(), attrs) for name, attrs in re.findall(r"<([A-Za-z][A-Za-z0-9]*)\b([^>]*)>", html)]


def assert_harmless(html: str) -> None:
    for name, attrs in tags_in(html):
        assert name not in ("script", "img", "iframe", "object", "embed", "style"), (name, attrs)
        assert not re.search(r"\bon[a-z]+\s*=", attrs, re.IGNORECASE), (name, attrs)
        assert "javascript:" not in attrs.lower(), (name, attrs)


def test_raw_html_in_a_published_version_is_removed_or_escaped(app, client):
    evil = ("Safe paragraph for {shop_name}.\n\n<script>alert('body')</script>\n\n"
            '<img src=x onerror="alert(1)"> <b onclick="steal()">bold</b> [click](javascript:alert(2))\n\n'
            '<iframe src="https://evil.example"></iframe>')
    number = publish(app, evil, evil)
    assert number == 2
    for lang in ("en", "zh"):
        response = get(client, f"/{lang}/privacy")
        assert response.status_code == 200
        body = main_of(response.get_data(as_text=True))
        policy = body[body.index('<div lang="'):]
        assert "Safe paragraph for Lumen &amp; Lens Optics." in policy  # version 2 is the one shown
        assert_harmless(policy)
        assert "&lt;script&gt;" in policy or "alert('body')" not in policy  # escaped as text, or dropped
    # The version page shows the same sanitised rendering, and so do the diff's blocks.
    assert_harmless(main_of(get(client, "/en/privacy/versions/2").get_data(as_text=True)))
    diff = main_of(get(client, "/en/privacy/versions/2?diff=1").get_data(as_text=True))
    assert_harmless(diff)
    assert "&lt;script&gt;alert(" in diff and "<script" not in diff


# Versions -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_versions_page_lists_every_version_with_its_summary(app, client, lang):
    publish(app, "Second text.", "第二版正文。", summary_en="We clarified <retention>.", summary_zh="我们说明了保存期限。")
    publish(app, "Third text.", "第三版正文。", summary_en="Upcoming tweak.", summary_zh="即将生效的修改。",
            effective_at=utcnow() + timedelta(days=10))
    response = get(client, f"/{lang}/privacy/versions")
    assert response.status_code == 200
    page = main_of(response.get_data(as_text=True))
    for number in (1, 2, 3):
        assert f'href="/{lang}/privacy/versions/{number}"' in page
    summaries = {"en": ["The first version of our privacy policy.", escape("We clarified <retention>."), "Upcoming tweak."],
                 "zh": ["本隐私政策的第一版。", "我们说明了保存期限。", "即将生效的修改。"]}[lang]
    for summary in summaries:
        assert summary in page, summary
    assert "<retention>" not in page  # summaries are text, not markup
    # Newest first.
    assert page.index(f"/{lang}/privacy/versions/3") < page.index(f"/{lang}/privacy/versions/2") \
        < page.index(f"/{lang}/privacy/versions/1")
    # Version 2 is in force, 3 is upcoming, 1 is a material change.
    in_force = expected(app, lang, '{{ _("In force") }}')
    upcoming = expected(app, lang, '{{ _("Upcoming") }}')
    item_2 = page[page.index(f"/{lang}/privacy/versions/2\""):page.index(f"/{lang}/privacy/versions/1\"")]
    assert in_force in item_2
    item_3 = page[page.index(f"/{lang}/privacy/versions/3\""):page.index(f"/{lang}/privacy/versions/2\"")]
    assert upcoming in item_3 and in_force not in item_3


def test_an_upcoming_version_is_not_yet_the_policy_in_force(app, client):
    publish(app, "Not yet in force.", "尚未生效。", effective_at=utcnow() + timedelta(days=3))
    page = main_of(get(client, "/en/privacy").get_data(as_text=True))
    assert "This privacy policy explains" in page and "Not yet in force." not in page
    future = main_of(get(client, "/en/privacy/versions/2").get_data(as_text=True))
    assert "Not yet in force." in future and "This version takes effect on" in future


def test_one_version_can_be_read_and_an_unknown_one_is_404(app, client):
    publish(app, "The second text of the policy.", "第二版。")
    old = get(client, "/en/privacy/versions/1")
    assert old.status_code == 200
    old_page = main_of(old.get_data(as_text=True))
    assert "This privacy policy explains" in old_page and "This is an earlier version, no longer in force." in old_page
    new = main_of(get(client, "/en/privacy/versions/2").get_data(as_text=True))
    assert "The second text of the policy." in new and "no longer in force" not in new
    for path in ("/en/privacy/versions/3", "/en/privacy/versions/0", "/zh/privacy/versions/99",
                 "/en/privacy/versions/abc", "/en/privacy/versions/-1", "/en/privacy/versions/1.0"):
        assert get(client, path).status_code == 404, path


@pytest.mark.parametrize("number", ["2147483648", "9223372036854775808", "99999999999999999999"])
def test_a_version_number_too_large_for_the_database_is_404_not_500(client, number):
    # Beyond PostgreSQL's integer and SQLite's 64 bits: nobody can have published it.
    assert get(client, f"/en/privacy/versions/{number}").status_code == 404


# Comparing versions ----------------------------------------------------------------------------------

V2_EN = ("# Privacy\n\nWe keep your data safe.\n\nWe delete visit records after {visit_retention_days} days.\n\n"
         "Parcels go with {logistics_company}.")
V3_EN = ("# Privacy\n\nWe keep your data safe.\n\nWe now also record <your> favourite colour.\n\n"
         "Parcels go with {logistics_company}.")


def test_the_diff_shows_added_and_removed_paragraphs(app, client):
    app.config["LOGISTICS_COMPANY"] = "Kite Couriers"
    publish(app, V2_EN, "第二版。")
    publish(app, V3_EN, "第三版。", summary_en="We record colours.")
    response = get(client, "/en/privacy/versions/3?diff=2")
    assert response.status_code == 200
    page = main_of(response.get_data(as_text=True))
    added = re.findall(r'<ins class="diff-block">(.*?)</ins>', page, re.DOTALL)
    removed = re.findall(r'<del class="diff-block">(.*?)</del>', page, re.DOTALL)
    assert len(added) == 1 and "We now also record &lt;your&gt; favourite colour." in added[0]
    assert len(removed) == 1 and "We delete visit records after 180 days." in removed[0]
    # Unchanged paragraphs are left out (counted), unchanged headings stay to show where changes are.
    assert "We keep your data safe." not in page and "Parcels go with Kite Couriers." not in page
    assert re.findall(r'<p class="diff-skip">(.*?)</p>', page) == ["1 unchanged paragraph", "1 unchanged paragraph"]
    assert re.search(r'<div class="diff-heading">\s*(<h\d>)?Privacy', page)
    assert "We record colours." in page  # the newer version's summary
    assert "<your>" not in page
    # The order of the two numbers does not matter: always from the older to the newer.
    reverse = main_of(get(client, "/en/privacy/versions/2?diff=3").get_data(as_text=True))
    assert re.findall(r'<ins class="diff-block">(.*?)</ins>', reverse, re.DOTALL) == added
    assert re.findall(r'<del class="diff-block">(.*?)</del>', reverse, re.DOTALL) == removed


def test_the_diff_against_version_one_and_in_chinese(app, client):
    publish(app, "Entirely new text.", "全新的正文。\n\n第二段。")
    page = main_of(get(client, "/zh/privacy/versions/2?diff=1").get_data(as_text=True))
    added = re.findall(r'<ins class="diff-block">(.*?)</ins>', page, re.DOTALL)
    removed = re.findall(r'<del class="diff-block">(.*?)</del>', page, re.DOTALL)
    assert any("全新的正文。" in block for block in added) and any("第二段。" in block for block in added)
    assert removed and any("本隐私政策向您说明" in block for block in removed)
    assert not any("Entirely new text." in block for block in added)  # the Chinese texts are compared


def test_the_same_version_compared_with_itself_has_no_changes(app, client):
    page = main_of(get(client, "/en/privacy/versions/1?diff=1").get_data(as_text=True))
    assert "<ins class" not in page and "<del class" not in page
    assert "The texts of these two versions are the same." in page


def test_a_malformed_or_unknown_diff_is_404(app, client):
    answers = {diff: client.get("/en/privacy/versions/1", query_string={"diff": diff}, headers={"User-Agent": UA}).status_code
               for diff in ("abc", "-1", "99999999999", "2", "0", "1.0", "", " 1", "１", "1e3", "0x1", "+1", "1\x00")}
    assert answers == dict.fromkeys(answers, 404)
    assert get(client, "/en/privacy/versions/1?diff=1").status_code == 200  # the well-formed one is fine


def test_a_diff_of_an_unknown_version_is_404(client):
    assert get(client, "/en/privacy/versions/7?diff=1").status_code == 404


# Transparency report -----------------------------------------------------------------------------------


def test_the_transparency_report_says_there_were_no_requests(app, client):
    for lang in ("en", "zh"):
        response = get(client, f"/{lang}/privacy/transparency")
        assert response.status_code == 200
        page = main_of(response.get_data(as_text=True))
        assert expected(app, lang, '{{ _("We have not received any legal request for customer data.") }}') in page
        assert "<table" not in page


def test_the_transparency_report_counts_requests_per_year(app, client, make_user):
    user = make_user()
    person = Person(user.id, user.email, True)

    def request(reference, **extra):
        return legal.record_request(authority="City Police", reference=reference, legal_basis="Section 7",
                                    scope=["visits"], person=person, may_notify=True, **extra)

    with app.app_context(), write_transaction():
        for reference in ("A-1", "A-2"):
            legal.answer_request(request(reference), person)
        legal.refuse_request(request("R-1"))
        request("O-1")  # still open
        last_year = [request("OLD-1"), request("OLD-2"), request("OLD-3")]
        legal.answer_request(last_year[0], person)
        legal.refuse_request(last_year[1])
        legal.refuse_request(last_year[2])
        for n, old in enumerate(last_year):
            old.received_at = datetime(2024, 3 + n, 1, 12, 0, tzinfo=UTC)
        db.session.commit()
    this_year = utcnow().year
    for lang in ("en", "zh"):
        page = main_of(get(client, f"/{lang}/privacy/transparency").get_data(as_text=True))
        assert expected(app, lang, '{{ _("We have not received any legal request for customer data.") }}') not in page
        rows = re.findall(r'<tr><th scope="row">(\d+)</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td></tr>', page)
        assert rows == [(str(this_year), "4", "2", "1"), ("2024", "3", "1", "2")], rows
        assert "City Police" not in page and "A-1" not in page  # counts only


# The footer -----------------------------------------------------------------------------------------------


FOOTER_PAGES = ["/", "/privacy", "/privacy/versions", "/privacy/versions/1", "/privacy/versions/1?diff=1",
                "/privacy/transparency", "/privacy/consent", "/privacy/my-data", "/terms", "/cart"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_has_the_privacy_settings_link_in_its_footer(app, client, lang):
    label = expected(app, lang, '{{ _("Privacy settings") }}')
    missing = []
    for path in FOOTER_PAGES:
        response = get(client, f"/{lang}{path}")
        if response.status_code != 200:
            missing.append((path, response.status_code))
        elif f'<a href="/{lang}/privacy/consent">{label}</a>' not in footer_of(response.get_data(as_text=True)):
            missing.append((path, "no link"))
    assert not missing


def test_the_footer_link_is_there_on_an_error_page_too(app, client):
    response = get(client, "/en/privacy/versions/424242")
    assert response.status_code == 404
    assert '<a href="/en/privacy/consent">Privacy settings</a>' in footer_of(response.get_data(as_text=True))
