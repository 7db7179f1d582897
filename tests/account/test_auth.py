import base64
import re
import time
import zlib

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from storefront.account.models import User
from storefront.extensions import db
from tests.conftest import PASSWORD


def link_in(body: str, path: str) -> str:
    """The path of the first link in an email body that contains `path`."""
    match = re.search(r"http://shop\.test(/\S*" + re.escape(path) + r"\S*)", body)
    assert match, body
    return match.group(1)


def register(client, email="new@example.com", password=PASSWORD, lang="en", **extra):
    return client.post(f"/{lang}/account/register",
                       data={"email": email, "password": password, "password_confirm": password, **extra})


def users(app):
    with app.app_context():
        return list(db.session.scalars(select(User)))


def test_register_signs_in_and_queues_a_confirmation_in_the_page_language(app, client, outbox):
    response = register(client, "Alice@EXAMPLE.com", lang="zh", full_name="王小明")
    assert response.status_code == 303 and response.headers["Location"] == "/zh/account/"
    [user] = users(app)
    assert user.email == "alice@example.com" and user.preferred_locale == "zh" and user.email_confirmed_at is None
    [mail] = outbox(template="account_confirm")
    assert mail.recipient == "alice@example.com" and mail.locale == "zh"
    assert "确认" in mail.subject
    page = client.get("/zh/account/").get_data(as_text=True)
    assert "alice@example.com" in page and 'action="/zh/account/confirm/resend"' in page


def test_confirmation_link_confirms_the_account(app, client, outbox):
    register(client)
    path = link_in(outbox()[0].body_text, "/account/confirm/")
    response = client.get(path)
    assert response.status_code == 303
    [user] = users(app)
    assert user.email_confirmed_at is not None
    assert "Please confirm your email address" not in client.get("/en/account/").get_data(as_text=True)


@pytest.mark.parametrize("token", ["nonsense", "a" * 300, "eyJ1IjoxfQ.forged.sig"])
def test_bad_confirmation_links_answer_404(client, token):
    response = client.get(f"/en/account/confirm/{token}")
    assert response.status_code == 404 and "This link does not work" in response.get_data(as_text=True)


