import re
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from storefront.account.models import User
from storefront.extensions import db
from tests.conftest import PASSWORD
from tests.account.test_auth import link_in


def profile_data(**overrides):
    return {"full_name": "", "phone": "", "gender": "", "birth_date": "", "preferred_locale": "en", **overrides}


def stored(app, user_id) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_profile_saves_every_field(app, client, signed_in):
    response = client.post("/zh/account/profile", data=profile_data(
        full_name="欧阳 娜娜", phone="１３８ ００１３ ８０００", gender="female", birth_date="1990-05-17",
        preferred_locale="zh"))
    assert response.status_code == 303
    user = stored(app, signed_in.id)
    assert (user.full_name, user.phone, user.gender, user.birth_date, user.preferred_locale) == (
        "欧阳 娜娜", "+8613800138000", "female", date(1990, 5, 17), "zh")
    page = client.get("/zh/account/profile").get_data(as_text=True)
    assert "欧阳 娜娜" in page and "+8613800138000" in page


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"phone": "12345"}, "Enter a valid phone number, for example +1 415 555 0132."),
        ({"phone": "not a phone"}, "Enter a valid phone number"),
        ({"birth_date": "17/05/1990"}, "Enter the date as YYYY-MM-DD"),
        ({"birth_date": (date.today() + timedelta(days=2)).isoformat()}, "cannot be in the future"),
        ({"birth_date": (date.today() - timedelta(days=365 * 10)).isoformat()}, "at least 14"),
        ({"birth_date": "0001-01-01"}, "check the year of birth"),
        ({"birth_date": "99999-01-01"}, "Enter the date as YYYY-MM-DD"),
        ({"gender": "robot"}, "Not a valid choice"),
        ({"preferred_locale": "fr"}, "Not a valid choice"),
        ({"full_name": "n" * 121}, "120 characters"),
    ],
)
def test_profile_refuses_bad_input_and_changes_nothing(app, client, signed_in, fields, message):
    response = client.post("/en/account/profile", data=profile_data(**{"full_name": "Kept Name", **fields}))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored(app, signed_in.id).full_name is None


def test_chinese_phone_example_is_chinese(client, signed_in):
    response = client.post("/zh/account/profile", data=profile_data(phone="123"))
    assert response.status_code == 422
    error = re.search(r'id="phone-error">(.*?)</p>', response.get_data(as_text=True), re.DOTALL)
    assert error and "+86 138 0013 8000" in error.group(1)


def test_personal_fields_are_encrypted_at_rest(app, client, signed_in):
    client.post("/en/account/profile", data=profile_data(full_name="Zebulon Quartermaine", phone="+14155550132",
                                                         gender="male", birth_date="1985-02-03"))
    with app.app_context():
        raw = db.session.execute(text("SELECT full_name, phone, gender, birth_date FROM \"user\"")).one()
    joined = " ".join(str(value) for value in raw)
    for secret in ("Zebulon", "4155550132", "male", "1985"):
        assert secret not in joined
    assert all(value.startswith("gAAAAA") for value in raw)


def test_stored_xss_and_template_injection_render_inert(client, signed_in):
    client.post("/en/account/profile", data=profile_data(full_name="<svg onload=alert(1)>{{7*7}}"))
    page = client.get("/en/account/").get_data(as_text=True)
    assert "<svg onload" not in page and "&lt;svg onload=alert(1)&gt;{{7*7}}" in page
    assert "49" not in page.split("Hello")[1][:80]


def test_password_change_needs_the_current_one_and_signs_out_other_devices(app, client, signed_in, auth):
    other = app.test_client()
    other.post("/en/account/login", data={"email": signed_in.email, "password": PASSWORD})
    assert other.get("/en/account/").status_code == 200
    wrong = client.post("/en/account/password", data={
        "current_password": "not it at all", "password": "new passphrase here", "password_confirm": "new passphrase here"})
    assert wrong.status_code == 422 and "not your current password" in wrong.get_data(as_text=True)
    right = client.post("/en/account/password", data={
        "current_password": PASSWORD, "password": "new passphrase here", "password_confirm": "new passphrase here"})
    assert right.status_code == 303
    assert client.get("/en/account/").status_code == 200  # this device stays signed in
    assert other.get("/en/account/").status_code == 302  # the other one is out


def test_email_change_confirms_the_new_address_and_notifies_the_old(app, client, signed_in, outbox, auth):
    response = client.post("/en/account/email", data={"email": "New@Example.com", "password": PASSWORD})
    assert response.status_code == 303
    assert stored(app, signed_in.id).email == signed_in.email  # not yet
    [confirm] = outbox(template="email_change_confirm")
    [notice] = outbox(template="email_change_notice")
    assert confirm.recipient == "new@example.com" and notice.recipient == signed_in.email
    assert "new@example.com" in notice.body_text
    assert client.get(link_in(confirm.body_text, "/account/email/confirm/")).status_code == 303
    assert stored(app, signed_in.id).email == "new@example.com"
    auth.logout()
    assert auth.login("new@example.com").status_code == 303


def test_email_change_refuses_wrong_password_and_taken_addresses(client, signed_in, make_user, outbox):
    other = make_user()
    wrong = client.post("/en/account/email", data={"email": "x@example.com", "password": "wrong wrong wrong"})
    assert wrong.status_code == 422 and "not your password" in wrong.get_data(as_text=True)
    taken = client.post("/en/account/email", data={"email": other.email.upper(), "password": PASSWORD})
    assert taken.status_code == 422 and "already uses" in taken.get_data(as_text=True)
    # Its own address (in another case): refused beside the field, not a link that can never work.
    same = client.post("/en/account/email", data={"email": signed_in.email.upper(), "password": PASSWORD})
    assert same.status_code == 422
    assert re.search(r'id="email-error">[^<]*already your email address', same.get_data(as_text=True))
    assert outbox() == []


def test_account_pages_are_never_cached(client, signed_in):
    for path in ("/en/account/", "/en/account/profile", "/en/account/addresses", "/en/account/privacy"):
        assert client.get(path).headers["Cache-Control"] == "no-store"
