"""The crawled shop: the demo catalogue with a customer, orders, tickets and the owner, crawled once per module."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from PIL import Image
from sqlalchemy import func, select

from storefront import create_app
from storefront.account.models import User
from storefront.catalog import demo
from storefront.cart.models import Order
from storefront.catalog.models import Product
from storefront.catalog.services import save_product_image
from storefront.database import utcnow, write_transaction
from storefront.extensions import db
from storefront.notifications.models import OutboxMessage
from storefront.privacy.policy import current_version
from storefront.security import hash_password
from storefront.support.models import SupportTicket
from tests.cart.conftest import ADDRESS, checkout_form, checkout_token
from tests.conftest import PASSWORD, make_config
from tests.crawler.crawl import Crawler, same_site
from tests.crawler.pages import read_page
from tests.support import CONTACT

OWNER, STAFF, CUSTOMER = "owner@example.com", "staff@example.com", "ada@example.com"
CARRIER = "Swift Parcel Logistics"  # the default STOREFRONT_LOGISTICS_COMPANY
STARTS = ["/en/", "/zh/", "/en/account/", "/zh/account/", "/en/admin/", "/zh/admin/"]
# Pages only a form's redirect leads to (account/deleted too, but only from the erasure it confirms).
AFTER_FORMS = [f"/{lang}/{path}" for lang in ("en", "zh") for path in ("contact/sent", "account/password-reset/sent")]


def add_user(app, email: str, **values) -> int:
    with app.app_context():
        user = User(email=email, password_hash=hash_password(PASSWORD), email_confirmed_at=utcnow(),
                    preferred_locale="en", **values)
        db.session.add(user)
        db.session.commit()
        return user.id


def signed_in(app, email: str, lang: str = "en"):
    """A client of `app` signed in as `email`, sending the sign-in form's own CSRF token when there is one."""
    client = app.test_client()
    page = read_page(client.get(f"/{lang}/account/login").get_data(as_text=True))
    [form] = [form for form in page.forms if form.method == "POST" and "password" in dict(form.fields)]
    data = {**dict(form.fields), "email": email, "password": PASSWORD}
    response = client.post(f"/{lang}/account/login", data=data)
    assert response.status_code == 303, response.status_code
    return client


def posted(client, url: str, data: dict) -> str:
    """POSTs a form that must succeed; returns where it leads."""
    response = client.post(url, data=data)
    errors = re.findall(r'class="error"[^>]*>([^<]*)', response.get_data(as_text=True))
    assert response.status_code == 303, (url, response.status_code, errors)
    return response.headers["Location"]


def in_stock_products(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Product.id).where(Product.stock > 5).order_by(Product.id).limit(3)))


def buy(client, product_id: int, lang: str, **overrides) -> str:
    posted(client, f"/{lang}/cart/items", {"product_id": str(product_id), "quantity": "1"})
    return posted(client, f"/{lang}/checkout", checkout_form(checkout_token(client, lang), **overrides))


def order_number(location: str) -> str:
    return re.search(r"/orders/([^/?]+)", location).group(1)


def build_shop(app) -> list[str]:
    """Everything a shop in use holds, made through its own pages (CSRF off on this app); returns the links
    its emails hold."""
    seed_catalogue(app)
    owner_id = add_user(app, OWNER, role="owner")
    add_user(app, STAFF, role="staff")
    add_user(app, CUSTOMER)
    first, second, third = in_stock_products(app)
    serve_the_customer(app, first, second)
    serve_a_guest(app, third)
    owner = signed_in(app, OWNER)
    run_the_back_office(app, owner, owner_id)
    publish_policy_change(app, owner)
    posted(app.test_client(), "/zh/account/password-reset", {"email": CUSTOMER})
    return mailed_links(app)


def seed_catalogue(app) -> None:
    # The demo's drawings take half a second each and no page check looks at them: a flat picture will do.
    with pytest.MonkeyPatch.context() as patch, app.app_context(), write_transaction():
        patch.setattr(demo, "draw_product_image", lambda kind, colour, seed: Image.new("RGB", (400, 400), colour))
        demo.seed_demo(app.config["UPLOAD_DIR"])
        db.session.commit()


def serve_the_customer(app, first: int, second: int) -> None:
    """A profile, an order in each language, a saved address, a full cart and a conversation about an order."""
    customer = signed_in(app, CUSTOMER)
    posted(customer, "/en/account/profile", {"full_name": "Ada Lovelace", "phone": "+14155550132", "gender": "female",
                                             "birth_date": "1990-12-10", "preferred_locale": "en"})
    orders = [order_number(buy(customer, first, "en")), order_number(buy(customer, second, "zh"))]
    posted(customer, "/en/account/addresses/new", {**ADDRESS, "is_default": "y"})
    posted(customer, "/en/cart/items", {"product_id": str(first), "quantity": "2"})
    posted(customer, "/en/contact", {**CONTACT, "email": CUSTOMER, "order_number": orders[0]})