@pytest.mark.parametrize("twin", ["alice@example.com", "ALICE@Example.COM", "ａｌｉｃｅ@ｅｘａｍｐｌｅ.ｃｏｍ"])
def test_case_and_width_twins_are_the_same_account(app, client, twin):
    assert register(client, "Alice@EXAMPLE.com").status_code == 303
    client.post("/en/account/logout")
    response = register(client, twin)
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)
    assert len(users(app)) == 1


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"email": "not-an-email"}, "Enter an email address like name@example.com."),
        ({"email": ""}, "Enter your email address."),
        ({"password": "short", "password_confirm": "short"}, "Use 12 to 128 characters"),
        ({"password": "x" * 129, "password_confirm": "x" * 129}, "Use 12 to 128 characters"),
        ({"password": "password1234", "password_confirm": "password1234"}, "too common"),
        ({"password": "qwertyuiop123456", "password_confirm": "qwertyuiop123456"}, "too common"),
        ({"password_confirm": "something different entirely"}, "do not match"),
        ({"full_name": "x" * 500}, "Field cannot be longer than 120 characters."),
    ],
)
def test_registration_refuses_bad_input_next_to_the_field(app, client, fields, message):
    data = {"email": "bad@example.com", "password": PASSWORD, "password_confirm": PASSWORD, **fields}
    response = client.post("/en/account/register", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and 'class="error"' in page
    assert users(app) == []
    assert PASSWORD not in page  # passwords never come back


def test_registration_errors_are_translated(client):
    response = client.post("/zh/account/register", data={"email": "x", "password": "short", "password_confirm": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter an email address" not in page and "电子邮箱" in page


def test_unicode_passwords_are_normalised(client, make_user, auth):
    user = make_user(password="密码是一匹正确的马电池钉书钉")
    assert auth.login(user.email, "密码是一匹正确的马电池钉书钉").status_code == 303
    fullwidth = make_user(password="ｃｏｒｒｅｃｔ　ｈｏｒｓｅ　ｂａｔｔｅｒｙ")
    client.post("/en/account/logout")
    assert auth.login(fullwidth.email, "correct horse battery").status_code == 303


def test_mass_assignment_is_ignored(app, client):
    register(client, "mass@example.com", role="owner", email_confirmed_at="2026-01-01", email_confirmed="1",
             id="999", session_nonce="x")
    [user] = users(app)
    assert user.role == "customer" and user.email_confirmed_at is None and user.id != 999


def test_login_with_wrong_password_or_unknown_email_gives_the_same_answer(client, make_user, auth):
    user = make_user()
    wrong = auth.login(user.email, "wrong password here")
    unknown = auth.login("nobody@example.com", "wrong password here")
    assert wrong.status_code == unknown.status_code == 422
    strip = lambda r: re.sub(r'value="[^"]*"', "", r.get_data(as_text=True))  # noqa: E731
    assert strip(wrong) == strip(unknown)
    assert "The email address or password is not right." in strip(wrong)


def test_login_rehashes_outdated_password_hashes(app, make_user, auth):
    user = make_user()
    with app.app_context():
        row = db.session.get(User, user.id)
        row.password_hash = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
        db.session.commit()
    assert auth.login(user.email).status_code == 303
    with app.app_context():
        assert "m=19456,t=2,p=1" in db.session.get(User, user.id).password_hash


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/en/account/addresses", "/en/account/addresses"),
        ("/zh/products?q=x", "/zh/products?q=x"),
        ("//evil.example", "/en/account/"),
        ("https://evil.example", "/en/account/"),
        ("/\\evil.example", "/en/account/"),
        ("javascript:alert(1)", "/en/account/"),
        ("/%0d%0aSet-Cookie:x", "/%0d%0aSet-Cookie:x"),
        ("\\\\evil.example", "/en/account/"),
        ("http:/evil.example", "/en/account/"),
    ],
)
def test_next_only_goes_to_same_site_paths(client, make_user, auth, target, expected):
    user = make_user()
    response = auth.login(user.email, next=target)
    assert response.status_code == 303
    assert response.headers["Location"] == expected


def test_account_pages_send_anonymous_visitors_to_sign_in_with_next(client):
    response = client.get("/zh/account/addresses")
    assert response.status_code == 302
    assert response.headers["Location"] == "/zh/account/login?next=/zh/account/addresses"
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/zh/account/addresses"' in login_page


def test_sign_out_kills_a_copied_session_cookie(app, client, signed_in):
    copied = client.get_cookie("session").value
    assert client.get("/en/account/").status_code == 200
    client.post("/en/account/logout")
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/en/account/")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_remember_cookie_lasts_30_days_and_dies_on_sign_out(app, client, make_user, auth):
    user = make_user()
    auth.login(user.email, remember="y")
    remember = client.get_cookie("remember_token")
    assert remember is not None and remember.http_only and remember.secure
    assert 29 * 86400 <= (remember.expires.timestamp() - time.time()) <= 30 * 86400 + 60
    client.post("/en/account/logout")
    thief = app.test_client()
    thief.set_cookie("remember_token", remember.value)
    assert thief.get("/en/account/").status_code == 302


def test_sign_in_starts_a_fresh_session(client, make_user, auth):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login(user.email)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_logout_needs_post(client, signed_in):
    assert client.get("/en/account/logout").status_code == 405
    assert client.get("/en/account/").status_code == 200


def test_resend_confirmation_queues_another_mail(client, outbox):
    register(client)
    assert client.post("/en/account/confirm/resend").status_code == 303
    assert len(outbox(template="account_confirm")) == 2


def test_password_reset_answers_the_same_for_unknown_emails(client, make_user, outbox):
    user = make_user()
    known = client.post("/en/account/password-reset", data={"email": user.email})
    unknown = client.post("/en/account/password-reset", data={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"] == "/en/account/password-reset/sent"
    assert "we have sent it a link" in client.get("/en/account/password-reset/sent").get_data(as_text=True)
    assert [m.recipient for m in outbox(template="password_reset")] == [user.email]


def test_password_reset_link_works_once(app, client, make_user, outbox, auth):
    user = make_user()
    client.post("/en/account/password-reset", data={"email": user.email})
    path = link_in(outbox(template="password_reset")[0].body_text, "/account/password-reset/")
    new = "a brand new long passphrase"
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": new, "password_confirm": new})
    assert response.status_code == 303
    assert client.post(path, data={"password": new, "password_confirm": new}).status_code == 404
    assert auth.login(user.email, PASSWORD).status_code == 422
    assert auth.login(user.email, new).status_code == 303


def test_password_reset_ends_existing_sessions(app, client, make_user, outbox, auth):
    user = make_user()
    auth.login(user.email)
    copied = client.get_cookie("session").value
    other = app.test_client()
    other.post("/en/account/password-reset", data={"email": user.email})
    path = link_in(outbox(template="password_reset")[0].body_text, "/account/password-reset/")
    other.post(path, data={"password": "another long passphrase", "password_confirm": "another long passphrase"})
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/en/account/").status_code == 302


def test_email_links_use_base_url_not_the_host_header(client, outbox):
    client.post("/en/account/register", base_url="http://evil.example",
                data={"email": "h@example.com", "password": PASSWORD, "password_confirm": PASSWORD})
    body = outbox()[0].body_text
    assert "http://shop.test/en/account/confirm/" in body and "evil.example" not in body


def test_tokens_in_links_carry_no_email_address(client, outbox, signed_in):
    client.post("/en/account/register", data={"email": "secret.person@example.com", "password": PASSWORD,
                                              "password_confirm": PASSWORD})
    client.post("/en/account/email", data={"email": "other.secret@example.com", "password": PASSWORD})
    tokens = [token for mail in outbox()
              for token in re.findall(r"/account/(?:confirm|email/confirm)/(\S+)", mail.body_text)]
    assert len(tokens) == 2, tokens  # the registration link and the email-change link
    for token in tokens:
        payload = token.lstrip(".").split(".")[0]  # a leading "." marks a zlib-compressed payload
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        text = (zlib.decompress(raw) if token.startswith(".") else raw).decode(errors="replace")
        assert '"u"' in text and "@" not in text, text


def test_non_ascii_email_addresses_are_refused_clearly(app, client):
    response = register(client, "josé@example.com")
    assert response.status_code == 422 and "Enter an email address like" in response.get_data(as_text=True)
    assert users(app) == []


def test_sign_out_deletes_the_remember_cookie(client, make_user, auth):
    user = make_user()
    auth.login(user.email, remember="y")
    assert client.get_cookie("remember_token") is not None
    auth.logout()
    assert client.get_cookie("remember_token") is None


def test_anonymous_post_to_an_account_action_signs_in_without_next(client):
    response = client.post("/en/account/confirm/resend")
    assert response.status_code == 302 and response.headers["Location"] == "/en/account/login"


def test_resend_does_nothing_for_a_confirmed_account(client, signed_in, outbox):
    assert client.post("/en/account/confirm/resend").status_code == 303
    assert outbox(template="account_confirm") == []
