"""Many people at once against the real shop under gunicorn with 4 workers (issue #7).

Each scenario releases its requests together (a barrier), so they overlap across the worker processes:
what one process holds in memory cannot help, only the database and Redis decide. The last test stops
gunicorn and reads its whole log.
"""

import json
import re
import time
from collections import Counter
from decimal import Decimal

from sqlalchemy import func, select

from storefront.account.models import User
from storefront.cart.models import Order, OrderLine
from storefront.catalog.models import Category, CategoryTranslation, Product, ProductTranslation
from storefront.database import write_transaction
from storefront.extensions import db
from storefront.notifications.models import OutboxMessage
from storefront.payments.models import Payment
from storefront.privacy.visits import PageCount
from storefront.security import hash_password
from tests.cart.conftest import ADDRESS
from tests.multiworker.conftest import WORKERS, Person, at_once, in_parallel, log_records, timed

CARD = "4242 4242 4242 4242"
CARD_SPELLINGS = (CARD, CARD.replace(" ", ""), CARD.replace(" ", "-"))
SOLD_OUT = {"en": ("sold out",), "zh": ("售罄",)}
EMAIL_TAKEN = {"en": "An account with this email address already exists.", "zh": "该电子邮箱地址已注册账户"}
WRONG_PASSWORD = {"en": "The email address or password is not right.", "zh": "电子邮箱地址或密码不正确。"}
TOO_MANY = {"en": "Too many requests", "zh": "请求过于频繁"}
ORDER_LINK = re.compile(r"^/(en|zh)/orders/(SF-[0-9A-Z]{4}-[0-9A-Z]{4})\?token=([A-Za-z0-9._-]+)$")


def lang_of(n: int) -> str:
    """Every other person uses the shop in Chinese, so each answer is checked in both languages."""
    return "zh" if n % 2 else "en"


def make_product(shop, slug: str, stock: int, category_id: int | None = None) -> int:
    def insert():
        with write_transaction():
            product = Product(slug=slug, sku=slug.upper()[:40], price=Decimal("42.00"), stock=stock,
                              category_id=category_id, translations={}, images=[])
            product.translations["en"] = ProductTranslation(locale="en", name=f"Lens {slug}", summary="A lens")
            product.translations["zh"] = ProductTranslation(locale="zh", name=f"镜头 {slug}", summary="镜头")
            db.session.add(product)
            db.session.commit()
            return product.id

    return shop.query(insert)


def make_category(shop, slug: str) -> int:
    def insert():
        with write_transaction():
            category = Category(slug=slug, position=1)
            category.translations["en"] = CategoryTranslation(locale="en", name="Telescopes")
            category.translations["zh"] = CategoryTranslation(locale="zh", name="望远镜")
            db.session.add(category)
            db.session.commit()
            return category.id

    return shop.query(insert)


def captured_payments_logged(shop) -> int:
    """The processor's captures, counted from the workers' own log lines (each worker has its processor)."""
    return sum(1 for line in shop.log_path.read_text().splitlines() if '"message": "payment captured:' in line)


# 1. A hundred buyers for the last unit --------------------------------------------------------------


def test_a_hundred_buyers_for_the_last_unit_make_one_order_and_one_charge(shop):
    product_id = make_product(shop, "last-lens", stock=1)
    shop.reset_limits()
    shop.never_logged(*CARD_SPELLINGS)
    captured_before = captured_payments_logged(shop)

    def prepare(n: int):
        """Put the lens in the cart and open the checkout, as each buyer's browser would."""
        lang, person = lang_of(n), shop.person()
        fields = person.form(f"/{lang}/products/last-lens", f"/{lang}/cart/items")
        added = person.post(f"/{lang}/cart/items", {**fields, "quantity": "1"})
        assert added.status == 303, (added.status, added.text[:500])
        checkout = person.form(f"/{lang}/checkout")
        email = f"buyer{n}@example.com"
        shop.never_logged(email)
        order = {**checkout, **ADDRESS, "email": email, "card_number": CARD, "card_expiry": "12/30",
                 "card_cvc": "737", "card_name": "Ada Lovelace", "payment_consent": "y"}
        assert order["checkout_token"] and order["cart_version"] and order["csrf_token"]
        return lambda: (lang, person, person.post(f"/{lang}/checkout", order))

    with timed("100 buyers: carts and checkout pages"):
        checkouts = in_parallel([lambda n=n: prepare(n) for n in range(100)])
    with timed("100 buyers: checkout at once"):
        results = at_once(checkouts)

    shop.check_pages()
    placed = [(lang, person, page) for lang, person, page in results if page.status == 303]
    refused = [(lang, page) for lang, _person, page in results if page.status != 303]
    assert len(placed) == 1, sorted(page.status for _lang, _person, page in results)
    lang, winner, page = placed[0]
    link = ORDER_LINK.match(page.location or "")
    assert link and link.group(1) == lang, page.location
    shop.never_logged(link.group(3))  # the signed order link opens the order: no log may hold it
    for refused_lang, refusal in refused:
        assert refusal.status == 422, (refusal.status, refusal.text[:300])
        assert any(word in refusal.text for word in SOLD_OUT[refused_lang]), refusal.text[:2000]
        assert CARD not in refusal.text  # the card fields come back empty
    confirmation = winner.get(page.location)
    assert confirmation.status == 200 and link.group(2) in confirmation.text

    def database():
        orders = db.session.scalars(select(Order).join(OrderLine).where(OrderLine.product_id == product_id)).all()
        payments = db.session.scalars(select(Payment).where(Payment.order_id.in_([o.id for o in orders]))).all()
        return ([(o.number, o.status) for o in orders], [(p.status, p.last4) for p in payments],
                db.session.scalar(select(Product.stock).where(Product.id == product_id)))

    orders, payments, stock = shop.query(database)
    assert orders == [(link.group(2), "paid")]
    assert payments == [("captured", "4242")]
    assert stock == 0
    assert captured_payments_logged(shop) - captured_before == 1  # the processor captured once, in one worker


