"""The contact form: who may write, what is checked, what is stored and emailed, header injection, the limit."""

import email
import email.policy
import re

import pytest

from storefront.account.models import User
from storefront.extensions import db
from storefront.notifications.delivery import deliver_due
from storefront.support import services
from tests.admin import field_error, input_value, translated
from tests.cart.conftest import add, buy, orders, product  # noqa: F401 - fixtures, reused
from tests.support import CONTACT, messages, tickets

INJECTION = "x\r\nBcc: evil@example.com"


def post(client, lang="en", **changes):
    return client.post(f"/{lang}/contact", data={**CONTACT, **changes})


def textarea_value(page: str, name: str) -> str | None:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\r?\n?(.*?)</textarea>', page, re.S)
    return match.group(1) if match else None


def test_the_form_has_the_contract_fields_and_is_linked_from_every_footer(client):
    page = client.get("/en/contact").get_data(as_text=True)
    for name in ("name", "email", "order_number", "subject"):
        assert input_value(page, name) is not None or f'name="{name}"' in page
    assert 'name="message"' in page
    assert input_value(page, "name") in (None, "") and input_value(page, "email") in (None, "")
    home = client.get("/zh/").get_data(as_text=True)
    footer = home[home.index("<footer"):home.index("</footer>")]
    assert 'href="/zh/contact"' in footer


def test_signed_in_customers_get_their_name_and_email_filled_in(app, client, make_user, auth):
    user = make_user(full_name="Grace Hopper")
    auth.login(user.email)
    page = client.get("/en/contact").get_data(as_text=True)
    assert input_value(page, "name") == "Grace Hopper"
    assert input_value(page, "email") == user.email


def test_a_guest_message_opens_a_ticket_acknowledged_in_the_page_language_and_tells_the_shop(app, client, outbox):
    response = post(client, "zh", email="Ada@Example.COM")
    assert response.status_code == 303 and response.headers["Location"] == "/zh/contact/sent"
    [ticket] = tickets(app)
    assert re.fullmatch(r"T-[2-9A-HJKMNP-TV-Z]{8}", ticket.reference)
    assert (ticket.name, ticket.email, ticket.subject) == ("Ada Lovelace", "ada@example.com", "Lens cap missing")
    assert ticket.user_id is None and ticket.locale == "zh" and ticket.status == "open" and ticket.order_id is None
    [message] = messages(app)
    assert message.author == "customer" and message.body == CONTACT["message"]

    thanks = client.get("/zh/contact/sent").get_data(as_text=True)
    assert translated(app, "zh", "Thank you, we received your message. Its reference is %(reference)s.",
                      reference=ticket.reference) in thanks

    acknowledgement, notice = outbox()
    assert acknowledgement.recipient == "ada@example.com" and acknowledgement.locale == "zh"
    assert acknowledgement.subject == translated(app, "zh", "We received your message %(reference)s",
                                                 reference=ticket.reference)
    assert '<html lang="zh-Hans">' in acknowledgement.body_html
    assert f"http://shop.test/zh/contact/{ticket.reference}?token=" in acknowledgement.body_text
    # Anyone can type any address: the acknowledgement repeats nothing the writer typed.
    for typed in ("Ada Lovelace", "Lens cap missing", "lens cap."):
        assert typed not in acknowledgement.body_text and typed not in acknowledgement.body_html

    assert notice.recipient == app.config["SHOP_EMAIL"] and notice.locale == app.config["DEFAULT_LOCALE"]
    assert notice.subject == f"New customer message {ticket.reference}"
    assert f"http://shop.test/en/admin/support/{ticket.reference}" in notice.body_text
    for personal in ("Ada", "ada@example.com", "Lens cap missing", "lens cap."):
        assert personal not in notice.body_text and personal not in notice.body_html


def test_a_signed_in_customer_goes_to_the_conversation_in_their_account(app, client, signed_in, outbox):
    response = post(client, email=signed_in.email)
    [ticket] = tickets(app)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/en/account/messages/{ticket.reference}"
    assert ticket.user_id == signed_in.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert ticket.reference in page and "Lens cap missing" in page
    acknowledgement = outbox()[0]
    assert acknowledgement.user_id == signed_in.id
    assert f"http://shop.test/en/account/messages/{ticket.reference}" in acknowledgement.body_text


