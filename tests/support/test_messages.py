"""The customer's side of a conversation: their messages, one conversation, answering, and a guest's link."""

import re

import pytest

from storefront.database import utcnow
from storefront.extensions import db
from storefront.support.models import SupportTicket
from tests.admin import field_error, sign_in, sign_in_target, translated
from tests.support import guest_link, messages, open_ticket, set_status, staff_reply, tickets


@pytest.fixture
def staff(make_user):
    return make_user(role="staff", email="helper@example.com")


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    ticket = open_ticket(app)
    for path in ("/en/account/messages", f"/en/account/messages/{ticket.reference}"):
        response = client.get(path)
        assert response.status_code == 302
        assert sign_in_target(response.headers["Location"], "en")["next"] == [path]
    response = client.post(f"/zh/account/messages/{ticket.reference}", data={"message": "hi"})
    assert sign_in_target(response.headers["Location"], "zh") is not None
    assert len(messages(app)) == 1


def test_the_list_shows_the_customers_conversations_newest_first_with_a_hint_when_the_shop_answered(
        app, client, signed_in, staff):
    older = open_ticket(app, user_id=signed_in.id, email=signed_in.email, subject="First question")
    newer = open_ticket(app, user_id=signed_in.id, email=signed_in.email, subject="Second question")
    staff_reply(app, older.reference, "Here is the answer.", staff.id)  # now the most recent activity
    page = client.get("/en/account/messages").get_data(as_text=True)
    assert page.index("First question") < page.index("Second question")
    assert page.count("The shop has answered you.") == 1
    hint_at = page.index("The shop has answered you.")
    assert page.index(older.reference) < hint_at < page.index(newer.reference)
    assert "Waiting for the shop" in page and "Answered" in page
    assert 'aria-current="page">Messages</a>' in page
    assert client.get("/en/account/messages").headers["Cache-Control"] == "no-store"


def test_the_account_menu_links_the_messages(client, signed_in):
    page = client.get("/zh/account/").get_data(as_text=True)
    assert 'href="/zh/account/messages"' in page


def test_guest_messages_under_the_confirmed_address_are_listed_and_under_an_unconfirmed_one_not(
        app, make_user):
    confirmed = make_user(email="kim@example.com")
    unconfirmed = make_user(email="lee@example.com", confirmed=False)
    mine = open_ticket(app, email="KIM@example.com", subject="Written before I registered")
    theirs = open_ticket(app, email="lee@example.com", subject="Not proven to be mine")
    kim = sign_in(app, confirmed.email)
    assert "Written before I registered" in kim.get("/en/account/messages").get_data(as_text=True)
    assert kim.get(f"/en/account/messages/{mine.reference}").status_code == 200
    lee = sign_in(app, unconfirmed.email)
    assert "Not proven to be mine" not in lee.get("/en/account/messages").get_data(as_text=True)
    assert lee.get(f"/en/account/messages/{theirs.reference}").status_code == 404


def test_someone_elses_or_an_unknown_conversation_is_not_found_and_cannot_be_answered(app, make_user):
    owner = make_user()
    intruder = make_user()
    ticket = open_ticket(app, user_id=owner.id, email=owner.email)
    client = sign_in(app, intruder.email)
    for reference in (ticket.reference, ticket.reference.lower(), "T-22222222", "nonsense", "T-" + "A" * 500):
        assert client.get(f"/en/account/messages/{reference}").status_code == 404
        assert client.post(f"/en/account/messages/{reference}", data={"message": "let me in"}).status_code == 404
    assert len(messages(app)) == 1
    assert "Lens cap missing" not in client.get("/en/account/messages").get_data(as_text=True)


def test_the_shop_answers_as_the_shop_never_as_the_staff_member(app, client, signed_in, staff):
    ticket = open_ticket(app, user_id=signed_in.id, email=signed_in.email)
    staff_reply(app, ticket.reference, "We are sending a new cap.\nSorry!", staff.id)
    page = client.get(f"/en/account/messages/{ticket.reference}").get_data(as_text=True)
    assert "We are sending a new cap.\nSorry!" in page
    assert app.config["SHOP_NAME"].replace("&", "&amp;") in page.split('class="message-thread"', 1)[1]
    assert staff.email not in page


