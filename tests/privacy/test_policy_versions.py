"""Publishing policy versions: numbering, validation, minor and material changes, reminders and the email."""

import email
import email.policy
import gc
import warnings
from datetime import timedelta
from html import escape
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storefront.database import utcnow
from storefront.extensions import db
from storefront.privacy.policy import (
    BODY_MAX,
    PLACEHOLDERS,
    SUMMARY_MAX,
    PolicyAcknowledgement,
    PolicyError,
    PolicyVersion,
    get_version,
    policy_state,
    publish_version,
)
from storefront.privacy.visits import PageCount, VisitRecord
from tests.conftest import PASSWORD
from tests.privacy.test_visits import CHROME

POLICY_DIR = Path(__file__).resolve().parents[2] / "migrations" / "policy"

EN_ADDED = "We now also keep a record of the delivery photo taken by the logistics company."
ZH_ADDED = "新增段落：物流公司拍摄的送达照片。"  # test data written by this test, not a translation
EN_SUMMARY = "Delivery photos are now kept for 30 days."
ZH_SUMMARY = "送达照片现在保存三十天。"  # test data


def texts(**overrides) -> dict:
    """Version 1's texts with one paragraph added, in both languages."""
    base = {code: (POLICY_DIR / f"v1.{code}.md").read_text(encoding="utf-8") for code in ("en", "zh")}
    values = {
        "en": {"body": base["en"] + "\n\n" + EN_ADDED + "\n", "summary": EN_SUMMARY},
        "zh": {"body": base["zh"] + "\n\n" + ZH_ADDED + "\n", "summary": ZH_SUMMARY},
    }
    for key, value in overrides.items():
        code, field = key.rsplit("_", 1)
        if value is None:
            values[code].pop(field)
        else:
            values[code][field] = value
    return values


@pytest.fixture
def publish(app):
    def publish(material: bool = False, effective_at=None, **overrides) -> int:
        with app.app_context():
            version = publish_version(texts(**overrides), material=material, effective_at=effective_at)
            db.session.commit()
            return version.number

    return publish


@pytest.fixture
def state(app):
    def read():
        with app.app_context():
            return policy_state()

    return read


@pytest.fixture(autouse=True)
def chrome(client):
    client.environ_base["HTTP_USER_AGENT"] = CHROME
    return client


def browser(app):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = CHROME
    return client


def decide(client, choice: str, lang: str = "en"):
    response = client.post(f"/{lang}/privacy/consent", data={"analytics": choice, "source": "banner",
                                                           "next": f"/{lang}/products"})
    assert response.status_code == 303 and response.headers["Location"] == f"/{lang}/products"
    return response


def page(client, path: str = "/en/products") -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.text


def visit_rows(app):
    with app.app_context():
        return [(r.page_views, r.visit_count) for r in db.session.scalars(select(VisitRecord).order_by(VisitRecord.id))]


def total_views(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.coalesce(func.sum(PageCount.views), 0)))


def version_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PolicyVersion))


# Publishing ----------------------------------------------------------------------------------------


def test_version_numbers_increase(app, publish, state):
    assert state().current == 1
    assert publish() == 2
    assert publish(material=True) == 3
    assert publish() == 4
    current = state()
    assert (current.current, current.material) == (4, 3)
    with app.app_context():
        version = get_version(4)
        assert {t.locale: t.summary for t in version.texts} == {"en": EN_SUMMARY, "zh": ZH_SUMMARY}
        assert EN_ADDED in version.text("en").body and ZH_ADDED in version.text("zh").body
        assert not version.material and get_version(3).material


def test_texts_are_stored_without_surrounding_space(app, publish):
    number = publish(en_summary="  Trimmed summary.\n\n", zh_summary="\n" + ZH_SUMMARY + "  ")
    with app.app_context():
        version = get_version(number)
        assert version.text("en").summary == "Trimmed summary."
        assert version.text("zh").summary == ZH_SUMMARY


