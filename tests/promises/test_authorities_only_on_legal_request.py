"""Promise: "law enforcement on legal request".

What these tests prove: a customer's data reaches an authority only through a recorded legal request
(privacy.legal.record_request, then answer_request, which the owner's legal-request pages in the admin
call: recorded → answered → disclosure recorded, and no other admin code reads a person's data out for
anyone outside the shop):
the answer holds only the categories and the period the request covers, and a disclosure record names
the authority, its reference and the categories; the customer sees that disclosure in
/en/account/privacy and in the account export, unless the authority forbade telling them
(may_notify=False); a refused or already answered request releases nothing; an authority hand-over
without a recorded request, or about someone the request does not name, is refused; and anyone can
read the yearly numbers (received, answered, refused) at /en/privacy/transparency.
"""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from storefront.cart.models import Order
from storefront.database import utcnow
from storefront.extensions import db
from storefront.privacy.disclosures import Disclosure, disclose
from storefront.privacy.legal import LegalRequest, LegalRequestError, answer_request, record_request, refuse_request
from storefront.privacy.registry import Person

AUTHORITY = "Metropolitan Police Cyber Unit"


@pytest.fixture
def customer(app, signed_in, buy, product, orders):
    """A signed-in customer with two orders: one today, one placed 40 days ago."""
    for _ in range(2):
        assert buy(product).status_code == 303
    old, new = orders()
    with app.app_context():
        placed = db.session.get(Order, old.id)
        placed.created_at = utcnow() - timedelta(days=40)
        db.session.commit()
    signed_in.old_order, signed_in.new_order = old.number, new.number
    signed_in.person = Person(signed_in.id, signed_in.email, True)
    return signed_in


def request_for(app, person, *, scope=("orders",), may_notify=True, reference="CASE-2026-0042", **period):
    with app.app_context():
        legal_request = record_request(authority=AUTHORITY, reference=reference, legal_basis="Court order 17/2026",
                                       scope=list(scope), person=person, may_notify=may_notify, **period)
        db.session.commit()
        return legal_request.id


def answer(app, request_id, person):
    with app.app_context():
        released = answer_request(db.session.get(LegalRequest, request_id), person)
        db.session.commit()
        return released


def authority_disclosures(app) -> list[Disclosure]:
    with app.app_context():
        found = db.session.scalars(select(Disclosure).where(Disclosure.recipient == "authority")).all()
        db.session.expunge_all()
        return found


def privacy_centre_disclosures(client) -> str:
    page = client.get("/en/account/privacy")
    assert page.status_code == 200
    return page.text.split("To whom we gave your data", 1)[1].split("</section>", 1)[0]


def test_an_answered_request_releases_only_its_scope_and_period_and_the_customer_sees_it(app, client, customer):
    request_id = request_for(app, customer.person, period_from=date.today() - timedelta(days=10))
    released = answer(app, request_id, customer.person)

    assert set(released) == {"orders"}  # no profile, addresses, visits, emails...
    assert [item["number"] for item in released["orders"]] == [customer.new_order]  # the old one is out of period
    [record] = authority_disclosures(app)
    assert (record.recipient_name, record.reference, record.fields) == (AUTHORITY, "CASE-2026-0042", "orders")
    assert record.legal_request_id == request_id and record.user_id == customer.id
    assert (record.purpose, record.legal_basis, record.confidential) == ("legal_request", "legal_obligation", False)
    with app.app_context():
        assert db.session.get(LegalRequest, request_id).status == "answered"

    shown = privacy_centre_disclosures(client)
    assert AUTHORITY in shown and "CASE-2026-0042" in shown and "Authority with a legal request" in shown
    [item] = [li for li in shown.split("<li>") if AUTHORITY in li]
    # What was given is named as the registry's category: the customer's orders, not an aggregate.
    assert "Orders" in item and "orders per day" not in item

    exported = client.post("/en/account/export", data={"password": customer.password}).get_json()
    assert [d["recipient_name"] for d in exported["disclosures"] if d["recipient"] == "authority"] == [AUTHORITY]
    assert [r["reference"] for r in exported["legal_requests"]] == ["CASE-2026-0042"]


