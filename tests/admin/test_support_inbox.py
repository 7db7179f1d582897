"""The staff's support inbox: the list, one conversation, answering, closing, and writing about an order."""

import html
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import update

from storefront.admin import support as admin_support
from storefront.cart.models import Order
from storefront.extensions import db
from storefront.security import email_digest
from storefront.support import services
from storefront.support.models import SupportTicket
from tests.admin import audit_rows, field_error, input_value, sign_in, translated
from tests.cart.conftest import orders, product  # noqa: F401 - fixtures, reused
from tests.support import XSS, messages, open_ticket, set_status, staff_reply, tickets


@pytest.fixture
def staff(app, make_user):
    member = make_user(role="staff", email="helper@example.com")
    return SimpleNamespace(id=member.id, email=member.email, client=sign_in(app, member.email))


def rows_of(page: str) -> list[str]:
    """The references in the inbox table, top to bottom."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return re.findall(r">(T-[2-9A-Z]{8})</a>", body)


# The inbox ---------------------------------------------------------------------------------------------------


def test_open_conversations_come_first_then_answered_then_closed(app, staff):
    closed = open_ticket(app, subject="Closed one")
    answered = open_ticket(app, subject="Answered one")
    old_open = open_ticket(app, subject="Old open one")
    new_open = open_ticket(app, subject="New open one")
    set_status(app, closed.reference, "closed")
    staff_reply(app, answered.reference, "Answer", staff.id)
    page = staff.client.get("/en/admin/support").get_data(as_text=True)
    assert rows_of(page) == [new_open.reference, old_open.reference, answered.reference, closed.reference]
    assert "New open one" in page and "4 conversations" in page


@pytest.mark.parametrize("status", ["open", "answered", "closed"])
def test_the_status_filter_shows_only_that_status(app, staff, status):
    made = {name: open_ticket(app, subject=name) for name in ("open", "answered", "closed")}
    for name in ("answered", "closed"):
        set_status(app, made[name].reference, name)
    page = staff.client.get(f"/zh/admin/support?status={status}").get_data(as_text=True)
    assert rows_of(page) == [made[status].reference]


def test_search_by_reference_order_number_or_email(app, staff, make_user, buy, product, orders):
    ada = open_ticket(app, email="ada@example.com")
    bob = open_ticket(app, email="bob@example.com")
    assert buy(product, email="carol@example.com").status_code == 303
    [order] = orders()
    with app.test_request_context("/en/"):
        about = services.open_about_order(db.session.get(Order, order.id), subject="Problem", message="Hi",
                                          staff_id=staff.id)
        db.session.commit()
        about = about.reference

    def search(q: str) -> list[str]:
        return rows_of(staff.client.get("/en/admin/support", query_string={"q": q}).get_data(as_text=True))

    assert search(ada.reference) == [ada.reference]
    assert search(ada.reference.lower()) == [ada.reference]
    assert search(ada.reference[2:]) == [ada.reference]  # without the T-
    assert search(" BOB@Example.com ") == [bob.reference]
    assert search(order.number.lower()) == [about]
    assert search("nobody@example.com") == [] and search("T-22222222") == [] and search("garbage ' OR 1=1") == []
    assert sorted(search("")) == sorted([ada.reference, bob.reference, about])


def test_a_malformed_filter_falls_back_and_an_overlong_search_is_refused_beside_its_field(app, staff):
    ticket = open_ticket(app)
    page = staff.client.get("/en/admin/support?status=bogus&page=x").get_data(as_text=True)
    assert rows_of(page) == [ticket.reference]
    response = staff.client.get("/en/admin/support", query_string={"q": "x" * 400})
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "q") is not None
    assert rows_of(response.get_data(as_text=True)) == [ticket.reference]


def test_pages_and_a_page_past_the_end(app, staff, monkeypatch):
    monkeypatch.setattr(admin_support, "INBOX_PER_PAGE", 2)
    made = [open_ticket(app, subject=f"Question {n}").reference for n in range(5)]
    first = staff.client.get("/en/admin/support").get_data(as_text=True)
    assert rows_of(first) == made[::-1][:2] and 'rel="next"' in first
    third = staff.client.get("/en/admin/support?page=3").get_data(as_text=True)
    assert rows_of(third) == made[:1] and 'rel="prev"' in third
    past = staff.client.get("/en/admin/support?page=99&status=open")
    assert past.status_code == 200 and rows_of(past.get_data(as_text=True)) == []
    assert 'href="/en/admin/support?status=open"' in past.get_data(as_text=True)


def test_the_inbox_runs_the_same_number_of_queries_however_many_conversations(app, staff, count_queries,
                                                                              buy, product, orders):
    open_ticket(app)

    def queries() -> int:
        with count_queries() as counted:
            assert staff.client.get("/en/admin/support").status_code == 200
        return counted()

    queries()  # the first page view of a session fills what the session then remembers (the cart count)
    few = queries()
    for _ in range(6):
        open_ticket(app)
    assert buy(product, email="ada@example.com").status_code == 303
    with app.test_request_context("/en/"):
        order = db.session.get(Order, orders()[0].id)
        services.open_ticket(name="A", email="ada@example.com", subject="S", message="M", locale="en", order=order)
        db.session.commit()
    assert queries() == few


# One conversation --------------------------------------------------------------------------------------------


def test_the_conversation_shows_the_customer_and_the_order_and_its_opening_is_audited(
        app, staff, make_user, buy, product, orders):
    customer = make_user(email="kim@example.com")
    assert buy(product, email="kim@example.com").status_code == 303
    [order] = orders()
    with app.test_request_context("/en/"):
        ticket = services.open_ticket(name="Kim Park", email="kim@example.com", subject="Wrong colour",
                                      message="It is red.", locale="zh", user_id=customer.id,
                                      order=db.session.get(Order, order.id))
        db.session.commit()
        reference = ticket.reference
    guest = open_ticket(app, email="guest@example.com")
    before = len(audit_rows(app))

    response = staff.client.get(f"/en/admin/support/{reference}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    for shown in ("Kim Park", "kim@example.com", "Wrong colour", "It is red.", order.number, "中文"):
        assert shown in page
    assert f'href="/en/admin/orders/{order.number}"' in page
    entry = audit_rows(app)[-1]
    assert len(audit_rows(app)) == before + 1
    assert (entry.action, entry.actor_id, entry.subject_user_id, entry.detail) == (
        "customer.view", staff.id, customer.id, reference)

    assert staff.client.get(f"/en/admin/support/{guest.reference}").status_code == 200
    entry = audit_rows(app)[-1]
    assert entry.subject_user_id is None and entry.subject == email_digest("guest@example.com")


@pytest.mark.parametrize("reference", ["T-22222222", "t-nothing", "new-ish", "T-" + "A" * 300])
def test_an_unknown_conversation_is_not_found(app, staff, reference):
    for method, path in (("GET", ""), ("POST", "/reply"), ("POST", "/close"), ("POST", "/reopen")):
        response = staff.client.open(f"/en/admin/support/{reference}{path}", method=method, data={"message": "x"})
        assert response.status_code == 404, (method, path)
    assert audit_rows(app) == []


def test_an_answer_is_emailed_in_the_customers_language_and_shown_to_them_as_the_shop(
        app, staff, make_user, outbox):
    customer = make_user(email="kim@example.com")
    ticket = open_ticket(app, lang="zh", user_id=customer.id, email=customer.email)
    before = len(outbox())
    response = staff.client.post(f"/en/admin/support/{ticket.reference}/reply",
                                 data={"message": "A new cap is on its way.\nSorry!"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/en/admin/support/{ticket.reference}"
    [saved] = tickets(app)
    assert saved.status == "answered"
    answer = messages(app)[-1]
    assert (answer.author, answer.staff_id, answer.body) == ("staff", staff.id, "A new cap is on its way.\nSorry!")

    [mail] = outbox()[before:]
    assert mail.recipient == "kim@example.com" and mail.locale == "zh" and mail.user_id == customer.id
    assert mail.subject == translated(app, "zh", "Our answer to your message %(reference)s",
                                      reference=ticket.reference)
    assert "A new cap is on its way." in mail.body_text and '<html lang="zh-Hans">' in mail.body_html
    assert f"http://shop.test/zh/account/messages/{ticket.reference}" in mail.body_text
    assert staff.email not in mail.body_text and staff.email not in mail.body_html

    page = sign_in(app, customer.email).get(f"/zh/account/messages/{ticket.reference}").get_data(as_text=True)
    assert "A new cap is on its way." in page and staff.email not in page


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("value, msgid", [
    ("", "Please write your message."),
    ("y" * 5001, "Please keep your message under %(max)d characters."),
])
def test_a_bad_answer_is_refused_beside_the_field_and_nothing_is_sent(app, staff, outbox, lang, value, msgid):
    ticket = open_ticket(app)
    before = len(outbox())
    response = staff.client.post(f"/{lang}/admin/support/{ticket.reference}/reply", data={"message": value})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "message") == translated(app, lang, msgid, max=5000)
    assert len(messages(app)) == 1 and tickets(app)[0].status == "open" and len(outbox()) == before


def test_an_erased_conversation_cannot_be_answered(app, staff, outbox):
    ticket = open_ticket(app)
    with app.app_context():
        db.session.execute(update(SupportTicket).values(email=None, email_digest=None, name=None, subject=None))
        db.session.commit()
    before = len(outbox())
    response = staff.client.post(f"/en/admin/support/{ticket.reference}/reply", data={"message": "Hello?"})
    assert response.status_code == 422
    assert "contact details were erased" in field_error(response.get_data(as_text=True), "message")
    assert len(messages(app)) == 1 and len(outbox()) == before


def test_closing_and_opening_again(app, staff):
    ticket = open_ticket(app)
    closed = staff.client.post(f"/zh/admin/support/{ticket.reference}/close")
    assert closed.status_code == 303 and closed.headers["Location"] == "/zh/admin/support"
    assert tickets(app)[0].status == "closed"
    page = staff.client.get(closed.headers["Location"]).get_data(as_text=True)
    assert translated(app, "zh", "The conversation %(reference)s is closed.", reference=ticket.reference) in page
    reopened = staff.client.post(f"/zh/admin/support/{ticket.reference}/reopen")
    assert reopened.status_code == 303 and reopened.headers["Location"] == f"/zh/admin/support/{ticket.reference}"
    assert tickets(app)[0].status == "open"
    assert staff.client.get(f"/en/admin/support/{ticket.reference}/close").status_code == 405


# Writing to a customer about an order ---------------------------------------------------------------------------


@pytest.fixture
def zh_order(app, client, buy, product, orders):
    """A guest order placed in Chinese."""
    assert buy(product, lang="zh", email="mei@example.com").status_code == 303
    [order] = orders()
    return order


def test_the_subject_is_suggested_in_the_orders_language(app, staff, zh_order):
    page = staff.client.get(f"/en/admin/support/new?order={zh_order.number}").get_data(as_text=True)
    assert input_value(page, "subject") == translated(app, "zh", "A problem with your order %(number)s",
                                                      number=zh_order.number)
    assert "中文" in page and "mei@example.com" not in page


def test_a_conversation_about_an_order_reaches_its_email_in_its_language(app, staff, zh_order, outbox):
    before = len(outbox())
    response = staff.client.post(f"/en/admin/support/new?order={zh_order.number}",
                                 data={"subject": "订单问题", "message": "这个颜色缺货。"})
    assert response.status_code == 303
    [ticket] = tickets(app)
    assert response.headers["Location"] == f"/en/admin/support/{ticket.reference}"
    assert (ticket.order_id, ticket.opened_by_id, ticket.locale, ticket.status) == (
        zh_order.id, staff.id, "zh", "answered")
    assert ticket.email == "mei@example.com" and ticket.email_digest == email_digest("mei@example.com")
    assert ticket.user_id is None and ticket.name == zh_order.recipient and ticket.subject == "订单问题"
    [first] = messages(app)
    assert (first.author, first.staff_id, first.body) == ("staff", staff.id, "这个颜色缺货。")
    [mail] = outbox()[before:]
    assert mail.recipient == "mei@example.com" and mail.locale == "zh" and mail.template == "support_about_order"
    assert mail.subject == translated(app, "zh", "A problem with your order %(number)s", number=zh_order.number)
    assert "这个颜色缺货。" in mail.body_text and f"/zh/contact/{ticket.reference}?token=" in mail.body_text


@pytest.mark.parametrize("query", ["", "?order=", "?order=SF-2222-3333", "?order=nonsense", "?order=" + "S" * 500])
def test_an_unknown_order_is_not_found(app, staff, query):
    assert staff.client.get(f"/en/admin/support/new{query}").status_code == 404
    posted = staff.client.post(f"/en/admin/support/new{query}", data={"subject": "s", "message": "m"})
    assert posted.status_code == 404
    assert tickets(app) == []


def test_an_order_whose_email_was_erased_is_refused_in_words(app, staff, zh_order, outbox):
    with app.app_context():
        db.session.execute(update(Order).values(email=None, email_digest=None))
        db.session.commit()
    before = len(outbox())
    refusal = translated(app, "zh", "The customer's contact details were erased at their request: we can no "
                                    "longer write to them.")
    page = staff.client.get(f"/zh/admin/support/new?order={zh_order.number}")
    assert page.status_code == 200 and refusal in html.unescape(page.get_data(as_text=True))
    posted = staff.client.post(f"/zh/admin/support/new?order={zh_order.number}",
                               data={"subject": "Hello", "message": "Hello"})
    assert posted.status_code == 422 and refusal in html.unescape(posted.get_data(as_text=True))
    assert tickets(app) == [] and len(outbox()) == before


@pytest.mark.parametrize("field, value, msgid", [
    ("subject", "", "Please give your message a subject."),
    ("subject", "s" * 201, "Please use at most %(max)d characters."),
    ("message", "", "Please write your message."),
    ("message", "m" * 5001, "Please keep your message under %(max)d characters."),
])
def test_a_bad_message_about_an_order_is_refused_beside_its_field(app, staff, zh_order, outbox, field, value, msgid):
    before = len(outbox())
    data = {"subject": "Hello", "message": "Hello", field: value}
    response = staff.client.post(f"/en/admin/support/new?order={zh_order.number}", data=data)
    assert response.status_code == 422
    maximum = 200 if field == "subject" else 5000
    assert field_error(response.get_data(as_text=True), field) == translated(app, "en", msgid, max=maximum)
    assert tickets(app) == [] and len(outbox()) == before


# Stored XSS from customers ---------------------------------------------------------------------------------------


def test_what_customers_write_is_inert_in_the_inbox_the_conversation_and_the_emails(app, staff, outbox):
    script, image = XSS
    ticket = open_ticket(app, name=image, subject=script + image, message=f"{script}\n{image}")
    inbox = staff.client.get("/en/admin/support").get_data(as_text=True)
    page = staff.client.get(f"/en/admin/support/{ticket.reference}").get_data(as_text=True)
    assert staff.client.post(f"/en/admin/support/{ticket.reference}/reply", data={"message": "Hi"}).status_code == 303
    reply_html = outbox()[-1].body_html
    for text in (inbox, page, reply_html):
        assert "<script>alert" not in text and "<img src=x" not in text and "onerror=\"alert" not in text
    assert html.escape(script, quote=False) in page.replace("&#34;", '"').replace("&quot;", '"')
    assert "&lt;img src=x onerror=" in page and "&lt;script&gt;" in inbox
    assert "&lt;script&gt;" in reply_html  # the subject, quoted back to the customer
    for mail in outbox():
        assert "<script>alert" not in (mail.body_html or "") and "<img src=x" not in (mail.body_html or "")


def test_the_count_of_conversations_waiting_for_the_shop(app, staff):
    for n in range(3):
        open_ticket(app, subject=f"Question {n}")
    set_status(app, tickets(app)[0].reference, "closed")
    staff_reply(app, tickets(app)[1].reference, "Answer", staff.id)
    with app.app_context():
        assert services.count_waiting() == 1


# NUL and other control characters: PostgreSQL text columns refuse NUL ----------------------------------------


@pytest.mark.parametrize("q", ["\x00", "T-\x00", "ada@example.com\x00", "\x00\x01\x1f"])
def test_a_search_with_nul_bytes_never_500(app, staff, q):
    ticket = open_ticket(app, email="ada@example.com")
    response = staff.client.get("/en/admin/support", query_string={"q": q})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "\x00" not in page
    if q.strip("\x00\x01\x1f") in ("", "ada@example.com"):
        assert rows_of(page) == [ticket.reference]


def test_the_control_characters_of_a_search_are_dropped_before_searching(app, staff):
    ada = open_ticket(app, email="ada@example.com")
    open_ticket(app, email="bob@example.com")
    page = staff.client.get("/en/admin/support", query_string={"q": "ada@\x00example.com"}).get_data(as_text=True)
    assert rows_of(page) == [ada.reference]


def test_nul_bytes_in_an_answer_or_a_message_about_an_order_are_never_stored(app, staff, zh_order, outbox):
    ticket = open_ticket(app)
    response = staff.client.post(f"/en/admin/support/{ticket.reference}/reply",
                                 data={"message": "A new cap\x00 is on\x01 its way.\nSorry!"})
    assert response.status_code == 303
    assert messages(app)[-1].body == "A new cap is on its way.\nSorry!"
    response = staff.client.post(f"/en/admin/support/new?order={zh_order.number}",
                                 data={"subject": "订单\x00问题", "message": "这个\x00颜色缺货。"})
    assert response.status_code == 303
    about = tickets(app)[-1]
    assert about.subject == "订单问题" and messages(app)[-1].body == "这个颜色缺货。"
    assert staff.client.post(f"/en/admin/support/{ticket.reference}/reply",
                             data={"message": "\x00\x01"}).status_code == 422
    for row in tickets(app):
        assert "\x00" not in row.subject and "\x00" not in row.name
    for row in messages(app):
        assert "\x00" not in row.body
    for mail in outbox():
        assert "\x00" not in mail.subject and "\x00" not in mail.body_text