@pytest.mark.parametrize("overrides, fields", [
    ({"zh_body": None, "zh_summary": None}, {"body_zh", "summary_zh"}),
    ({"en_body": None}, {"body_en"}),
    ({"en_summary": None}, {"summary_en"}),
    ({"zh_body": ""}, {"body_zh"}),
    ({"zh_summary": "   \n  "}, {"summary_zh"}),
    ({"en_body": "x" * (BODY_MAX + 1)}, {"body_en"}),
    ({"zh_summary": "长" * (SUMMARY_MAX + 1)}, {"summary_zh"}),
    ({"en_summary": "Fine\x00but a NUL"}, {"summary_en"}),
    ({"zh_body": "正文\x00"}, {"body_zh"}),
    ({"en_body": "", "en_summary": "", "zh_body": "", "zh_summary": ""},
     {"body_en", "summary_en", "body_zh", "summary_zh"}),
])
def test_invalid_texts_are_refused_with_a_message_per_field(app, publish, outbox, make_user, overrides, fields):
    make_user()  # someone who would be emailed
    with pytest.raises(PolicyError) as raised:
        publish(material=True, **overrides)
    assert set(raised.value.errors) == fields
    assert all(str(message) for message in raised.value.errors.values())
    assert version_count(app) == 1
    assert outbox() == []


def test_a_text_at_the_limit_is_accepted(app, publish):
    assert publish(en_body="y" * BODY_MAX, zh_summary="长" * SUMMARY_MAX) == 2


def test_error_messages_say_what_is_wrong(app, publish):
    with pytest.raises(PolicyError) as raised:
        publish(en_body="", zh_body="x" * (BODY_MAX + 1), en_summary="a\x00b")
    errors = {field: str(message) for field, message in raised.value.errors.items()}
    assert errors["body_en"] == "Please write this text."
    assert str(BODY_MAX) in errors["body_zh"]
    assert errors["summary_en"] == "This text contains characters we cannot store."


def test_a_texts_mapping_without_either_language_is_refused(app):
    with app.app_context(), pytest.raises(PolicyError) as raised:
        publish_version({}, material=False)
    assert set(raised.value.errors) == {"body_en", "summary_en", "body_zh", "summary_zh"}


def test_a_naive_effective_date_is_refused(app, publish):
    with pytest.raises(ValueError):
        publish(effective_at=utcnow().replace(tzinfo=None) + timedelta(days=1))
    assert version_count(app) == 1


# A minor version -----------------------------------------------------------------------------------


def test_a_minor_version_changes_nothing_for_consent_reminders_or_mail(app, client, auth, make_user, publish,
                                                                      outbox, state):
    user = make_user()
    visitor = browser(app)
    decide(visitor, "yes")
    page(visitor)
    assert auth.login(user.email).status_code == 303
    assert publish(material=False) == 2
    assert state().current == 2 and state().material == 1
    html = page(visitor)
    assert "consent-banner" not in html
    assert visit_rows(app) == [(2, 1)]  # still counted
    assert "policy-reminder" not in page(client, "/en/")
    assert outbox() == []
    data = visitor.get("/en/privacy/my-data.json").get_json()
    assert data["consent"]["analytics"] is True and data["consent"]["policy_version"] == 1


# A material version --------------------------------------------------------------------------------


def test_a_material_version_asks_an_accepting_visitor_again(app, publish):
    visitor = browser(app)
    decide(visitor, "yes")
    page(visitor)
    page(visitor)
    assert visit_rows(app) == [(2, 1)]
    assert "consent-banner" not in page(visitor, "/en/")
    assert visit_rows(app) == [(3, 1)]
    views = total_views(app)
    assert publish(material=True) == 2
    html = page(visitor)
    assert "consent-banner" in html
    assert visit_rows(app) == [(3, 1)]  # no longer recorded
    assert total_views(app) == views + 1  # but still counted, without the person
    page(visitor, "/zh/")
    assert visit_rows(app) == [(3, 1)]
    data = visitor.get("/en/privacy/my-data.json").get_json()
    assert data["consent"] == {"analytics": None, "policy_version": None, "decided_at": None}
    decide(visitor, "yes")
    assert "consent-banner" not in page(visitor)
    assert visit_rows(app) == [(4, 1)]
    assert visitor.get("/en/privacy/my-data.json").get_json()["consent"]["policy_version"] == 2


def test_a_material_version_asks_a_refusing_visitor_again_without_recording(app, publish):
    visitor = browser(app)
    decide(visitor, "no")
    assert "consent-banner" not in page(visitor)
    publish(material=True)
    assert "consent-banner" in page(visitor)
    assert visit_rows(app) == []
    assert visitor.get("/en/privacy/my-data.json").get_json()["consent"]["analytics"] is None


