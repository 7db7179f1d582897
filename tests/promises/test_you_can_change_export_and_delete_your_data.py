"""Promise: "change or delete your information freely" (the privacy side of it).

What these tests prove, for a customer who browsed with consent, changed that choice while signed
in, acknowledged the policy, bought something that was handed to the card processor and the carrier,
and was the subject of a legal request: the privacy centre shows the changed choices; the one-step
export (POST /en/account/export with the password) contains the visit record, the consent decisions,
the disclosures, the legal request and the policy acknowledgements; deleting the account
(POST /en/account/delete) erases the visit records, acknowledgements and the links from consent
entries to the person, keeps the consent entries themselves (the hash chain still verifies, via
privacy.consent.verify_ledger), keeps the disclosure and legal-request records under a pseudonym, and
leaves nothing of the person's email address (plain or as its digest), account id or IP address in
those tables.
"""

import pytest
from sqlalchemy import func, select

from storefront.cart.models import Order
from storefront.extensions import db
from storefront.privacy.consent import ConsentEntry, ConsentLink, verify_ledger
from storefront.privacy.disclosures import Disclosure, hand_over
from storefront.privacy.legal import LegalRequest, answer_request, record_request
from storefront.privacy.policy import PolicyAcknowledgement
from storefront.privacy.registry import Person
from storefront.privacy.visits import VisitRecord
from storefront.security import email_digest

IP = "203.0.113.7"
PRIVACY_TABLES = ("visit_record", "policy_acknowledgement", "consent_link", "consent_entry", "disclosure",
                  "legal_request")


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def customer(app, shopper, make_user, auth, buy, product, orders):
    """A customer with something in every privacy category, signed in on `shopper`."""
    user = make_user()
    shopper.accept()  # before signing in: the record is linked to the account at sign-in
    assert shopper.get("/en/").status_code == 200
    assert auth.login(user.email).status_code == 303
    shopper.decline(source="settings", next="/en/privacy/consent")  # changed my mind, signed in
    shopper.accept(source="settings", next="/en/privacy/consent")  # and again
    for path in ("/en/", "/en/terms"):
        assert shopper.get(path).status_code == 200
    assert shopper.post("/en/privacy/acknowledge", {"next": "/en/"}).status_code == 303
    assert buy(product).status_code == 303
    [order] = orders()
    person = Person(user.id, user.email, True)
    with app.app_context():
        hand_over(db.session.get(Order, order.id), recipient_name="Kite Couriers")
        legal_request = record_request(authority="District Court", reference="DC-9", legal_basis="Order 9",
                                       scope=["orders"], person=person, may_notify=True)
        answer_request(legal_request, person)
        db.session.commit()
    user.order_number = order.number
    return user


def test_the_privacy_centre_shows_each_changed_choice(shopper, customer):
    page = shopper.get("/en/account/privacy").text
    decisions = page.split("Your consent decisions", 1)[1].split("</table>", 1)[0]
    assert decisions.count("<tr>") == 1 + 2  # header, then the two choices made while signed in
    # (the pages: /en/ before the decline erased the record, then /en/, /en/terms and /en/checkout)
    assert "Allowed" in decisions and "Not allowed" in decisions
    visits = page.split("Visits we recorded", 1)[1].split("</section>", 1)[0]
    assert "Chrome" in visits and "Linux" in visits and "3 pages viewed" in visits


def test_the_export_contains_visits_consents_disclosures_and_acknowledgements(shopper, customer):
    refused = shopper.post("/en/account/export", {"password": "not my password"})
    assert refused.mimetype == "text/html"  # no data without the password

    exported = shopper.post("/en/account/export", {"password": customer.password})
    assert exported.status_code == 200 and exported.mimetype == "application/json"
    assert "attachment" in exported.headers["Content-Disposition"]
    data = exported.get_json()

    [visit] = data["visits"]
    assert visit["ip"] == IP and visit["browser"] == "Chrome" and visit["os"] == "Linux"
    assert visit["languages"] == ["en-GB", "en", "zh-CN"] and visit["page_views"] == 3
    assert [(c["analytics"], c["source"]) for c in data["consents"]] == [(False, "settings"), (True, "settings")]
    assert all(c["prevailing_language"] == "zh" and c["policy_version"] == 1 for c in data["consents"])
    assert sorted(d["recipient"] for d in data["disclosures"]) == ["authority", "card_processor", "logistics"]
    logistics = next(d for d in data["disclosures"] if d["recipient"] == "logistics")
    assert logistics["fields"] == ["name", "address", "phone", "email"]
    assert logistics["reference"] == customer.order_number
    assert [r["reference"] for r in data["legal_requests"]] == ["DC-9"]
    assert [a["version"] for a in data["policy_acknowledgements"]] == [1]


def test_deleting_the_account_erases_visits_acknowledgements_and_consent_links(app, shopper, customer, rows,
                                                                                table_text):
    entries_before = count(app, ConsentEntry)
    assert entries_before == 3 and count(app, ConsentLink) == 2
    assert count(app, VisitRecord) == 1 and count(app, PolicyAcknowledgement) == 1

    deleted = shopper.post("/en/account/delete", {"password": customer.password})
    assert deleted.status_code == 303 and deleted.headers["Location"] == "/en/account/deleted"

    assert count(app, VisitRecord) == 0
    assert count(app, PolicyAcknowledgement) == 0
    assert count(app, ConsentLink) == 0
    assert count(app, ConsentEntry) == entries_before  # the proof of what was asked and answered stays
    with app.app_context():
        verified = verify_ledger()
    assert verified.ok and verified.entries == entries_before

    disclosures = rows(Disclosure)
    assert len(disclosures) == 3  # a legal duty: kept, but about a pseudonym
    for record in disclosures:
        assert record.user_id is None and record.subject.startswith("erased-")
    [legal_request] = rows(LegalRequest)
    assert legal_request.user_id is None and legal_request.subject.startswith("erased-")

    left = table_text(*PRIVACY_TABLES)
    for trace in (customer.email, email_digest(customer.email), IP):
        assert trace not in left
    assert shopper.get("/en/account/privacy").status_code in (302, 303)  # signed out, the account is gone
