import pytest

from storefront.account.models import User
from storefront.extensions import db
from storefront.security import hash_password
from tests.conftest import PASSWORD


@pytest.fixture
def limited(make_app):
    """An app with rate limits on (the other tests run without); built last, as the limiter is shared."""
    return make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URL="memory://")


def failed_login(client, email, n):
    return client.post("/en/account/login", data={"email": email, "password": "wrong password"},
                       headers={"X-Forwarded-For": f"198.51.100.{n}"})


def test_five_failed_sign_ins_per_email_then_429_even_with_rotating_forwarded_for(limited):
    client = limited.test_client()
    for n in range(5):
        assert failed_login(client, "victim@example.com", n).status_code == 422
    response = failed_login(client, "VICTIM@example.com", 99)
    assert response.status_code == 429
    assert "Too many requests" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0
    # Another address is not blocked by this one.
    assert failed_login(client, "someone.else@example.com", 1).status_code == 422


def test_unknown_and_existing_emails_are_limited_alike(limited):
    with limited.app_context():
        db.session.add(User(email="real@example.com", password_hash=hash_password(PASSWORD)))
        db.session.commit()
    client = limited.test_client()
    for email in ("real@example.com", "ghost@example.com"):
        codes = [failed_login(client, email, n).status_code for n in range(6)]
        assert codes == [422] * 5 + [429]


def test_twenty_failed_sign_ins_per_client_address(limited):
    client = limited.test_client()
    codes = [failed_login(client, f"user{n}@example.com", n).status_code for n in range(21)]
    assert codes[:20] == [422] * 20 and codes[20] == 429


def test_refused_attempts_do_not_use_up_the_client_addresss_allowance(limited):
    """A 429 for one email is not a failed sign-in: the client address keeps its 20 for other emails."""
    client = limited.test_client()
    same_address = "203.0.113.50"

    def attempt(email):
        return client.post("/en/account/login", data={"email": email, "password": "wrong password"},
                           headers={"X-Forwarded-For": same_address}).status_code

    assert [attempt("locked@example.com") for _ in range(12)] == [422] * 5 + [429] * 7
    assert [attempt(f"other{n}@example.com") for n in range(16)] == [422] * 15 + [429]


def test_successful_sign_ins_are_not_counted(limited):
    with limited.app_context():
        db.session.add(User(email="ok@example.com", password_hash=hash_password(PASSWORD)))
        db.session.commit()
    client = limited.test_client()
    for _ in range(7):
        response = client.post("/en/account/login", data={"email": "ok@example.com", "password": PASSWORD})
        assert response.status_code == 303
        client.post("/en/account/logout")


@pytest.mark.parametrize("path, data", [
    ("/zh/account/register", {"email": "a@example.com", "password": "x", "password_confirm": "y"}),
    ("/zh/account/password-reset", {"email": "a@example.com"}),
])
def test_forms_that_send_mail_allow_five_per_hour_per_client(limited, path, data):
    client = limited.test_client()
    for _ in range(5):
        assert client.post(path, data=data).status_code in (303, 422)
    response = client.post(path, data=data)
    assert response.status_code == 429
    assert "请求过于频繁" in response.get_data(as_text=True)


@pytest.mark.parametrize("path, data", [
    ("/en/account/export", {"password": "wrong guess here"}),
    ("/en/account/delete", {"password": "wrong guess here"}),
    ("/en/account/email", {"email": "x@example.com", "password": "wrong guess here"}),
    ("/en/account/password", {"current_password": "wrong guess here", "password": "a new long passphrase",
                              "password_confirm": "a new long passphrase"}),
])
def test_password_checks_for_signed_in_customers_are_limited(limited, path, data):
    with limited.app_context():
        db.session.add(User(email="held@example.com", password_hash=hash_password(PASSWORD)))
        db.session.commit()
    client = limited.test_client()
    client.post("/en/account/login", data={"email": "held@example.com", "password": PASSWORD})
    codes = [client.post(path, data=data).status_code for _ in range(6)]
    assert codes == [422] * 5 + [429]