LONG = {"name": "n" * 121, "subject": "s" * 201, "message": "m" * 5001}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("field, value, msgid", [
    ("name", "", "Please tell us your name."),
    ("name", "   ", "Please tell us your name."),
    ("name", LONG["name"], "Please use at most %(max)d characters."),
    ("email", "", "Enter your email address."),
    ("email", "not an address", "Enter an email address like name@example.com."),
    ("email", "a@b", "Enter an email address like name@example.com."),
    ("subject", "", "Please give your message a subject."),
    ("subject", LONG["subject"], "Please use at most %(max)d characters."),
    ("message", "", "Please write your message."),
    ("message", "\x00\x01", "Please write your message."),
    ("message", LONG["message"], "Please keep your message under %(max)d characters."),
    ("order_number", "SF-" + "X" * 30, "An order number looks like SF-7K3Q-9XWD."),
    ("order_number", "SF-2222-3333", "We cannot find an order with this number under your account or email "
                                     "address. Please check the number, or leave the field empty."),
    ("order_number", "12345", "We cannot find an order with this number under your account or email "
                              "address. Please check the number, or leave the field empty."),
])
def test_bad_input_is_refused_beside_its_field_with_the_input_kept_and_nothing_written(
        app, client, outbox, lang, field, value, msgid):
    maxima = {"name": 120, "subject": 200, "message": 5000}
    response = post(client, lang, **{field: value})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, field) == translated(app, lang, msgid, max=maxima.get(field, 0))
    assert tickets(app) == [] and messages(app) == [] and outbox() == []
    kept = {key: CONTACT[key] for key in ("name", "email", "subject")} | {field: value}
    for name in ("name", "email", "subject"):
        if name != field or value.strip():
            assert input_value(page, name) == kept[name]
    if field != "message":
        assert textarea_value(page, "message") == CONTACT["message"]


@pytest.fixture
def placed(app, client, buy, product, orders):
    """A guest order by ada@example.com; the client is left signed out with an empty cart."""
    assert buy(product, email="ada@example.com").status_code == 303
    [order] = orders()
    return order


def test_a_guest_may_name_an_order_placed_under_the_same_address(app, client, placed):
    response = post(client, email="ADA@example.com", order_number=placed.number.lower())
    assert response.status_code == 303
    [ticket] = tickets(app)
    assert ticket.order_id == placed.id


def test_someone_elses_order_is_refused_exactly_like_one_that_does_not_exist(app, client, placed):
    unknown = post(client, email="mallory@example.com", order_number="SF-2222-3333")
    someone_elses = post(client, email="mallory@example.com", order_number=placed.number)
    assert unknown.status_code == someone_elses.status_code == 422
    assert field_error(unknown.get_data(as_text=True), "order_number") == field_error(
        someone_elses.get_data(as_text=True), "order_number")
    assert tickets(app) == []


def test_a_customer_may_name_their_own_order_whatever_email_they_type(app, client, make_user, auth, buy, product,
                                                                     orders):
    user = make_user()
    auth.login(user.email)
    assert buy(product).status_code == 303
    [order] = orders()
    assert post(client, email="other@example.com", order_number=order.number).status_code == 303
    [ticket] = tickets(app)
    assert ticket.order_id == order.id and ticket.user_id == user.id
    assert ticket.email == user.email  # the account's address, not the one typed
    # Another customer cannot attach it to their message.
    auth.logout()
    stranger = make_user()
    auth.login(stranger.email)
    refused = post(client, email=stranger.email, order_number=order.number)
    assert refused.status_code == 422 and len(tickets(app)) == 1


def test_a_line_break_in_a_one_line_field_cannot_add_a_header_or_a_recipient(app, client, outbox, smtp_server,
                                                                            smtp_port):
    everywhere = post(client, **dict.fromkeys(CONTACT, INJECTION))
    assert everywhere.status_code == 422  # the address is not one
    assert tickets(app) == [] and outbox() == []

    sent = post(client, name=INJECTION, subject=INJECTION, message=INJECTION,
                email="ada@example.com\r\nBcc: evil@example.com")
    assert sent.status_code == 422 and outbox() == []
    assert field_error(sent.get_data(as_text=True), "email") == "Enter an email address like name@example.com."

    accepted = post(client, name=INJECTION, subject=INJECTION, message=INJECTION)
    assert accepted.status_code == 303
    [ticket] = tickets(app)
    assert "\r" not in ticket.name + ticket.subject and "\n" not in ticket.name + ticket.subject

    inbox = smtp_server()
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"
    with app.app_context():
        assert deliver_due() == (2, 0)
    recipients = sorted(r for envelope in inbox.envelopes for r in envelope.rcpt_tos)
    assert recipients == sorted(["ada@example.com", app.config["SHOP_EMAIL"]])
    for envelope in inbox.envelopes:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert message["Bcc"] is None and message["Cc"] is None
        assert "evil@example.com" not in str(message["To"]) + str(message["Subject"])
        assert all("evil" not in value for _name, value in message.items())


