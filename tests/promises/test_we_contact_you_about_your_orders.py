"""Promise: "confirmation email on registration; contact about orders and delivery".

What these tests prove, for the part about contacting customers about their orders: a customer who
registered in English and ordered in Chinese gets the order confirmation in Chinese; when staff open
a conversation about that order (POST /en/admin/support/new?order=<number>, from the admin in English),
exactly one email is queued and delivered over SMTP to the order's address only, in the order's
language (Chinese subject, Chinese page, `Content-Language: zh-Hans`), with the staff member's text;
the conversation then appears among that customer's messages (/zh/account/messages), signed by the
shop, and nowhere in another customer's (their list lacks it, its address is a 404 for them). For a
guest order the email's signed link opens the conversation without an account, and the guest's answer
lands in the support inbox as waiting for the shop.
"""

import email
import email.policy
import re

import pytest

from storefront.notifications.delivery import deliver_due
from tests.admin import sign_in
from tests.support import messages, tickets

STAFF_TEXT = "您订购的镜头盖缺货，我们会在下周寄出。"


@pytest.fixture
def staff(app, make_user):
    member = make_user(role="staff", email="helper@example.com")
    member.client = sign_in(app, member.email)
    return member


@pytest.fixture
def customer(app, make_user, auth, buy, product, orders):
    """A customer who registered in English and ordered in Chinese (signed in on `client`)."""
    user = make_user(email="mei@example.com", preferred_locale="en")
    assert auth.login(user.email).status_code == 303
    assert buy(product, lang="zh").status_code == 303
    [order] = orders()
    user.order = order
    return user


def write_about(staff, order, subject="订单问题"):
    response = staff.client.post(f"/en/admin/support/new?order={order.number}",
                                 data={"subject": subject, "message": STAFF_TEXT})
    assert response.status_code == 303, response.status_code
    return response


def test_the_order_and_a_conversation_about_it_reach_the_orders_address_in_its_language(
        app, customer, staff, outbox, zh_gettext, smtp_server, smtp_port):
    confirmation = [m for m in outbox() if m.template == "order_confirmation"]
    assert [(m.recipient, m.locale) for m in confirmation] == [("mei@example.com", "zh")]
    before = len(outbox())

    write_about(staff, customer.order)
    [mail] = outbox()[before:]
    assert (mail.recipient, mail.locale, mail.user_id) == ("mei@example.com", "zh", customer.id)
    assert mail.subject == zh_gettext("A problem with your order %(number)s", number=customer.order.number)
    assert STAFF_TEXT in mail.body_text and '<html lang="zh-Hans">' in mail.body_html
    assert staff.email not in mail.body_text + mail.body_html

    inbox = smtp_server()
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"
    with app.app_context():
        deliver_due()
    [delivered] = [e for e in inbox.envelopes if STAFF_TEXT.encode() in
                   email.message_from_bytes(e.content, policy=email.policy.default).get_body(("plain",))
                   .get_content().encode()]
    assert delivered.rcpt_tos == ["mei@example.com"]
    received = email.message_from_bytes(delivered.content, policy=email.policy.default)
    assert received["Content-Language"] == "zh-Hans" and received["Subject"] == mail.subject


def test_the_conversation_appears_in_the_customers_messages_and_nobody_elses(app, client, customer, staff,
                                                                              make_user):
    write_about(staff, customer.order, subject="订单 SF 问题")
    [ticket] = tickets(app)
    assert (ticket.user_id, ticket.order_id, ticket.opened_by_id) == (customer.id, customer.order.id, staff.id)

    listing = client.get("/zh/account/messages").get_data(as_text=True)
    assert "订单 SF 问题" in listing and ticket.reference in listing
    page = client.get(f"/zh/account/messages/{ticket.reference}").get_data(as_text=True)
    assert STAFF_TEXT in page and staff.email not in page

    stranger = sign_in(app, make_user(email="other@example.com").email)
    assert ticket.reference not in stranger.get("/zh/account/messages").get_data(as_text=True)
    assert stranger.get(f"/zh/account/messages/{ticket.reference}").status_code == 404
    assert stranger.post(f"/zh/account/messages/{ticket.reference}", data={"message": "hi"}).status_code == 404
    assert len(messages(app)) == 1


def test_a_guest_answers_through_the_link_in_the_email_and_the_shop_sees_it(app, client, buy, product, orders,
                                                                            staff, outbox, make_user):
    assert buy(product, lang="zh", email="guest@example.com").status_code == 303
    [order] = orders()
    write_about(staff, order)
    mail = outbox()[-1]
    assert mail.recipient == "guest@example.com" and mail.locale == "zh"
    link = re.search(r"http://shop\.test(/zh/contact/T-\S+)", mail.body_text).group(1)

    visitor = app.test_client()
    assert STAFF_TEXT in visitor.get(link).get_data(as_text=True)
    assert visitor.post(link, data={"message": "好的，谢谢。"}).status_code == 303
    [ticket] = tickets(app)
    assert ticket.status == "open" and [m.author for m in messages(app)] == ["staff", "customer"]
    inbox = staff.client.get("/en/admin/support?status=open").get_data(as_text=True)
    assert ticket.reference in inbox

    # Nobody without the link reads it, signed in or not.
    assert visitor.get(link.split("?", 1)[0]).status_code == 404
    assert sign_in(app, make_user().email).get(f"/zh/account/messages/{ticket.reference}").status_code == 404