def test_a_privacy_signal_still_hides_the_banner_after_a_material_version(app, publish):
    visitor = browser(app)
    publish(material=True)
    response = visitor.get("/en/products", headers={"Sec-GPC": "1"})
    assert response.status_code == 200 and "consent-banner" not in response.text
    assert visit_rows(app) == []


def test_a_decision_given_for_the_new_version_counts(app, publish):
    publish(material=True)
    visitor = browser(app)
    assert "consent-banner" in page(visitor)
    decide(visitor, "yes")
    assert "consent-banner" not in page(visitor)
    assert visit_rows(app) == [(1, 1)]


def test_a_forged_version_in_an_unsigned_cookie_does_not_count(app, publish):
    """The cookie is signed: claiming a newer version by editing it gives no consent."""
    publish(material=True)
    visitor = browser(app)
    decide(visitor, "yes")
    consent = visitor.get_cookie("consent").value
    visitor.set_cookie("consent", consent[:-2] + ("AA" if not consent.endswith("AA") else "BB"))
    assert "consent-banner" in page(visitor)


def test_the_reminder_shows_on_every_page_until_acknowledged(app, client, auth, make_user, publish):
    user = make_user()
    assert auth.login(user.email).status_code == 303
    assert "policy-reminder" not in page(client, "/en/")
    number = publish(material=True)
    for path in ("/en/", "/en/products", "/zh/products", "/en/account/", "/en/privacy/versions", "/en/cart"):
        html = page(client, path)
        assert "policy-reminder" in html, path
        assert f"/privacy/versions/{number}?diff={number - 1}" in html, path
    response = client.post("/en/privacy/acknowledge", data={"next": "/en/products"})
    assert response.status_code == 303 and response.headers["Location"] == "/en/products"
    for path in ("/en/", "/en/products", "/zh/", "/en/account/"):
        assert "policy-reminder" not in page(client, path), path
    with app.app_context():
        rows = db.session.scalars(select(PolicyAcknowledgement)).all()
        assert [(row.user_id, row.version) for row in rows] == [(user.id, number)]
    # Acknowledging again records nothing twice.
    assert client.post("/en/privacy/acknowledge", data={"next": "/en/"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PolicyAcknowledgement)) == 1


def test_the_reminder_is_per_account(app, client, auth, make_user, publish):
    first, second = make_user(), make_user()
    publish(material=True)
    other = browser(app)
    assert other.post("/en/account/login", data={"email": second.email, "password": PASSWORD}).status_code == 303
    assert auth.login(first.email).status_code == 303
    assert client.post("/en/privacy/acknowledge", data={"next": "/en/"}).status_code == 303
    assert "policy-reminder" not in page(client, "/en/")
    assert "policy-reminder" in page(other, "/en/")


def test_the_reminder_returns_for_the_next_material_version(app, client, auth, make_user, publish):
    user = make_user()
    assert auth.login(user.email).status_code == 303
    publish(material=True)
    client.post("/en/privacy/acknowledge", data={"next": "/en/"})
    assert "policy-reminder" not in page(client)
    publish(material=False)  # a minor version after it: still acknowledged
    assert "policy-reminder" not in page(client)
    publish(material=True)
    assert "policy-reminder" in page(client)


def test_the_policy_page_itself_asks_for_the_acknowledgement(app, client, auth, make_user, publish):
    user = make_user()
    assert auth.login(user.email).status_code == 303
    publish(material=True)
    html = page(client, "/en/privacy")
    assert 'class="note acknowledge"' in html and "policy-reminder" not in html
    client.post("/en/privacy/acknowledge", data={"next": "/en/privacy"})
    assert 'class="note acknowledge"' not in page(client, "/en/privacy")


def test_an_anonymous_visitor_cannot_acknowledge(app, client, publish):
    publish(material=True)
    assert client.post("/en/privacy/acknowledge", data={"next": "/en/"}).status_code == 403
    assert "policy-reminder" not in page(client)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PolicyAcknowledgement)) == 0


def test_acknowledging_goes_back_only_to_this_site(app, client, auth, make_user, publish):
    user = make_user()
    assert auth.login(user.email).status_code == 303
    publish(material=True)
    response = client.post("/en/privacy/acknowledge", data={"next": "https://evil.example/"})
    assert response.status_code == 303 and "evil.example" not in response.headers["Location"]