def serve_a_guest(app, product_id: int) -> None:
    guest = app.test_client()
    buy(guest, product_id, "zh", email="guest@example.com")
    posted(guest, "/zh/contact", {**CONTACT, "email": "guest@example.com", "subject": "Tripod question"})


def run_the_back_office(app, owner, owner_id: int) -> None:
    """Replies, shipping and a legal request; and what puts the rest of the admin's forms on its pages: an
    archived product, a product with two pictures, an empty category, a closed conversation."""
    with app.app_context():
        tickets = {t.user_id: t.reference for t in db.session.scalars(select(SupportTicket))}
        order = db.session.scalar(select(Order.number).where(Order.user_id.is_not(None)).order_by(Order.id))
        last = db.session.scalar(select(func.max(Product.id)))
        with write_transaction():
            save_product_image(db.session.get(Product, last - 1), Image.new("RGB", (400, 400), "#0b4f6c"),
                               app.config["UPLOAD_DIR"])
            db.session.commit()
    [customer_ticket] = [reference for user_id, reference in tickets.items() if user_id is not None]
    posted(owner, f"/en/admin/support/{customer_ticket}/reply", {"message": "A new cap is on its way."})
    posted(owner, f"/en/admin/support/{tickets[None]}/close", {})
    posted(owner, f"/en/admin/orders/{order}/ship", {"carrier": CARRIER, "tracking_number": "1Z999AA1"})
    answered, _pending = (posted(owner, "/en/admin/legal/new", legal_request(reference))
                          for reference in ("CASE-2026-0041", "CASE-2026-0042"))
    posted(owner, same_site(answered, "/") + "/answer", {})
    posted(owner, f"/en/admin/products/{last}/archive", {})
    posted(owner, "/en/admin/categories/new", {"slug": "gift-cards", "name_en": "Gift cards", "name_zh": "礼品卡",
                                               "description_en": "Coming soon.", "description_zh": "即将推出。",
                                               "is_active": "y"})


def legal_request(reference: str) -> dict:
    return {"email": CUSTOMER, "authority": "Metropolitan Police Cyber Unit", "reference": reference,
            "legal_basis": "Court order 17/2026 under section 5", "scope": ["orders"],
            "period_from": (utcnow().date() - timedelta(days=10)).isoformat(), "period_to": "", "may_notify": "y"}


def publish_policy_change(app, owner) -> None:
    """A material change: the consent banner returns and signed-in customers are reminded."""
    with app.app_context():
        version = current_version()
        data = {"body_en": version.text("en").body + "\n\nA new closing paragraph.", "body_zh": version.text("zh").body,
                "summary_en": "A new closing paragraph.", "summary_zh": "新增了结尾一段。"}
    posted(owner, "/en/admin/policy", {**data, "material": "y", "action": "publish"})


def mailed_links(app) -> list[str]:
    """The shop's links in every queued email: pages a person reaches only from their inbox."""
    base = app.config["BASE_URL"]
    with app.app_context():
        bodies = db.session.scalars(select(OutboxMessage.body_text)).all()
    found = {match for body in bodies for match in re.findall(re.escape(base) + r"(/[^\s<>\"')]*)", body or "")}
    return sorted(link for link in (same_site(url, "/") for url in found) if link)


@pytest.fixture(scope="module")
def world(module_database_url, tmp_path_factory):
    """The shop built once, then crawled (CSRF on) anonymously, as the customer and as the owner."""
    root = tmp_path_factory.mktemp("crawl")
    apps = []

    def make(**overrides):
        apps.append(create_app(make_config(root, DATABASE_URL=module_database_url, **overrides)))
        return apps[-1]

    try:
        mailed = build_shop(make())
        app = make(WTF_CSRF_ENABLED=True)
        clients = {"anonymous": app.test_client(), "customer": signed_in(app, CUSTOMER), "owner": signed_in(app, OWNER)}
        # Links from emails are followed as a person opening their mail might: not signed in.
        starts = {"anonymous": STARTS + AFTER_FORMS + mailed, "customer": STARTS, "owner": STARTS}
        crawlers = {role: Crawler(client) for role, client in clients.items()}
        for role, crawler in crawlers.items():
            crawler.run(starts[role])
        yield SimpleNamespace(app=app, clients=clients, crawlers=crawlers,
                              crawls={role: crawler.visits for role, crawler in crawlers.items()})
    finally:
        for app in apps:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