def test_one_checkout_form_posted_ten_times_at_once_is_one_order_and_one_charge(shop):
    """Impatient clicks landing on different workers: each worker's processor remembers only its own
    idempotency keys, so only the database (the unique checkout token, the locked cart) can stop a second charge."""
    product_id = make_product(shop, "double-click-lens", stock=5)
    shop.reset_limits()
    captured_before = captured_payments_logged(shop)
    buyer = shop.person()
    fields = buyer.form("/en/products/double-click-lens", "/en/cart/items")
    assert buyer.post("/en/cart/items", {**fields, "quantity": "1"}).status == 303
    shop.never_logged("impatient@example.com")
    order = {**buyer.form("/en/checkout"), **ADDRESS, "email": "impatient@example.com", "card_number": CARD,
             "card_expiry": "12/30", "card_cvc": "737", "card_name": "Ada Lovelace", "payment_consent": "y"}

    results = at_once([lambda: buyer.post("/en/checkout", order) for _ in range(10)])
    shop.check_pages()
    assert [page.status for page in results] == [303] * 10
    locations = {page.location for page in results}
    assert len(locations) == 1 and ORDER_LINK.match(locations.pop())

    def database():
        orders = db.session.scalar(select(func.count(Order.id)).join(OrderLine).where(OrderLine.product_id == product_id))
        payments = db.session.scalar(select(func.count(Payment.id)).join(Order).join(OrderLine)
                                     .where(OrderLine.product_id == product_id))
        return orders, payments, db.session.scalar(select(Product.stock).where(Product.id == product_id))

    assert shop.query(database) == (1, 1, 4)
    assert captured_payments_logged(shop) - captured_before == 1


# 2. One consenting visitor, two hundred pages at once -----------------------------------------------


def test_two_hundred_concurrent_page_views_of_one_consenting_visitor_are_all_counted(shop):
    category_id = make_category(shop, "telescopes")
    slugs = ("wide-field-scope", "solar-filter", "pocket-loupe")
    for slug in slugs:
        make_product(shop, slug, stock=5, category_id=category_id)
    shop.reset_limits()
    visitor = shop.person()
    fields = visitor.form("/en/privacy/consent")
    answer = visitor.post("/en/privacy/consent", {**fields, "analytics": "yes", "next": "/en/"})
    assert answer.status == 303
    # Production mode: the cookies are Secure (sent back only because the jar treats 127.0.0.1 as browsers do).
    assert visitor.cookie("consent").secure and visitor.cookie("visitor").secure
    before = json.loads(visitor.get("/en/privacy/my-data.json").text)
    assert before["consent"]["analytics"] is True
    base = before["visitor"]["page_views"] if before["visitor"] else 0

    pages = ["/en/products", "/zh/products?sort=price", "/en/products?page=1&q=lens", "/en/categories/telescopes",
             *(f"/{lang}/products/{slug}" for slug in slugs for lang in ("en", "zh"))]
    paths = [pages[n % len(pages)] for n in range(200)]
    keys = sorted({re.sub(r"^/(en|zh)", "", path.split("?")[0]) for path in paths})

    def counters():
        rows = db.session.execute(select(PageCount.page, func.sum(PageCount.views), func.sum(PageCount.visitors))
                                  .where(PageCount.page.in_(keys)).group_by(PageCount.page)).all()
        return {page: (int(views), int(visitors)) for page, views, visitors in rows}

    counted_before = shop.query(counters)
    with timed("200 page views at once"):
        views = at_once([lambda path=path: visitor.get(path) for path in paths])
    shop.check_pages()
    assert [page.status for page in views] == [200] * 200
    assert all(page.headers.get_content_type() == "text/html" for page in views)

    after = json.loads(visitor.get("/en/privacy/my-data.json").text)["visitor"]
    assert after["page_views"] - base == 200
    assert after["visit_count"] == 1 and after["browser"] == "Chrome" and after["ip"] == visitor.ip
    # The daily counters hold nobody and each worker writes them in batches (PAGE_COUNT_FLUSH_SECONDS, 2 s
    # by default, and from an idle timer): within a few seconds every view is there, exactly once.
    expected = {key: sum(1 for path in paths if re.sub(r"^/(en|zh)", "", path.split("?")[0]) == key) for key in keys}
    deadline = time.monotonic() + 15
    while True:
        counted_after = shop.query(counters)
        landed = {key: counted_after.get(key, (0, 0))[0] - counted_before.get(key, (0, 0))[0] for key in keys}
        if landed == expected or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    for key in keys:
        views_before, visitors_before = counted_before.get(key, (0, 0))
        views_after, visitors_after = counted_after[key]
        assert views_after - views_before == sum(1 for path in paths if re.sub(r"^/(en|zh)", "", path.split("?")[0]) == key)
        assert visitors_after - visitors_before == 1, key  # one consenting visitor per page and day, counted once


