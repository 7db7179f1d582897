"""The admin's customers: the list (search, role filter, pagination) and one customer's file, each view audited."""

import html
import re
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from storefront.account.models import Address, User
from storefront.admin import customers as customers_module
from storefront.cart.models import Order
from storefront.database import utcnow
from storefront.extensions import db
from storefront.privacy import consent
from storefront.privacy.disclosures import disclose
from storefront.privacy.legal import record_request
from storefront.privacy.registry import Person
from storefront.privacy.visits import VisitRecord
from storefront.security import email_digest
from storefront.support.models import SupportTicket
from tests.admin import audit_rows, sign_in, translated
from tests.cart.conftest import checkout_form, checkout_token

SCRIPT = '<script>alert("owned")</script>'
IMG = '<img src=x onerror=alert(1)>'


@pytest.fixture
def staff_world(app, make_user):
    return SimpleNamespace(
        app=app,
        owner=make_user(role="owner", email="owner@example.com"),
        staff=make_user(role="staff", email="staff@example.com"),
    )


@pytest.fixture
def owner(staff_world):
    return sign_in(staff_world.app, staff_world.owner.email)


@pytest.fixture
def staff(staff_world):
    return sign_in(staff_world.app, staff_world.staff.email)


@pytest.fixture
def product(make_product):
    return make_product(price=Decimal("30.00"), stock=50)


@pytest.fixture
def shopper(app, client, auth, make_user, buy, product):
    """A confirmed customer with a full file: profile, an address, two orders (one paid at checkout, one
    40 days old), a support ticket, a consent decision, a visit record and the card processor's disclosures."""
    user = make_user(email="ada@example.com")
    assert auth.login(user.email).status_code == 303
    for _ in range(2):
        assert buy(product).status_code == 303
    with app.app_context():
        row = db.session.get(User, user.id)
        row.full_name, row.phone, row.gender = "Ada Lovelace", "+14155550132", "female"
        row.birth_date = date(1990, 5, 17)
        row.preferred_locale = "zh"
        db.session.add(Address(user_id=user.id, recipient="Ada Lovelace", phone="+14155550132", country="GB",
                               region="London", city="London", line1="12 St James's Square", postal_code="SW1Y 4JH",
                               is_default=True))
        old, new = db.session.scalars(select(Order).where(Order.user_id == user.id).order_by(Order.id)).all()
        old.created_at = utcnow() - timedelta(days=40)
        db.session.add(SupportTicket(reference="T-7K3Q9XWD", user_id=user.id, email=user.email,
                                     email_digest=email_digest(user.email), name="Ada", subject="Where is my parcel?",
                                     locale="en", status="answered"))
        consent.append(visitor="v" * 32, analytics=True, policy_version=1, shown_language="en",
                       prevailing_language="zh", source="banner", user_id=user.id)
        now = utcnow()
        db.session.add(VisitRecord(visitor_hash="h" * 64, user_id=user.id, ip="203.0.113.7", browser="Firefox",
                                   browser_version="128.0", os="Windows", languages="en-GB,en", site_language="en",
                                   first_seen=now - timedelta(days=3), last_seen=now, page_views=17, visit_count=4))
        db.session.commit()
        user.orders = (old.number, new.number)
    return user


def rows_of(page: str) -> list[tuple]:
    """The list's rows: (user id, email, role, confirmed, registered, orders)."""
    return re.findall(
        r'<tr>\s*<td><a href="/(?:en|zh)/admin/customers/(\d+)">([^<]+)</a></td>\s*<td>([^<]*)</td>\s*'
        r'<td>([^<]*)</td>\s*<td>([^<]*)</td>\s*<td>(\d+)</td>', page)


def emails_listed(page: str) -> list[str]:
    return [html.unescape(row[1]) for row in rows_of(page)]


def customer_views(app) -> list:
    return [row for row in audit_rows(app) if row.action == "customer.view"]


# The list -----------------------------------------------------------------------------------------------