def test_a_customer_who_registered_after_the_change_sees_no_reminder(app, client, auth, make_user, publish):
    publish(material=True)
    user = make_user()
    assert auth.login(user.email).status_code == 303
    for path in ("/en/", "/en/products", "/en/account/"):
        assert "policy-reminder" not in page(client, path), path


def test_a_customer_registered_before_the_first_version_is_not_reminded_of_version_one(app, client, auth,
                                                                                      make_user):
    from sqlalchemy import update

    from storefront.account.models import User

    user = make_user()
    with app.app_context():
        db.session.execute(update(User).where(User.id == user.id).values(created_at=utcnow() - timedelta(days=400)))
        db.session.commit()
    assert auth.login(user.email).status_code == 303
    assert "policy-reminder" not in page(client, "/en/")


def test_registering_through_the_shop_after_a_change_gives_no_reminder(app, client, publish):
    publish(material=True)
    response = client.post("/en/account/register", data={"email": "new@example.com", "password": PASSWORD,
                                                         "password_confirm": PASSWORD})
    assert response.status_code == 303
    assert "policy-reminder" not in page(client, "/en/")


# The email to every confirmed account ----------------------------------------------------------------


@pytest.fixture
def customers(make_user):
    return {
        "en": make_user(email="ada@example.com", preferred_locale="en"),
        "zh": make_user(email="ming@example.com", preferred_locale="zh"),
        "unconfirmed": make_user(email="nobody@example.com", preferred_locale="en", confirmed=False),
        "zh_unconfirmed": make_user(email="weiqueren@example.com", preferred_locale="zh", confirmed=False),
    }


def test_a_material_version_emails_each_confirmed_account_once_in_its_language(app, publish, outbox, customers):
    number = publish(material=True)
    mails = outbox(template="policy_changed")
    assert sorted(m.recipient for m in mails) == ["ada@example.com", "ming@example.com"]
    by_recipient = {m.recipient: m for m in mails}
    en, zh = by_recipient["ada@example.com"], by_recipient["ming@example.com"]
    assert (en.locale, zh.locale) == ("en", "zh")
    assert (en.user_id, zh.user_id) == (customers["en"].id, customers["zh"].id)
    assert en.subject == "Our privacy policy has changed"
    assert zh.subject and zh.subject != en.subject and not zh.subject.isascii()
    assert EN_SUMMARY in en.body_text and ZH_SUMMARY not in en.body_text
    assert ZH_SUMMARY in zh.body_text and EN_SUMMARY not in zh.body_text
    assert "We have changed our privacy policy" in en.body_text
    assert "We have changed our privacy policy" not in zh.body_text
    assert f"http://shop.test/en/privacy/versions/{number}?diff={number - 1}" in en.body_text
    assert f"http://shop.test/zh/privacy/versions/{number}?diff={number - 1}" in zh.body_text
    assert f'href="http://shop.test/zh/privacy/versions/{number}?diff={number - 1}"' in zh.body_html
    assert "http://shop.test/zh/privacy/consent" in zh.body_text
    assert outbox() == mails  # nothing else was queued


def test_a_minor_version_emails_nobody(app, publish, outbox, customers):
    publish(material=False)
    assert outbox() == []


def test_each_material_version_emails_again(app, publish, outbox, customers):
    publish(material=True)
    publish(material=False)
    publish(material=True)
    mails = outbox(template="policy_changed")
    assert len(mails) == 4
    assert sorted(m.recipient for m in mails) == ["ada@example.com"] * 2 + ["ming@example.com"] * 2


def test_the_emails_leave_only_with_the_version(app, outbox, customers):
    """publish_version flushes; a rollback takes the version and its emails back together."""
    with app.app_context():
        publish_version(texts(), material=True)
        db.session.rollback()
    assert version_count(app) == 1
    assert outbox() == []


