import json
from pathlib import Path

from sqlalchemy import select

from storefront.account.models import Address, User
from storefront.extensions import db
from storefront.notifications.delivery import deliver_due
from storefront.notifications.models import OutboxMessage
from storefront.notifications.services import queue_email
from tests.account.test_addresses import ADDRESS
from tests.conftest import PASSWORD, PG_URL


def fill_account(client):
    client.post("/en/account/profile", data={"full_name": "Quentin Marlowe-Fairfax", "phone": "+14155550132",
                                             "gender": "male", "birth_date": "1980-01-02", "preferred_locale": "en"})
    client.post("/en/account/addresses/new", data={**ADDRESS, "recipient": "Quentin Marlowe-Fairfax",
                                                   "line1": "77 Sunderland Crescent"})


def test_export_needs_the_password_and_downloads_everything(client, signed_in):
    fill_account(client)
    assert client.get("/en/account/export").status_code == 200
    wrong = client.post("/en/account/export", data={"password": "not my password"})
    assert wrong.status_code == 422 and "not your password" in wrong.get_data(as_text=True)
    response = client.post("/en/account/export", data={"password": PASSWORD})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["email"] == signed_in.email
    assert data["profile"]["full_name"] == "Quentin Marlowe-Fairfax"
    assert data["addresses"][0]["line1"] == "77 Sunderland Crescent"
    assert isinstance(data["emails"], list)


def test_privacy_centre_shows_what_is_held(client, signed_in):
    fill_account(client)
    page = client.get("/zh/account/privacy").get_data(as_text=True)
    assert "Quentin Marlowe-Fairfax" in page and 'href="/zh/account/export"' in page and 'href="/zh/account/delete"' in page


def test_delete_needs_the_password(app, client, signed_in):
    response = client.post("/en/account/delete", data={"password": "wrong password!"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(User, signed_in.id) is not None


def test_delete_erases_the_account_and_leaves_no_trace_in_the_database_files(app, client, signed_in, auth, outbox):
    fill_account(client)
    response = client.post("/en/account/delete", data={"password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/en/account/deleted"
    receipt = client.get("/en/account/deleted").get_data(as_text=True)
    assert "Your account is deleted" in receipt and "Saved addresses" in receipt
    assert client.get("/en/account/").status_code == 302  # the session is gone
    with app.app_context():
        assert db.session.get(User, signed_in.id) is None
        assert db.session.scalars(select(Address)).all() == []
    [receipt_mail] = outbox(template="account_deleted")
    assert receipt_mail.recipient == signed_in.email and receipt_mail.delete_after_send
    with app.app_context():
        deliver_due()
    assert outbox(template="account_deleted") == []
    assert all(m.recipient == "" and m.subject is None for m in outbox())
    assert auth.login(signed_in.email).status_code == 422
    if not PG_URL:
        # Read while the app's connections are still open: the checkpoint, not closing, must clean up.
        database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
        files = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
        for trace in (signed_in.email, "Quentin", "Marlowe", "Sunderland", "4155550132"):
            assert trace.encode() not in files, trace


def test_the_email_can_register_again_after_deletion(client, signed_in):
    client.post("/en/account/delete", data={"password": PASSWORD})
    response = client.post("/en/account/register", data={
        "email": signed_in.email, "password": PASSWORD, "password_confirm": PASSWORD})
    assert response.status_code == 303


def test_deleted_page_without_a_receipt_goes_home(client):
    assert client.get("/en/account/deleted").status_code == 302


def test_the_erasure_receipt_mail_is_written_in_the_customers_language(client, make_user, auth, outbox):
    """A Chinese-speaking customer's receipt counts items in Chinese (the plural form takes the count)."""
    customer = make_user(preferred_locale="zh")
    auth.login(customer.email)
    client.post("/zh/account/addresses/new", data={
        "recipient": "欧阳 娜娜", "phone": "13800138000", "country": "CN", "region": "浙江省", "city": "杭州市",
        "line1": "文三路 90 号", "postal_code": "310012"})
    response = client.post("/zh/account/delete", data={"password": customer.password})
    assert response.status_code == 303
    [receipt_mail] = outbox(template="account_deleted")
    assert receipt_mail.locale == "zh"
    assert "已删除（1 项）" in receipt_mail.body_text


def test_mail_to_an_unconfirmed_address_is_not_the_accounts(app, client, make_user, auth):
    """Someone registering another person's address without confirming it sees none of that person's mail."""
    with app.app_context():
        queue_email(to="victim@example.com", template="account_confirm", locale="en", subject="Guest order",
                    token="t", user=None)
        db.session.commit()
    squatter = make_user(email="victim@example.com", confirmed=False)
    auth.login(squatter.email)
    exported = client.post("/en/account/export", data={"password": squatter.password}).get_data(as_text=True)
    assert "Guest order" not in exported
    client.post("/en/account/delete", data={"password": squatter.password})
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.subject == "Guest order")) is not None