def test_the_list_shows_each_account_newest_first_with_role_confirmation_and_order_count(app, staff, make_user,
                                                                                          shopper):
    make_user(email="unconfirmed@example.com", confirmed=False)
    before = audit_rows(app)
    response = staff.get("/en/admin/customers")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    rows = rows_of(page)
    assert [row[1] for row in rows] == ["unconfirmed@example.com", "ada@example.com", "staff@example.com",
                                        "owner@example.com"]
    unconfirmed, ada, staff_row, owner_row = rows
    assert (ada[0], ada[2], ada[3], ada[5]) == (str(shopper.id), "Customer", "Yes", "2")
    assert (unconfirmed[2], unconfirmed[3], unconfirmed[5]) == ("Customer", "No", "0")
    assert staff_row[2] == "Staff" and owner_row[2] == "Owner"
    assert ada[4].strip()  # the registration date
    assert "4 accounts" in page
    # Emails only: nothing decrypted, so the list writes no audit row.
    assert "Ada Lovelace" not in page and "Square" not in page and "+1 415" not in page
    assert audit_rows(app) == before


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_list_is_translated(staff_world, lang, shopper):
    client = sign_in(staff_world.app, staff_world.staff.email, lang=lang)
    page = client.get(f"/{lang}/admin/customers").get_data(as_text=True)
    assert translated(staff_world.app, lang, "Customers") in page
    assert f'lang="{"zh-Hans" if lang == "zh" else "en"}"' in page
    assert translated(staff_world.app, lang, "Customer") in page


@pytest.mark.parametrize("query, expected", [
    ("100%", ["100%sure@example.com"]),  # % is a character, not "anything"
    ("a_b", ["a_b@example.com"]),  # _ is a character, not "any one character"
    ("0\\", ["back0\\slash@example.com"]),
    ("ADA", ["ada@example.com"]),  # stored case-folded: the search is too
    ("  ada@  ", ["ada@example.com"]),
    ("ｄａ@", ["ada@example.com"]),  # full-width, as NFKC stores it
    ("example.com", ["back0\\slash@example.com", "a_b@example.com", "axb@example.com", "1000sure@example.com",
                     "100%sure@example.com", "ada@example.com", "staff@example.com", "owner@example.com"]),
    ("nobody", []),
    ("x" * 2000, []),
])
def test_search_matches_a_substring_of_the_email_literally(app, staff, make_user, shopper, query, expected):
    for email in ("100%sure@example.com", "1000sure@example.com", "axb@example.com", "a_b@example.com",
                  "back0\\slash@example.com"):
        make_user(email=email)
    response = staff.get("/en/admin/customers", query_string={"q": query})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert emails_listed(page) == expected
    if not expected:
        assert "No account matches this search." in page
    box = re.search(r'<input id="q"[^>]*value="([^"]*)"', page)
    assert html.unescape(box.group(1)) == query  # the search stays in its box


@pytest.mark.parametrize("role, expected", [
    ("staff", ["staff@example.com"]),
    ("owner", ["owner@example.com"]),
    ("customer", ["ada@example.com"]),
    ("", ["ada@example.com", "staff@example.com", "owner@example.com"]),
    ("admin", ["ada@example.com", "staff@example.com", "owner@example.com"]),  # unknown: no filter
    ("<script>", ["ada@example.com", "staff@example.com", "owner@example.com"]),
])
def test_the_role_filter(staff, shopper, role, expected):
    response = staff.get("/en/admin/customers", query_string={"role": role})
    assert response.status_code == 200
    assert emails_listed(response.get_data(as_text=True)) == expected


def test_search_and_role_filter_combine(staff, make_user, shopper):
    make_user(email="ada.staff@example.com", role="staff")
    page = staff.get("/en/admin/customers?q=ada&role=staff").get_data(as_text=True)
    assert emails_listed(page) == ["ada.staff@example.com"]


@pytest.fixture
def five_accounts(staff_world, make_user, monkeypatch):
    """Owner, staff and three customers, two to a page."""
    monkeypatch.setattr(customers_module, "PER_PAGE", 2)
    for n in range(3):
        make_user(email=f"page{n}@example.com")