@pytest.fixture
def limited(make_app):
    """An app with rate limits on (the other tests run without); built last, as the limiter is shared."""
    return make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URL="memory://")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_sixth_message_in_an_hour_from_one_address_is_refused_with_a_translated_429(limited, lang):
    client = limited.test_client()
    codes = [post(client, lang).status_code for _ in range(4)]
    codes.append(post(client, lang, email="bad").status_code)  # refused posts count too
    assert codes == [303] * 4 + [422]
    response = post(client, lang)
    assert response.status_code == 429
    assert translated(limited, lang, "You have tried this too often. Please wait a moment and try again.") in \
        response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0
    assert len(tickets(limited)) == 4
    # Reading the form is not limited, and another client address may still write.
    assert client.get(f"/{lang}/contact").status_code == 200
    other = limited.test_client()
    assert other.post(f"/{lang}/contact", data=CONTACT, environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 303


def test_without_a_csrf_token_nothing_is_sent(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.post("/en/contact", data=CONTACT).status_code == 400
    assert client.post("/en/contact", data={**CONTACT, "csrf_token": "forged"}).status_code == 400
    assert tickets(app) == []
    page = client.get("/en/contact").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/en/contact", data={**CONTACT, "csrf_token": token}).status_code == 303


def test_other_methods_are_refused(client):
    assert client.put("/en/contact", data=CONTACT).status_code == 405
    assert client.delete("/en/contact/sent").status_code == 405


def test_the_name_of_an_account_is_not_changed_by_the_contact_form(app, client, make_user, auth):
    user = make_user(full_name="Grace Hopper")
    auth.login(user.email)
    post(client, name="Somebody Else", email=user.email)
    with app.app_context():
        assert db.session.get(User, user.id).full_name == "Grace Hopper"
    [ticket] = tickets(app)
    assert ticket.name == "Somebody Else"


def test_a_reference_already_taken_is_drawn_again(app, client, monkeypatch):
    assert post(client).status_code == 303
    [first] = tickets(app)
    draws = iter([first.reference, first.reference, "T-NEWREF22"])
    monkeypatch.setattr(services, "new_reference", lambda: next(draws))
    assert post(client, subject="Second question").status_code == 303
    assert [t.reference for t in tickets(app)] == [first.reference, "T-NEWREF22"]
    assert [len(messages(app, t.id)) for t in tickets(app)] == [1, 1]


def test_a_signed_in_customer_cannot_name_a_guests_order_by_typing_the_guests_address(
        app, client, placed, make_user, auth):
    """Otherwise the shop's answers about someone else's order would appear in the writer's account."""
    mallory = make_user(email="mallory@example.com")
    assert auth.login(mallory.email).status_code == 303
    refused = post(client, email="ada@example.com", order_number=placed.number)
    assert refused.status_code == 422
    assert field_error(refused.get_data(as_text=True), "order_number")
    assert tickets(app) == []
    # Without an order the message goes through, under the account's own address.
    assert post(client, email="ada@example.com").status_code == 303
    [ticket] = tickets(app)
    assert ticket.email == mallory.email and ticket.user_id == mallory.id and ticket.order_id is None


def test_a_customer_may_name_a_guest_order_placed_under_their_confirmed_address(
        app, client, placed, make_user, auth):
    ada = make_user(email="ada@example.com")
    assert auth.login(ada.email).status_code == 303
    assert post(client, email="ada@example.com", order_number=placed.number).status_code == 303
    [ticket] = tickets(app)
    assert ticket.order_id == placed.id and ticket.user_id == ada.id


# NUL and other control characters: PostgreSQL text columns refuse NUL --------------------------------------------


def test_nul_bytes_in_every_field_are_dropped_never_500_and_never_stored(app, client, outbox, placed):
    response = post(client, name="Ada\x00 Lovelace\x01", email="\x00ada@example.com\x00",
                    order_number=placed.number[:3] + "\x00" + placed.number[3:], subject="Lens\x00 cap missing",
                    message="The box\x00 had no lens cap.\r\nCould\x0b you send\tone?\x00")
    assert response.status_code == 303
    [ticket] = tickets(app)
    assert (ticket.name, ticket.email, ticket.subject, ticket.order_id) == (
        "Ada Lovelace", "ada@example.com", "Lens cap missing", placed.id)
    [message] = messages(app)
    assert message.body == "The box had no lens cap.\nCould you send\tone?"
    for mail in outbox():
        assert "\x00" not in mail.subject and "\x00" not in mail.body_text and "\x00" not in (mail.body_html or "")


@pytest.mark.parametrize("field", ["name", "email", "subject", "order_number"])
def test_a_field_of_nul_bytes_only_is_never_500(app, client, outbox, field):
    response = post(client, **{field: "\x00\x00"})
    assert response.status_code in (303, 422)
    assert "\x00" not in response.get_data(as_text=True)
    for ticket in tickets(app):
        assert all("\x00" not in (getattr(ticket, name) or "") for name in ("name", "email", "subject"))
