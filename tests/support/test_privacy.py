"""Customer service in the privacy registry: the export holds the conversations, erasure anonymises them."""

import json

from storefront.privacy.registry import entries
from tests.conftest import PASSWORD
from tests.promises.conftest import table_text  # noqa: F401 - fixture, reused
from tests.support import messages, open_ticket, staff_reply, tickets


def export(client) -> dict:
    response = client.post("/en/account/export", data={"password": PASSWORD})
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


def test_both_tables_are_in_the_registry_with_an_exporter_and_an_eraser(app):
    for table in ("support_ticket", "support_message"):
        entry = entries()[table]
        assert entry.export and entry.erase and entry.category


def test_the_export_holds_the_conversations_with_their_messages_and_the_shop_as_the_author(
        app, client, signed_in, make_user):
    staff = make_user(role="staff", email="helper@example.com")
    mine = open_ticket(app, user_id=signed_in.id, email=signed_in.email, subject="Where is my parcel?")
    as_guest = open_ticket(app, email=signed_in.email, subject="Before I registered")
    open_ticket(app, email="someone@example.com", subject="Not mine")
    staff_reply(app, mine.reference, "It ships today.", staff.id)

    data = export(client)["support"]
    assert [t["reference"] for t in data] == [mine.reference, as_guest.reference]
    first = data[0]
    assert first["subject"] == "Where is my parcel?" and first["email"] == signed_in.email
    assert first["name"] == "Ada Lovelace" and first["status"] == "answered" and first["language"] == "en"
    assert [(m["from"], m["text"]) for m in first["messages"]] == [
        ("you", "The box had no lens cap.\nCould you send one?"), ("shop", "It ships today.")]
    assert "helper@example.com" not in json.dumps(data)


def test_a_staff_member_exports_which_conversations_they_answered_but_not_the_customers_text(app, make_user):
    staff = make_user(role="staff", email="helper@example.com")
    ticket = open_ticket(app, subject="Private matter")
    staff_reply(app, ticket.reference, "Answer with the customer's details", staff.id)
    client = app.test_client()
    client.post("/en/account/login", data={"email": staff.email, "password": PASSWORD})
    data = export(client)
    assert [r["ticket"] for r in data["support_staff_replies"]] == [ticket.reference]
    assert data["support"] == []
    assert "Private matter" not in json.dumps(data) and "customer's details" not in json.dumps(data)


def test_deleting_the_account_keeps_the_conversations_as_history_without_anything_personal(
        app, client, signed_in, make_user, table_text):
    staff = make_user(role="staff", email="helper@example.com")
    mine = open_ticket(app, user_id=signed_in.id, email=signed_in.email, name="Quentin Marlowe-Fairfax",
                       subject="Zanzibar parcel", message="My flat is 7B, Sunderland Crescent")
    as_guest = open_ticket(app, email=signed_in.email, name="Quentin Marlowe-Fairfax", subject="Before")
    other = open_ticket(app, email="someone@example.com", subject="Someone else's question")
    staff_reply(app, mine.reference, "We will deliver to 7B.", staff.id)

    response = client.post("/en/account/delete", data={"password": PASSWORD})
    assert response.status_code == 303
    receipt = client.get("/en/account/deleted").get_data(as_text=True)
    assert "Customer service conversations" in receipt
    assert "Kept as the history of our customer service" in receipt

    kept = {t.reference: t for t in tickets(app)}
    assert set(kept) == {mine.reference, as_guest.reference, other.reference}
    for reference in (mine.reference, as_guest.reference):
        ticket = kept[reference]
        assert ticket.user_id is None and ticket.email is None and ticket.email_digest is None
        assert ticket.name is None and ticket.subject is None
        assert ticket.personal_data_erased_at is not None and ticket.status == "closed"
        assert [m.body for m in messages(app, ticket.id)] == [None] * len(messages(app, ticket.id))
    assert len(messages(app, kept[mine.reference].id)) == 2  # the history: two messages were written
    assert kept[other.reference].subject == "Someone else's question"
    assert [m.body for m in messages(app, kept[other.reference].id)] != [None]

    stored = table_text("support_ticket", "support_message")
    assert signed_in.email not in stored and "Quentin" not in stored  # (encrypted anyway: now NULL)


def test_a_staff_member_leaving_keeps_their_answers_without_the_link_to_them(app, make_user):
    staff = make_user(role="staff", email="helper@example.com")
    ticket = open_ticket(app)
    staff_reply(app, ticket.reference, "It ships today.", staff.id)
    client = app.test_client()
    client.post("/en/account/login", data={"email": staff.email, "password": PASSWORD})
    assert client.post("/en/account/delete", data={"password": PASSWORD}).status_code == 303
    [question, answer] = messages(app)
    assert answer.staff_id is None and answer.body == "It ships today."
    [kept] = tickets(app)
    assert kept.email == "ada@example.com" and kept.personal_data_erased_at is None