@pytest.mark.parametrize("page, expected", [
    ("1", ["page2@example.com", "page1@example.com"]),
    ("2", ["page0@example.com", "staff@example.com"]),
    ("3", ["owner@example.com"]),
    ("abc", ["page2@example.com", "page1@example.com"]),  # malformed: the first page
    ("0", ["page2@example.com", "page1@example.com"]),
    ("-1", ["page2@example.com", "page1@example.com"]),
    ("1e3", ["page2@example.com", "page1@example.com"]),
    ("99999999999999999999", ["page2@example.com", "page1@example.com"]),
])
def test_pagination(staff, five_accounts, page, expected):
    response = staff.get(f"/en/admin/customers?page={page}")
    assert response.status_code == 200
    assert emails_listed(response.get_data(as_text=True)) == expected


def test_page_links_keep_the_filters(staff, five_accounts):
    page = staff.get("/en/admin/customers?q=page&page=1").get_data(as_text=True)
    assert emails_listed(page) == ["page2@example.com", "page1@example.com"]
    assert ('href="/en/admin/customers?page=2&amp;q=page"' in page
            or 'href="/en/admin/customers?q=page&amp;page=2"' in page)
    second = staff.get("/en/admin/customers?q=page&page=2").get_data(as_text=True)
    assert emails_listed(second) == ["page0@example.com"]


def test_a_page_past_the_end_is_empty_with_a_link_back(staff, five_accounts):
    response = staff.get("/en/admin/customers?page=99&role=customer")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert emails_listed(page) == []
    assert 'href="/en/admin/customers?role=customer"' in page and "Back to the first page" in page


def test_the_list_runs_a_fixed_number_of_queries(app, staff, make_user, count_queries):
    assert staff.get("/en/admin/customers").status_code == 200  # caches warmed up
    with count_queries() as counted:
        assert staff.get("/en/admin/customers").status_code == 200
    few = counted()
    for n in range(8):
        make_user(email=f"more{n}@example.com")
    with count_queries() as counted:
        assert staff.get("/en/admin/customers").status_code == 200
    assert counted() == few


# One customer's file ---------------------------------------------------------------------------------------