def test_the_emails_arrive_over_smtp_in_each_language(app, runner, publish, outbox, customers, smtp_server,
                                                     smtp_port):
    inbox = smtp_server()
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"
    number = publish(material=True)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert result.output == "Sent 2, failed 0.\n"
    assert sorted(tuple(envelope.rcpt_tos) for envelope in inbox.envelopes) == [("ada@example.com",),
                                                                                ("ming@example.com",)]
    messages = {envelope.rcpt_tos[0]: email.message_from_bytes(envelope.content, policy=email.policy.default)
                for envelope in inbox.envelopes}
    en, zh = messages["ada@example.com"], messages["ming@example.com"]
    assert en["Subject"] == "Our privacy policy has changed"
    assert zh["Subject"] != en["Subject"] and not str(zh["Subject"]).isascii()
    assert en["To"] == "ada@example.com" and zh["To"] == "ming@example.com"
    en_text = en.get_body(("plain",)).get_content()
    zh_text = zh.get_body(("plain",)).get_content()
    assert EN_SUMMARY in en_text and f"/en/privacy/versions/{number}?diff={number - 1}" in en_text
    assert ZH_SUMMARY in zh_text and f"/zh/privacy/versions/{number}?diff={number - 1}" in zh_text
    assert "We have changed our privacy policy" in en_text
    assert "We have changed our privacy policy" not in zh_text and EN_SUMMARY not in zh_text
    assert '<html lang="zh-Hans"' in zh.get_body(("html",)).get_content()
    assert all(m.status == "sent" for m in outbox(template="policy_changed"))
    # Sending again delivers nothing twice.
    assert runner.invoke(args=["outbox", "send"]).output == "Sent 0, failed 0.\n"
    assert len(inbox.envelopes) == 2


def test_the_diff_linked_from_the_email_shows_the_change(app, client, publish):
    number = publish(material=True)
    response = client.get(f"/en/privacy/versions/{number}?diff={number - 1}")
    assert response.status_code == 200
    assert EN_ADDED in response.text and "<ins" in response.text
    assert EN_SUMMARY in response.text
    zh = client.get(f"/zh/privacy/versions/{number}?diff={number - 1}")
    assert zh.status_code == 200 and ZH_ADDED in zh.text and EN_ADDED not in zh.text


# The publish command -------------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path):
    def write(en: str | None = None, zh: str | None = None):
        values = texts()
        en_path, zh_path = tmp_path / "policy.en.md", tmp_path / "policy.zh.md"
        en_path.write_text(values["en"]["body"] if en is None else en, encoding="utf-8")
        zh_path.write_text(values["zh"]["body"] if zh is None else zh, encoding="utf-8")
        return str(en_path), str(zh_path)

    return write


def publish_args(en_path, zh_path, *extra, summary_en=EN_SUMMARY, summary_zh=ZH_SUMMARY):
    return ["privacy", "publish", "--en", en_path, "--zh", zh_path, "--summary-en", summary_en,
            "--summary-zh", summary_zh, *extra]


def test_publish_command_material(app, runner, files, outbox, customers, state):
    result = runner.invoke(args=publish_args(*files(), "--material"))
    assert result.exit_code == 0, result.output
    assert "Published version 2 (material change)" in result.output
    assert (state().current, state().material) == (2, 2)
    with app.app_context():
        version = get_version(2)
        assert version.material and EN_ADDED in version.text("en").body and ZH_ADDED in version.text("zh").body
        assert version.text("zh").summary == ZH_SUMMARY
    assert sorted(m.recipient for m in outbox(template="policy_changed")) == ["ada@example.com", "ming@example.com"]


def test_publish_command_minor_by_default(app, runner, files, outbox, customers, state):
    result = runner.invoke(args=publish_args(*files()))
    assert result.exit_code == 0, result.output
    assert "Published version 2 (minor change)" in result.output
    assert (state().current, state().material) == (2, 1)
    assert outbox() == []


def test_publish_command_with_a_future_effective_day(app, runner, files, state):
    result = runner.invoke(args=publish_args(*files(), "--material", "--effective", "2099-01-01"))
    assert result.exit_code == 0, result.output
    assert "in force from 2099-01-01 00:00 UTC" in result.output
    assert (state().current, state().material) == (1, 1)


@pytest.mark.parametrize("broken", ["missing_en", "missing_zh", "empty_en", "blank_zh", "empty_summary",
                                    "nul_summary", "no_summary_option", "bad_date", "not_utf8", "directory"])
