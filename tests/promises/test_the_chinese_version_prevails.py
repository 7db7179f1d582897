"""Promise: "the Chinese version prevails".

What these tests prove: the English policy page says, above the policy text and in bold, that the
Chinese version prevails, and links to it (/zh/privacy); the Chinese page carries no such notice; both
texts are stored for every version (publishing one without the other is refused) and each language's
page shows its own text, for the version in force and for earlier ones; every consent decision in the
ledger records the prevailing language (zh) beside the language the visitor was shown; and the
notice follows the setting: with PREVAILING_LOCALE="en" it moves to the Chinese page (in Chinese,
linking to /en/privacy) and decisions record "en".
"""

import pytest
from sqlalchemy import func, select

from storefront.database import write_transaction
from storefront.extensions import db
from storefront.privacy.consent import ConsentEntry, verify_ledger
from storefront.privacy.policy import PolicyError, PolicyText, PolicyVersion, publish_version
from tests.promises.conftest import Browser

EN_NOTICE = "The Chinese version of this policy prevails."


def notice(page: str) -> str | None:
    """The prevailing-language notice of a policy page, if it has one."""
    if 'class="note prevailing-notice"' not in page:
        return None
    return page.split('class="note prevailing-notice"', 1)[1].split("</p>", 1)[0]


def publish(app, texts, *, material=False) -> int:
    with app.app_context():
        with write_transaction():
            version = publish_version(texts, material=material)
            db.session.commit()
            return version.number


def test_the_english_policy_says_prominently_that_the_chinese_version_prevails(client):
    page = client.get("/en/privacy")
    assert page.status_code == 200
    shown = notice(page.text)
    assert shown is not None
    assert f"<strong>{EN_NOTICE}</strong>" in shown
    assert 'href="/zh/privacy"' in shown and 'hreflang="zh-Hans"' in shown
    # Prominent: before the policy text itself, not in a footnote.
    assert page.text.index("prevailing-notice") < page.text.index('<div lang="en">')
    assert "the Chinese version prevails" in page.text  # the policy text says it too

    chinese = client.get("/zh/privacy")
    assert chinese.status_code == 200 and notice(chinese.text) is None
    assert notice(client.get("/en/privacy/versions/1").text) is not None  # earlier versions too


def test_both_languages_are_stored_for_every_version(app, client):
    with app.app_context():
        first = db.session.scalars(select(PolicyText.locale).join(PolicyVersion).where(PolicyVersion.number == 1))
        assert sorted(first) == ["en", "zh"]
        with pytest.raises(PolicyError) as refused:
            publish_version({"en": {"body": "English only", "summary": "English only"}}, material=False)
        assert set(refused.value.errors) == {"body_zh", "summary_zh"}
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(PolicyVersion)) == 1

    publish(app, {"en": {"body": "Second English text.", "summary": "Shorter."},
                  "zh": {"body": "第二版中文文本。", "summary": "更短。"}})
    with app.app_context():
        second = db.session.scalars(select(PolicyText.locale).join(PolicyVersion).where(PolicyVersion.number == 2))
        assert sorted(second) == ["en", "zh"]

    en, zh = client.get("/en/privacy").text, client.get("/zh/privacy").text
    assert "Second English text." in en and "第二版中文文本。" not in en
    assert "第二版中文文本。" in zh and "Second English text." not in zh
    assert notice(en) is not None and notice(zh) is None
    old_en, old_zh = client.get("/en/privacy/versions/1").text, client.get("/zh/privacy/versions/1").text
    assert "the Chinese version prevails" in old_en and "Second English text." not in old_en
    assert "第二版中文文本。" not in old_zh and old_zh != old_en


def test_each_consent_decision_records_the_prevailing_language_and_the_language_shown(app, make_shopper, rows):
    english, chinese = make_shopper(), make_shopper(languages="zh-CN,zh;q=0.9")
    english.accept(lang="en")
    chinese.decline(lang="zh", next="/zh/")
    assert chinese.post("/zh/privacy/forget").status_code == 303

    entries = rows(ConsentEntry)
    assert [(e.analytics, e.shown_language, e.source) for e in entries] == [
        (True, "en", "banner"), (False, "zh", "banner"), (None, "zh", "forget")]
    assert {e.prevailing_language for e in entries} == {"zh"}
    assert {e.policy_version for e in entries} == {1}
    with app.app_context():
        assert verify_ledger().ok  # the languages are part of what each hash covers


def test_with_english_prevailing_the_notice_moves_to_the_chinese_page(make_app, zh_gettext):
    shop = make_app(PREVAILING_LOCALE="en")
    client = shop.test_client()

    english = client.get("/en/privacy").text
    assert notice(english) is None
    assert "the English version prevails" in english

    chinese = notice(client.get("/zh/privacy").text)
    assert chinese is not None
    expected = zh_gettext("The %(language)s version of this policy prevails.", language=zh_gettext("English"))
    assert f"<strong>{expected}</strong>" in chinese
    assert EN_NOTICE not in chinese
    assert 'href="/en/privacy"' in chinese and 'hreflang="en"' in chinese

    Browser(client).accept(lang="zh", next="/zh/")
    with shop.app_context():
        [entry] = db.session.scalars(select(ConsentEntry)).all()
        assert (entry.prevailing_language, entry.shown_language) == ("en", "zh")
