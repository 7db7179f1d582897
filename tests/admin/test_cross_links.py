"""The admin's pages lead to each other: an order to a conversation about it, a conversation and a
customer to their orders and conversations."""

import re

from sqlalchemy import select

from storefront.cart.models import Order
from storefront.extensions import db
from tests.admin import csrf_token_of, sign_in


def test_order_conversation_and_customer_pages_link_to_each_other(app, client, make_user, make_product, auth, buy):
    customer = make_user(email="ada@example.com")
    assert auth.login(customer.email).status_code == 303
    assert buy(make_product()).status_code == 303
    with app.app_context():
        number = db.session.scalar(select(Order.number))
    staff = sign_in(app, make_user(role="staff", email="staff@example.com").email)

    order_page = staff.get(f"/en/admin/orders/{number}").get_data(as_text=True)
    new_link = f'href="/en/admin/support/new?order={number}"'
    assert new_link in order_page

    form = staff.get(f"/en/admin/support/new?order={number}").get_data(as_text=True)
    sent = staff.post(f"/en/admin/support/new?order={number}", data={
        "csrf_token": csrf_token_of(form), "subject": "Your lens", "message": "The lens is late by a day."})
    assert sent.status_code == 303
    ticket_page = staff.get(sent.headers["Location"]).get_data(as_text=True)
    assert f'href="/en/admin/orders/{number}"' in ticket_page
    reference = re.search(r"/en/admin/support/(T-[A-Z0-9]+)", sent.headers["Location"]).group(1)

    customer_page = staff.get(f"/en/admin/customers/{customer.id}").get_data(as_text=True)
    assert f'href="/en/admin/orders/{number}"' in customer_page
    assert f'href="/en/admin/support/{reference}"' in customer_page


def test_an_authoritys_reference_that_reads_like_an_order_number_never_shows_on_the_order(
        app, client, make_user, make_product, auth, buy):
    customer = make_user(email="ada@example.com")
    assert auth.login(customer.email).status_code == 303
    assert buy(make_product()).status_code == 303
    with app.app_context():
        number = db.session.scalar(select(Order.number))
    owner = sign_in(app, make_user(role="owner", email="owner@example.com").email)
    recorded = owner.post("/en/admin/legal/new", data={
        "email": customer.email, "authority": "Cyber Unit", "reference": number, "legal_basis": "Court order 1",
        "scope": ["orders"], "may_notify": ""})
    assert recorded.status_code == 303
    assert owner.post(recorded.headers["Location"] + "/answer").status_code == 303

    staff = sign_in(app, make_user(role="staff", email="staff@example.com").email)
    page = staff.get(f"/en/admin/orders/{number}").get_data(as_text=True)
    assert "Cyber Unit" not in page
    assert "Cyber Unit" not in owner.get(f"/en/admin/orders/{number}").get_data(as_text=True)
