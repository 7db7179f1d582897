"""Shipping an order through the admin: exactly one logistics disclosure with exactly the manifest's
fields, shown in the customer's privacy centre, and one email to the customer over a real SMTP
server, in the order's language."""

import csv
import email
import email.policy
import io

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.notifications.delivery import deliver_due
from storefront.privacy.disclosures import MANIFESTS, Disclosure
from tests.admin import sign_in, translated
from tests.cart.conftest import ADDRESS, orders  # noqa: F401 - fixture, reused

CARRIER = "Swift Parcel Logistics"  # the default STOREFRONT_LOGISTICS_COMPANY


def deliver_outbox(app) -> None:
    with app.app_context():
        sent, failed = deliver_due()
        assert failed == 0


def messages(inbox) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            for envelope in inbox.envelopes]


def logistics_records(app) -> list[Disclosure]:
    with app.app_context():
        found = db.session.scalars(select(Disclosure).where(Disclosure.recipient == "logistics"))
        return [(d.fields, d.recipient_name, d.reference, d.user_id, d.staff_id) for d in found]


@pytest.fixture
def mail(app, smtp_server, smtp_port):
    inbox = smtp_server()
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"
    return inbox


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_shipping_hands_over_once_shows_it_to_the_customer_and_emails_them_in_the_orders_language(
        app, client, auth, make_user, make_product, buy, orders, mail, lang):  # noqa: F811
    customer = make_user(email="ming@example.com", preferred_locale="en")
    staff = make_user(role="staff", email="staff@example.com")
    assert auth.login(customer.email).status_code == 303
    assert buy(make_product(stock=3), lang=lang).status_code == 303
    [order] = orders()
    deliver_outbox(app)  # the confirmation and the shop's notice leave first
    checkout_mail = len(mail.envelopes)

    shipped = sign_in(app, staff.email).post(f"/{lang}/admin/orders/{order.number}/ship",
                                             data={"carrier": CARRIER, "tracking_number": "sf 1234 5678"})
    assert shipped.status_code == 303

    # Exactly one hand-over, of exactly the fields the logistics manifest declares.
    assert logistics_records(app) == [("name,address,phone,email", CARRIER, order.number, customer.id, staff.id)]
    assert tuple(logistics_records(app)[0][0].split(",")) == MANIFESTS["logistics"].fields
    # The carrier's CSV holds those fields' values and the parcel's own data, nothing else.
    manifest = sign_in(app, staff.email).get(f"/en/admin/orders/{order.number}/manifest.csv")
    header, row = csv.reader(io.StringIO(manifest.data.decode("utf-8-sig")))
    assert header == ["Order number", "Carrier", "Tracking number", "Name", "Address line 1", "Address line 2",
                      "District", "City", "Region", "Postal code", "Country", "Phone", "Email address", "Items"]
    assert row[3:13] == [ADDRESS["recipient"], ADDRESS["line1"], ADDRESS["line2"], "", ADDRESS["city"],
                         ADDRESS["region"], ADDRESS["postal_code"], ADDRESS["country"], "'+14155550132",
                         customer.email]

    # The customer sees it in the privacy centre.
    centre = client.get(f"/{lang}/account/privacy")
    disclosures = centre.text.split('class="disclosure-list"', 1)[1].split("</ul>", 1)[0]
    assert CARRIER in disclosures and order.number in disclosures
    assert translated(app, lang, "Logistics company") in disclosures
    separator = "、" if lang == "zh" else ", "
    fields = separator.join(translated(app, lang, label) for label in
                            ("name", "address", "phone number", "email address"))
    assert fields in disclosures
    assert disclosures.count("<li>") == 2  # the card processor at checkout, the carrier now

    # One email, over SMTP, to the customer, in the order's language (not the account's).
    deliver_outbox(app)
    [sent] = messages(mail)[checkout_mail:]
    assert sent["To"].addresses[0].addr_spec == customer.email
    assert sent["Subject"] == translated(app, lang, "Your order %(number)s is on its way", number=order.number)
    assert sent["Content-Language"] == ("zh-Hans" if lang == "zh" else "en")
    body = sent.get_body(("plain",)).get_content()
    assert CARRIER in body and "SF12345678" in body
    assert f"http://shop.test/{lang}/orders/{order.number}?token=" in body
    assert translated(app, lang, "Delivery address:") in body
    if lang == "zh":
        assert translated(app, "zh", "Delivery address:") != "Delivery address:"
    page = sent.get_body(("html",)).get_content()
    assert CARRIER in page and f'href="http://shop.test/{lang}/orders/{order.number}?token=' in page

    # Shipping again hands over nothing more and sends nothing more.
    again = sign_in(app, staff.email).post(f"/{lang}/admin/orders/{order.number}/ship",
                                           data={"carrier": CARRIER, "tracking_number": "SF99999999"})
    assert again.status_code == 409
    deliver_outbox(app)
    assert len(logistics_records(app)) == 1 and len(mail.envelopes) == checkout_mail + 1