def test_a_confidential_request_is_recorded_but_not_shown_to_the_customer(app, client, customer):
    request_id = request_for(app, customer.person, scope=("orders", "profile"), may_notify=False,
                             reference="SECRET-7")
    released = answer(app, request_id, customer.person)

    assert set(released) == {"orders", "profile"}
    [record] = authority_disclosures(app)
    assert record.confidential is True and record.legal_request_id == request_id

    shown = privacy_centre_disclosures(client)
    assert AUTHORITY not in shown and "SECRET-7" not in shown
    exported = client.post("/en/account/export", data={"password": customer.password})
    assert AUTHORITY not in exported.text and "SECRET-7" not in exported.text


def test_a_refused_or_already_answered_request_releases_nothing_more(app, customer):
    refused = request_for(app, customer.person, reference="REFUSED-1")
    with app.app_context():
        refuse_request(db.session.get(LegalRequest, refused))
        db.session.commit()
    with pytest.raises(ValueError):
        answer(app, refused, customer.person)
    assert authority_disclosures(app) == []

    answered = request_for(app, customer.person, reference="ONCE-1")
    answer(app, answered, customer.person)
    with pytest.raises(ValueError):
        answer(app, answered, customer.person)
    assert len(authority_disclosures(app)) == 1


def test_a_request_must_say_who_asks_why_and_for_what(app, customer):
    with app.app_context():
        with pytest.raises(LegalRequestError) as refused:
            record_request(authority="", reference="", legal_basis="", scope=["everything"], person=customer.person,
                           may_notify=True)
        assert set(refused.value.errors) == {"authority", "reference", "legal_basis", "scope"}
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(LegalRequest)) == 0


def test_nothing_goes_to_an_authority_without_a_recorded_request(app, customer):
    with app.app_context():
        with pytest.raises(ValueError):
            disclose("authority", ["orders"], recipient_name=AUTHORITY, email=customer.email, user_id=customer.id,
                     reference="NO-REQUEST")
        db.session.rollback()
    assert authority_disclosures(app) == []


def test_an_answer_releases_only_the_data_of_the_person_the_request_names(app, customer, make_user):
    bystander = make_user()
    request_id = request_for(app, customer.person)
    with pytest.raises(ValueError):
        answer(app, request_id, Person(bystander.id, bystander.email, True))
    assert authority_disclosures(app) == []


def test_the_transparency_report_counts_requests_per_year(app, client, customer):
    empty = client.get("/en/privacy/transparency")
    assert empty.status_code == 200
    assert "We have not received any legal request for customer data." in empty.text

    answered = request_for(app, customer.person, reference="A-1")
    answer(app, answered, customer.person)
    refused = request_for(app, customer.person, reference="R-1")
    with app.app_context():
        refuse_request(db.session.get(LegalRequest, refused))
        db.session.commit()
    request_for(app, customer.person, reference="P-1")  # received, not yet handled

    page = client.get("/en/privacy/transparency").text
    cells = re.search(rf'<th scope="row">{utcnow().year}</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>', page)
    assert cells is not None
    assert cells.groups() == ("3", "1", "1")
    for secret in (AUTHORITY, "A-1", "R-1", customer.email):
        assert secret not in page  # numbers only


# Through the admin: the owner's legal-request pages are the one way --------------------------------------------