def test_the_detail_shows_the_whole_file(app, staff_world, staff, shopper):
    response = staff.get(f"/en/admin/customers/{shopper.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    # Profile
    for text in ("ada@example.com", "Ada Lovelace", "+1 415-555-0132", "May 17, 1990", "Female", "中文"):
        assert text in page, text
    # Address
    assert "12 St James&#39;s Square" in page and "SW1Y 4JH" in page
    # Orders: both, newest first, with status and total
    old, new = shopper.orders
    assert page.index(new) < page.index(old)
    assert "Paid" in page and "$38.00" in page
    # Orders and tickets link to their admin pages, where the admin area has them.
    for endpoint, url in (("admin.order_detail", f"/en/admin/orders/{new}"),
                          ("admin.support_ticket", "/en/admin/support/T-7K3Q9XWD")):
        assert (f'href="{url}"' in page) is (endpoint in app.view_functions), endpoint
    # Support ticket, consent, visits
    assert "T-7K3Q9XWD" in page and "Where is my parcel?" in page and "Answered" in page
    assert "Allowed" in page
    assert "Firefox" in page and "4 visits" in page and "17 pages viewed" in page
    assert "203.0.113.7" not in page  # the IP address is not needed to run the shop
    # Disclosures: the card processor, once per order
    assert page.count("(Card processor)") == 2
    # Legal requests are the owner's: not on the staff member's page
    assert "Legal requests about this customer" not in page


def test_the_detail_is_translated(staff_world, shopper):
    client = sign_in(staff_world.app, staff_world.staff.email, lang="zh")
    page = client.get(f"/zh/admin/customers/{shopper.id}").get_data(as_text=True)
    assert 'lang="zh-Hans"' in page
    assert translated(staff_world.app, "zh", "Saved addresses") in page


def test_opening_the_detail_writes_exactly_one_audit_row(app, staff_world, staff, owner, shopper):
    assert customer_views(app) == []
    assert staff.get(f"/en/admin/customers/{shopper.id}").status_code == 200
    [view] = customer_views(app)
    assert (view.actor_id, view.subject_user_id) == (staff_world.staff.id, shopper.id)
    assert len(audit_rows(app)) == 1

    assert owner.get(f"/zh/admin/customers/{shopper.id}").status_code == 200
    views = customer_views(app)
    assert len(views) == 2 and views[1].actor_id == staff_world.owner.id and views[1].subject_user_id == shopper.id
    # The list does not count as a view of anyone's data.
    staff.get("/en/admin/customers")
    assert len(audit_rows(app)) == 2


@pytest.mark.parametrize("path", [
    "/en/admin/customers/999999",
    "/en/admin/customers/0",
    "/en/admin/customers/-1",
    "/en/admin/customers/abc",
    "/en/admin/customers/1.5",
    "/en/admin/customers/99999999999999999999999",
    "/zh/admin/customers/2147483648",
    "/en/admin/customers/%00",
])
def test_an_unknown_or_malformed_id_is_404_and_writes_nothing(app, staff, shopper, path):
    response = staff.get(path)
    assert response.status_code == 404
    assert audit_rows(app) == []


def test_the_detail_runs_a_fixed_number_of_queries(app, staff, shopper, buy, product, count_queries):
    assert staff.get(f"/en/admin/customers/{shopper.id}").status_code == 200  # caches warmed up
    with count_queries() as counted:
        assert staff.get(f"/en/admin/customers/{shopper.id}").status_code == 200
    few = counted()
    for _ in range(3):
        assert buy(product, address_id="new").status_code == 303  # more orders, lines, disclosures
    with count_queries() as counted:
        assert staff.get(f"/en/admin/customers/{shopper.id}").status_code == 200
    assert counted() == few


def test_guest_orders_under_the_confirmed_address_are_in_the_file(app, staff, shopper, product):
    guest = app.test_client()
    assert guest.post("/en/cart/items", data={"product_id": str(product.id), "quantity": "1"}).status_code == 303
    placed = guest.post("/en/checkout", data=checkout_form(checkout_token(guest), email="ADA@example.com"))
    assert placed.status_code == 303
    number = placed.headers["Location"].rsplit("/", 1)[-1].split("?")[0]
    page = staff.get(f"/en/admin/customers/{shopper.id}").get_data(as_text=True)
    assert number in page and "as a guest" in page


def test_confidential_disclosures_and_legal_requests_are_shown_to_the_owner_only(app, staff_world, staff, owner,
                                                                                    shopper):
    person = Person(shopper.id, shopper.email, True)
    with app.app_context():
        secret = record_request(authority="Secret Service", reference="GAG-1", legal_basis="Order 1",
                                scope=["orders"], person=person, may_notify=False)
        disclose("authority", ["orders"], recipient_name="Secret Service", user_id=shopper.id, email=shopper.email,
                 reference="GAG-1", legal_request_id=secret.id, confidential=True)
        db.session.commit()
        request_id = secret.id
    owner_page = owner.get(f"/en/admin/customers/{shopper.id}").get_data(as_text=True)
    assert "Secret Service" in owner_page and "Confidential: hidden from the customer" in owner_page
    assert "Legal requests about this customer" in owner_page
    assert f'href="/en/admin/legal/{request_id}"' in owner_page

    staff_page = staff.get(f"/en/admin/customers/{shopper.id}").get_data(as_text=True)
    assert "Secret Service" not in staff_page and "GAG-1" not in staff_page
    assert "(Card processor)" in staff_page


def test_stored_xss_in_names_and_addresses_is_inert_in_the_list_and_the_detail(app, staff, make_user):
    victim = make_user(email="victim@example.com", full_name=SCRIPT, phone=None)
    with app.app_context():
        db.session.add(Address(user_id=victim.id, recipient=SCRIPT, phone="+14155550132", country="US",
                               region=IMG, city=IMG, district=SCRIPT, line1=IMG, line2=SCRIPT, postal_code=IMG,
                               is_default=True))
        db.session.add(SupportTicket(reference="T-XSS00001", user_id=victim.id, email=victim.email, name=SCRIPT,
                                     email_digest=email_digest(victim.email), subject=IMG, locale="en"))
        db.session.commit()
    listing = staff.get("/en/admin/customers").get_data(as_text=True)
    detail = staff.get(f"/en/admin/customers/{victim.id}").get_data(as_text=True)
    for page in (listing, detail):
        assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(" in detail
    assert "&lt;img src=x onerror=alert(1)&gt;" in detail