def test_an_answer_reopens_the_conversation_and_tells_the_shop(app, client, signed_in, outbox):
    ticket = open_ticket(app, user_id=signed_in.id, email=signed_in.email)
    set_status(app, ticket.reference, "closed")
    before = len(outbox())
    response = client.post(f"/zh/account/messages/{ticket.reference}", data={"message": "It arrived, thanks."})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/zh/account/messages/{ticket.reference}"
    [saved] = tickets(app)
    assert saved.status == "open" and saved.updated_at > ticket.updated_at
    assert [m.body for m in messages(app)][-1] == "It arrived, thanks."
    [notice] = outbox()[before:]
    assert notice.recipient == app.config["SHOP_EMAIL"]
    assert notice.subject == f"A customer answered in {ticket.reference}"
    assert "It arrived" not in notice.body_text
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert translated(app, "zh", "Thank you, your answer is sent.") in page


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("value, msgid", [
    ("", "Please write your message."),
    ("   \n ", "Please write your message."),
    ("x" * 5001, "Please keep your message under %(max)d characters."),
])
def test_a_bad_answer_is_refused_beside_the_field_and_nothing_changes(app, client, signed_in, outbox, lang, value,
                                                                     msgid):
    ticket = open_ticket(app, user_id=signed_in.id, email=signed_in.email)
    set_status(app, ticket.reference, "answered")
    before = len(outbox())
    response = client.post(f"/{lang}/account/messages/{ticket.reference}", data={"message": value})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "message") == translated(app, lang, msgid, max=5000)
    assert len(messages(app)) == 1 and tickets(app)[0].status == "answered" and len(outbox()) == before


# A guest's conversation link ------------------------------------------------------------------------------


def test_the_link_in_a_guests_reply_email_opens_the_conversation_and_takes_an_answer(app, client, staff, outbox):
    ticket = open_ticket(app, lang="zh", email="guest@example.com")
    staff_reply(app, ticket.reference, "Which colour would you like?", staff.id)
    reply = outbox()[-1]
    assert reply.recipient == "guest@example.com" and reply.locale == "zh"
    path = re.search(r"http://shop\.test(/zh/contact/\S+)", reply.body_text).group(1)
    assert path == guest_link(app, ticket.reference, "zh")

    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    assert "Which colour would you like?" in page.get_data(as_text=True)

    answered = client.post(path, data={"message": "Black, please."})
    assert answered.status_code == 303 and answered.headers["Location"] == path
    assert [m.body for m in messages(app)][-1] == "Black, please."
    assert tickets(app)[0].status == "open"

    refused = client.post(path, data={"message": ""})
    assert refused.status_code == 422
    assert field_error(refused.get_data(as_text=True), "message") == translated(app, "zh", "Please write your message.")


def test_a_missing_wrong_or_borrowed_token_is_not_found(app, client):
    ticket = open_ticket(app)
    other = open_ticket(app, email="other@example.com")
    good = guest_link(app, ticket.reference)
    token = good.split("token=", 1)[1]
    borrowed = guest_link(app, other.reference).split("token=", 1)[1]
    for path in (f"/en/contact/{ticket.reference}", f"/en/contact/{ticket.reference}?token=",
                 f"/en/contact/{ticket.reference}?token={token[:-2]}xx",
                 f"/en/contact/{ticket.reference}?token={borrowed}",
                 f"/en/contact/{ticket.reference}?token={'a' * 5000}", f"/en/contact/T-22222222?token={token}"):
        assert client.get(path).status_code == 404, path
        assert client.post(path, data={"message": "hello"}).status_code == 404, path
    assert len(messages(app)) == 2
    assert client.get(good).status_code == 200


def test_a_link_to_an_erased_conversation_is_not_found(app, client):
    ticket = open_ticket(app)
    path = guest_link(app, ticket.reference)
    with app.app_context():
        row = db.session.get(SupportTicket, ticket.id)
        row.personal_data_erased_at = utcnow()
        db.session.commit()
    assert client.get(path).status_code == 404