def test_publish_command_refuses_bad_input(app, runner, files, tmp_path, outbox, customers, broken):
    en_path, zh_path = files(en="" if broken == "empty_en" else None, zh="  \n\n " if broken == "blank_zh" else None)
    args = publish_args(en_path, zh_path, "--material")
    if broken == "missing_en":
        args = publish_args(str(tmp_path / "nowhere.en.md"), zh_path, "--material")
    elif broken == "missing_zh":
        args = publish_args(en_path, str(tmp_path / "nowhere.zh.md"), "--material")
    elif broken == "empty_summary":
        args = publish_args(en_path, zh_path, "--material", summary_zh="")
    elif broken == "nul_summary":
        args = publish_args(en_path, zh_path, "--material", summary_en="bad\x00summary")
    elif broken == "no_summary_option":
        args = ["privacy", "publish", "--summary-en", EN_SUMMARY, "--en", en_path, "--zh", zh_path]
    elif broken == "bad_date":
        args = publish_args(en_path, zh_path, "--effective", "next tuesday")
    elif broken == "not_utf8":
        (tmp_path / "latin1.md").write_bytes("Politique de confidentialit\xe9".encode("latin-1"))
        args = publish_args(str(tmp_path / "latin1.md"), zh_path, "--material")
    elif broken == "directory":
        args = publish_args(str(tmp_path), zh_path, "--material")
    exit_code, output = invoke_ignoring_leaked_files(runner, args)
    assert exit_code != 0, output
    assert "Published" not in output
    assert version_count(app) == 1
    assert outbox() == []
    if broken in ("missing_en", "missing_zh", "no_summary_option", "bad_date", "directory"):
        assert exit_code == 2  # a usage error, before anything is read
    else:
        assert exit_code == 1 and "Not published:" in output
        field = {"empty_en": "body_en:", "blank_zh": "body_zh:", "empty_summary": "summary_zh:",
                 "nul_summary": "summary_en:", "not_utf8": "cannot read"}[broken]
        assert field in output


def invoke_ignoring_leaked_files(runner, args) -> tuple[int, str]:
    """Run the command; a file click leaves open on a usage error is collected here, not in a later test
    (test_publish_command_closes_the_files_it_opened_when_refusing is about that)."""
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        result = runner.invoke(args=args)
        exit_code, output = result.exit_code, result.output
        del result
        gc.collect()
    return exit_code, output


def test_publish_command_closes_the_files_it_opened_when_refusing(runner, files, tmp_path):
    """A usage error after --en was opened (a missing --zh file) must not leave the --en file open."""
    en_path, _zh_path = files()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = runner.invoke(args=publish_args(en_path, str(tmp_path / "nowhere.zh.md"), "--material"))
        assert result.exit_code == 2
        del result
        gc.collect()
    leaked = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaked == []


# A version that takes effect later -------------------------------------------------------------------


def test_a_future_version_is_upcoming_and_not_in_force(app, client, auth, make_user, publish, state, outbox):
    user = make_user()
    visitor = browser(app)
    decide(visitor, "yes")
    assert auth.login(user.email).status_code == 303
    effective = utcnow() + timedelta(days=10)
    number = publish(material=True, effective_at=effective)
    assert (state().current, state().material) == (1, 1)
    listing = page(client, "/en/privacy/versions")
    assert "Upcoming" in listing and "In force" in listing
    assert listing.index("Upcoming") < listing.index("In force")  # newest first: version 2, then 1
    policy = page(client, "/en/privacy")
    assert "Version 1 · in force from" in policy and EN_ADDED not in policy
    upcoming = page(client, f"/en/privacy/versions/{number}")
    assert EN_ADDED in upcoming and "This version takes effect on" in upcoming
    # Not in force: consent still counts, no reminder yet.
    assert "consent-banner" not in page(visitor)
    assert visit_rows(app) == [(1, 1)]
    assert "policy-reminder" not in page(client, "/en/")
    with app.app_context():
        assert policy_state(now=effective + timedelta(seconds=1)).current == number
        assert policy_state(now=effective + timedelta(seconds=1)).material == number