# 3. Twenty registrations of one address ---------------------------------------------------------------


ALICE = "alice@example.com"
ALICE_SPELLINGS = [
    "Alice@Example.com", "ALICE@example.COM", "ａｌｉｃｅ@example.com", "ＡＬＩＣＥ＠ＥＸＡＭＰＬＥ．ＣＯＭ",
    "alice@example.com", " alice@EXAMPLE.com ", "aLiCe@eXaMpLe.CoM", "Ａlice@example.ｃｏｍ",
    "alice@ｅｘａｍｐｌｅ.com", "ALICE@EXAMPLE.COM",
] * 2
ALICE_PASSWORD = "copper kettle under the stairs"


def test_twenty_registrations_of_one_address_in_any_case_or_width_make_one_account(shop, smtp_inbox):
    shop.reset_limits()
    shop.never_logged(ALICE, ALICE_PASSWORD, *ALICE_SPELLINGS)

    def prepare(n: int):
        lang, person = lang_of(n), shop.person()
        fields = person.form(f"/{lang}/account/register")
        form = {**fields, "email": ALICE_SPELLINGS[n], "password": ALICE_PASSWORD,
                "password_confirm": ALICE_PASSWORD, "full_name": ""}
        return lambda: (lang, person.post(f"/{lang}/account/register", form))

    registrations = in_parallel([lambda n=n: prepare(n) for n in range(20)])
    with timed("20 registrations at once"):
        results = at_once(registrations)
    shop.check_pages()

    created = [(lang, page) for lang, page in results if page.status == 303]
    assert len(created) == 1, sorted(page.status for _lang, page in results)
    assert created[0][1].location == f"/{created[0][0]}/account/"
    for lang, page in results:
        if page.status != 303:
            # The shop's answer for an address that has an account: the form again, saying so.
            assert page.status == 422 and EMAIL_TAKEN[lang] in page.text, (page.status, page.text[:300])
            assert ALICE_PASSWORD not in page.text

    def accounts():
        users = db.session.scalars(select(User).where(func.lower(User.email).like("%alice%"))).all()
        mails = db.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.template == "account_confirm", OutboxMessage.user_id.in_([u.id for u in users])))
        return [u.email for u in users], mails

    assert shop.query(accounts) == ([ALICE], 1)
    # `flask outbox send` (the production mail worker) delivers it over SMTP: one confirmation, to the one account.
    sent = shop.flask("outbox", "send")
    assert sent.returncode == 0, sent.stderr[-2000:]
    assert ALICE not in sent.stdout + sent.stderr
    to_alice = [envelope for envelope in smtp_inbox.inbox.envelopes if envelope.rcpt_tos == [ALICE]]
    assert len(to_alice) == 1


# 4. Thirty wrong passwords for one account ------------------------------------------------------------


VICTIM = "victim@example.com"
VICTIM_PASSWORD = "lantern harbour seventeen gulls"
GUESSES = [f"guess number {n} is wrong" for n in range(30)]