def test_the_owner_records_answers_and_the_disclosure_is_recorded_through_the_admin(app, client, customer, make_user):
    from tests.admin import audit_rows, sign_in

    owner = make_user(role="owner", email="owner@example.com")
    admin = sign_in(app, owner.email)
    recorded = admin.post("/en/admin/legal/new", data={
        "email": customer.email, "authority": AUTHORITY, "reference": "CASE-ADMIN-1",
        "legal_basis": "Court order 17/2026", "scope": ["orders"],
        "period_from": (date.today() - timedelta(days=10)).isoformat(), "period_to": "", "may_notify": "y"})
    assert recorded.status_code == 303
    request_path = recorded.headers["Location"].removeprefix("http://localhost")
    request_id = int(request_path.rsplit("/", 1)[1])
    assert authority_disclosures(app) == []  # recorded: nothing released yet
    assert admin.get(f"{request_path}/export.json").status_code == 404

    assert admin.post(f"{request_path}/answer").status_code == 303
    [record] = authority_disclosures(app)
    assert (record.recipient_name, record.reference, record.fields) == (AUTHORITY, "CASE-ADMIN-1", "orders")
    assert record.legal_request_id == request_id and record.user_id == customer.id and record.staff_id == owner.id
    assert [(row.action, row.detail) for row in audit_rows(app) if row.action != "customer.view"] == [
        ("legal_request", "legal.received"), ("legal_request", "legal.answered"), ("disclosure", "CASE-ADMIN-1")]

    released = admin.get(f"{request_path}/export.json").get_json()["data"]
    assert set(released) == {"orders"}
    assert [item["number"] for item in released["orders"]] == [customer.new_order]  # the old one is out of period

    shown = privacy_centre_disclosures(client)
    assert AUTHORITY in shown and "CASE-ADMIN-1" in shown
    assert admin.post(f"{request_path}/answer").status_code == 409  # once only
    assert len(authority_disclosures(app)) == 1
    page = client.get("/en/privacy/transparency").text
    assert re.search(rf'<th scope="row">{utcnow().year}</th><td>1</td><td>1</td><td>0</td>', page)


def test_staff_cannot_reach_the_legal_requests(app, customer, make_user):
    from tests.admin import sign_in

    person = customer.person
    request_id = request_for(app, person)
    answer(app, request_id, person)
    staff = sign_in(app, make_user(role="staff").email)
    for method, path in (("GET", "/en/admin/legal"), ("GET", "/en/admin/legal/new"), ("POST", "/en/admin/legal/new"),
                         ("GET", f"/en/admin/legal/{request_id}"), ("POST", f"/en/admin/legal/{request_id}/answer"),
                         ("GET", f"/en/admin/legal/{request_id}/export.json")):
        assert staff.open(path, method=method, data={}).status_code == 403, path


# What reads a person's data for someone outside the shop, and where in the admin it may be called.
RELEASING = {"answer_request", "scoped_export", "export_person", "export_account", "export_requests",
             "export_disclosures", "export_orders", "export_profile"}
ALLOWED_CALLERS = {
    ("customers.py", "answer_legal_request", "answer_request"),  # the answer, which records the disclosure
    ("customers.py", "released_export", "scoped_export"),  # the download of what an answer released
    ("customers.py", "_request_page", "scoped_export"),  # the preview: categories and counts only
}


def test_no_other_path_in_the_admin_gives_an_authority_data():
    """Every call in the admin that reads a person's data out of the registry, or hands data to an
    authority, sits in the owner's legal-request views (whose access the admin tests check)."""
    import ast
    from pathlib import Path

    import storefront.admin

    found = set()
    for path in sorted(Path(storefront.admin.__file__).parent.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
                if name in RELEASING:
                    found.add((path.name, function.name, name))
                if name in ("disclose", "hand_over"):
                    recipient = node.args[0] if node.args else None
                    assert not (isinstance(recipient, ast.Constant) and recipient.value == "authority"), (
                        f"{path.name}:{function.name} hands data to an authority outside answer_request")
    assert found == ALLOWED_CALLERS


def test_the_admin_download_serves_only_answered_requests(app, customer, make_user):
    from tests.admin import sign_in

    person = customer.person
    waiting = request_for(app, person, reference="WAIT-1")
    refused = request_for(app, person, reference="NO-1")
    with app.app_context():
        refuse_request(db.session.get(LegalRequest, refused))
        db.session.commit()
    owner = sign_in(app, make_user(role="owner").email)
    for request_id in (waiting, refused):
        assert owner.get(f"/en/admin/legal/{request_id}/export.json").status_code == 404
    assert authority_disclosures(app) == []