def test_a_future_version_takes_effect_on_its_day(app, client, auth, make_user, publish, state):
    from sqlalchemy import update

    from storefront.account.models import User

    user = make_user()
    visitor = browser(app)
    decide(visitor, "yes")
    assert auth.login(user.email).status_code == 303
    number = publish(material=True, effective_at=utcnow() + timedelta(days=10))
    assert "consent-banner" not in page(visitor)
    with app.app_context():  # ten days later (the customer registered before that)
        db.session.execute(update(User).where(User.id == user.id).values(created_at=utcnow() - timedelta(days=1)))
        db.session.execute(update(PolicyVersion).where(PolicyVersion.number == number)
                           .values(effective_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert state().current == number
    assert "consent-banner" in page(visitor)
    assert "policy-reminder" in page(client, "/en/")
    assert f"Version {number} · in force from" in page(client, "/en/privacy")


def test_unknown_versions_and_diffs_are_not_found(client, publish):
    publish()
    assert client.get("/en/privacy/versions/2").status_code == 200
    assert client.get("/en/privacy/versions/3").status_code == 404
    assert client.get("/en/privacy/versions/2?diff=9").status_code == 404
    assert client.get("/en/privacy/versions/2?diff=one").status_code == 404
    assert client.get("/en/privacy/versions/2?diff=1").status_code == 200


# When a version may take effect ----------------------------------------------------------------------


@pytest.mark.parametrize("ago", [timedelta(minutes=10), timedelta(days=1), timedelta(days=20 * 365)],
                         ids=["ten-minutes", "a-day", "twenty-years"])
def test_a_version_cannot_take_effect_in_the_past(app, publish, outbox, customers, state, ago):
    with pytest.raises(PolicyError) as raised:
        publish(material=True, effective_at=utcnow() - ago)
    assert set(raised.value.errors) == {"effective_at"}
    assert str(raised.value.errors["effective_at"]) == "A new version cannot take effect in the past."
    assert version_count(app) == 1
    assert outbox() == []
    assert (state().current, state().material) == (1, 1)


def test_a_version_cannot_take_effect_before_the_version_published_before_it(app, publish, outbox, state):
    upcoming = utcnow() + timedelta(days=10)
    assert publish(material=True, effective_at=upcoming) == 2
    for earlier in (upcoming - timedelta(days=5), upcoming - timedelta(seconds=1)):
        with pytest.raises(PolicyError) as raised:
            publish(effective_at=earlier)
        assert set(raised.value.errors) == {"effective_at"}
        assert "before the version published before it" in str(raised.value.errors["effective_at"])
    assert version_count(app) == 2
    assert publish(effective_at=upcoming + timedelta(days=1)) == 3  # after it is fine
    assert state().current == 1


def test_a_version_published_without_a_date_after_an_upcoming_one_takes_effect_no_earlier(app, publish, state):
    upcoming = utcnow() + timedelta(days=10)
    assert publish(material=True, effective_at=upcoming) == 2
    assert publish() == 3  # "now" would put it in force before version 2
    with app.app_context():
        assert get_version(3).effective_at >= get_version(2).effective_at
        assert policy_state(now=upcoming - timedelta(seconds=1)).current == 1
        later = policy_state(now=upcoming + timedelta(seconds=1))
        assert (later.current, later.material) == (3, 2)
    assert (state().current, state().material) == (1, 1)  # version 1 stays in force until then


@pytest.mark.parametrize("field", ["body_en", "body_zh", "summary_en", "summary_zh"])
def test_an_unknown_placeholder_is_refused_with_its_field(app, publish, outbox, customers, field):
    kind, code = field.split("_")
    text = texts()[code][kind] + " {shop_owner}"
    with pytest.raises(PolicyError) as raised:
        publish(material=True, **{f"{code}_{kind}": text})
    assert set(raised.value.errors) == {field}
    assert "{shop_owner}" in str(raised.value.errors[field])
    assert version_count(app) == 1
    assert outbox() == []


def test_every_known_placeholder_is_accepted_and_filled_in(app, client, publish):
    every = " ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    number = publish(en_body="Known: " + every, zh_body="已知：" + every, en_summary="For {shop_name}.",
                     zh_summary="{shop_name}的摘要。")
    page = client.get(f"/en/privacy/versions/{number}")
    assert page.status_code == 200
    assert "Known: " in page.text
    assert not any(f"{{{name}}}" in page.text for name in PLACEHOLDERS)
    assert escape(app.config["SHOP_NAME"]) in page.text


def test_publish_command_refuses_a_day_in_the_past(app, runner, files, outbox, customers, state):
    exit_code, output = invoke_ignoring_leaked_files(runner, publish_args(*files(), "--material",
                                                                          "--effective", "2001-01-01"))
    assert exit_code != 0, output
    assert "Published" not in output
    assert "effective_at" in output and "in the past" in output
    assert version_count(app) == 1
    assert outbox() == []
    assert (state().current, state().material) == (1, 1)