def test_thirty_wrong_passwords_at_once_are_five_evaluated_and_then_the_account_is_locked(shop, needs_redis):
    def insert():
        with write_transaction():
            user = User(email=VICTIM, password_hash=hash_password(VICTIM_PASSWORD), preferred_locale="en")
            db.session.add(user)
            db.session.commit()
            return user.id

    user_id = shop.query(insert)
    shop.reset_limits()
    shop.never_logged(VICTIM, "Victim@Example.com", VICTIM_PASSWORD, *GUESSES)
    attacker_ip = shop.person().ip  # one client address; the per-email limit (5) bites before its 20

    def prepare(n: int):
        lang, person = lang_of(n), Person(shop, attacker_ip)
        fields = person.form(f"/{lang}/account/login")
        form = {**fields, "email": VICTIM if n % 3 else "Victim@Example.com", "password": GUESSES[n]}
        return lambda: (lang, person.post(f"/{lang}/account/login", form))

    attempts = in_parallel([lambda n=n: prepare(n) for n in range(30)])
    with timed("30 wrong passwords at once"):
        results = at_once(attempts)
    shop.check_pages()

    statuses = sorted(page.status for _lang, page in results)
    assert statuses == [422] * 5 + [429] * 25, Counter(statuses)  # exactly five passwords were checked
    for lang, page in results:
        if page.status == 422:
            assert WRONG_PASSWORD[lang] in page.text
        else:
            assert int(page.headers["Retry-After"]) > 0
            assert TOO_MANY[lang] in page.text, page.text[:500]

    # The owner, on their own device and address, now types the right password: refused while the limit holds.
    owner = shop.person()
    fields = owner.form("/en/account/login")
    page = owner.post("/en/account/login", {**fields, "email": VICTIM, "password": VICTIM_PASSWORD})
    assert page.status == 429 and int(page.headers["Retry-After"]) > 0 and TOO_MANY["en"] in page.text
    assert owner.cookie("remember_token") is None
    assert shop.query(lambda: db.session.get(User, user_id).last_login_at) is None
    shop.check_pages()


def test_failed_sign_ins_from_one_address_stop_at_twenty_a_minute_whichever_the_email(shop, needs_redis):
    shop.reset_limits()
    emails = [f"nobody{n}@example.com" for n in range(30)]
    shop.never_logged(*emails)
    address = shop.person().ip

    def prepare(n: int):
        person = Person(shop, address)
        fields = person.form("/en/account/login")
        return lambda: person.post("/en/account/login", {**fields, "email": emails[n], "password": GUESSES[n]})

    attempts = in_parallel([lambda n=n: prepare(n) for n in range(30)])
    with timed("30 sign-ins from one address at once"):
        results = at_once(attempts)
    shop.check_pages()
    statuses = sorted(page.status for page in results)
    assert statuses == [422] * 20 + [429] * 10, Counter(statuses)
    assert all(int(page.headers["Retry-After"]) > 0 for page in results if page.status == 429)


# The log of it all -------------------------------------------------------------------------------------


def test_gunicorns_log_holds_no_client_address_even_when_a_limit_refuses(shop, needs_redis):
    """flask-limiter would log each refusal with its key (the client's address); storefront.logs quiets it."""
    person = shop.person()
    fields = person.form("/en/account/register")
    answers = [person.post("/en/account/register", {**fields, "email": "not an address"}).status for _ in range(6)]
    assert answers == [422] * 5 + [429]  # registration: 5 per hour per client address
    text = shop.log_path.read_text()  # a worker's own lines are written before its answer goes out
    assert sorted(address for address in shop.client_addresses if address in text) == []


def test_gunicorns_log_is_json_without_errors_queries_or_personal_data(shop):
    # Whatever ran before: at least a query string and a sign-in with personal data go through the log.
    person, email, password = shop.person(), "log.reader@example.com", "never in any log line"
    shop.never_logged(email, password)
    assert person.get(f"/en/products?q={email}&sort=price").status == 200
    fields = person.form("/en/account/login")
    assert person.post("/en/account/login", {**fields, "email": email, "password": password}).status in (422, 429)
    shop.stop()
    shop.check_pages()
    text = shop.log_path.read_text()
    errors = shop.error_path.read_text()
    records = log_records(shop)  # every stdout line is one JSON object

    for marker in ("database is locked", "Traceback", "OperationalError"):
        assert marker not in text and marker not in errors, marker
    assert [r for r in records if r["level"] in ("error", "critical")] == []
    assert sum(1 for r in records if r["message"].startswith("Booting worker")) == WORKERS

    access = [r for r in records if r["logger"] == "gunicorn.access"]
    assert len(access) == len(shop.pages) + shop.readiness_polls  # one line per request, none lost
    assert all(r.get("request_id") for r in access)
    assert len({r["request_id"] for r in access}) == len(access)
    assert [r["path"] for r in access if "?" in r["path"]] == []
    assert "/en/products" in [r["path"] for r in access]

    logged = (text + errors).casefold()
    leaked = sorted(secret for secret in shop.secrets if secret.strip().casefold() in logged)
    assert leaked == []

