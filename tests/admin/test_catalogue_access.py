"""The catalogue's access matrix: every catalogue URL under /<lang>/admin, GET and POST, as anonymous,
customer, staff and owner, in both languages; and every POST refused without its CSRF token."""

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from storefront.catalog.models import Product
from storefront.catalog.services import save_product_image
from storefront.database import utcnow
from storefront.extensions import db
from tests.admin import assert_forbidden_page, assert_sent_to_sign_in, client_as, csrf_token_of, shared, world_for
from tests.admin.test_catalogue import catalogue
from tests.conftest import PASSWORD, category_maker, product_maker, user_maker

LANGS = ("en", "zh")
ROLES = ("anonymous", "customer", "staff", "owner")


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), "navy").save(buffer, "PNG")
    return buffer.getvalue()


PRODUCT = {"name_en": "Field Scope", "name_zh": "观鸟镜", "summary_en": "", "summary_zh": "", "description_en": "",
           "description_zh": "", "slug": "", "sku": "FS-1", "price": "120.00", "stock": "4", "category": "",
           "is_active": "y"}
CATEGORY = {"name_en": "Optics", "name_zh": "光学", "description_en": "", "description_zh": "", "slug": "",
            "is_active": "y"}

# name → (method, path template, form data); {product} has two pictures, {image} and {image2};
# {archived} is archived, {deletable} never ordered; {category} holds {product}, {empty_category} nothing.
REQUESTS = {
    "products": ("GET", "/{lang}/admin/products", None),
    "products filtered": ("GET", "/{lang}/admin/products?q=scope&status=active&low_stock=y&category=1&page=1", None),
    "new product page": ("GET", "/{lang}/admin/products/new", None),
    "create product": ("POST", "/{lang}/admin/products/new", PRODUCT),
    "edit product page": ("GET", "/{lang}/admin/products/{product}", None),
    "save product": ("POST", "/{lang}/admin/products/{product}", {**PRODUCT, "slug": "renamed", "sku": "RENAMED-1"}),
    "upload image": ("POST", "/{lang}/admin/products/{product}/images", {"image": png()}),
    "move image": ("POST", "/{lang}/admin/products/{product}/images/{image2}/move", {"direction": "up"}),
    "delete image": ("POST", "/{lang}/admin/products/{product}/images/{image}/delete", {}),
    "archive product": ("POST", "/{lang}/admin/products/{product}/archive", {}),
    "restore product": ("POST", "/{lang}/admin/products/{archived}/restore", {}),
    "delete product": ("POST", "/{lang}/admin/products/{deletable}/delete", {}),
    "categories": ("GET", "/{lang}/admin/categories", None),
    "new category page": ("GET", "/{lang}/admin/categories/new", None),
    "create category": ("POST", "/{lang}/admin/categories/new", CATEGORY),
    "edit category page": ("GET", "/{lang}/admin/categories/{category}", None),
    "save category": ("POST", "/{lang}/admin/categories/{category}", {**CATEGORY, "slug": "optics-renamed"}),
    "move category": ("POST", "/{lang}/admin/categories/{category}/move", {"direction": "down"}),
    "delete category": ("POST", "/{lang}/admin/categories/{empty_category}/delete", {}),
}

# Staff edit the catalogue as the owner does.
EXPECTED = {
    "customer": dict.fromkeys(REQUESTS, 403),
    "staff": {name: 200 if method == "GET" else 303 for name, (method, _path, _data) in REQUESTS.items()},
}
EXPECTED["owner"] = EXPECTED["staff"]


def build_world(app) -> SimpleNamespace:
    """Staff, the owner, a customer; the catalogue the REQUESTS name, pictures included."""
    make_user, make_product, make_category = user_maker(app), product_maker(app), category_maker(app)
    category = make_category(slug="scopes")
    empty_category = make_category(slug="empty")
    product = make_product(slug="scope", category=category)
    with app.app_context():
        loaded = db.session.get(Product, product.id)
        first = save_product_image(loaded, Image.new("RGB", (80, 60), "red"), app.config["UPLOAD_DIR"])
        second = save_product_image(loaded, Image.new("RGB", (80, 60), "blue"), app.config["UPLOAD_DIR"])
        db.session.commit()
        image, image2 = first.id, second.id
    return SimpleNamespace(
        app=app, upload_dir=Path(app.config["UPLOAD_DIR"]),
        owner=make_user(role="owner", email="owner@example.com"),
        staff=make_user(role="staff", email="staff@example.com"),
        customer=make_user(email="customer@example.com"),
        ids={"product": product.id, "image": image, "image2": image2, "category": category.id,
             "empty_category": empty_category.id,
             "archived": make_product(slug="old", is_active=False, archived_at=utcnow()).id,
             "deletable": make_product(slug="unsold").id},
    )


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.fixture(scope="module")
def shared_world(module_app):
    """The world of the cases that change nothing, built once for the module."""
    return shared(build_world(module_app))


def state(world) -> tuple:
    files = sorted(p.name for p in world.upload_dir.iterdir()) if world.upload_dir.exists() else []
    return catalogue(world.app), files


def send(client, world, name: str, lang: str, **extra):
    method, template, data = REQUESTS[name]
    path = template.format(lang=lang, **world.ids)
    if data and isinstance(data.get("image"), bytes):
        boundary, body = encode_multipart(
            {**extra, "image": FileStorage(io.BytesIO(data["image"]), filename="p.png", content_type="image/png")})
        return path, client.open(path, method=method, data=body,
                                 content_type=f"multipart/form-data; boundary={boundary}")
    return path, client.open(path, method=method, data=None if data is None else {**data, **extra})


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(REQUESTS))
def test_access_matrix(request, role, name, lang):
    world = world_for(request, EXPECTED.get(role, {}).get(name))
    app = world.app
    client = client_as(world, role)
    before = state(world)
    path, response = send(client, world, name, lang)
    assert response.headers.get("Cache-Control") == "no-store"
    method = REQUESTS[name][0]

    if role == "anonymous":
        assert_sent_to_sign_in(response, path, method, lang)
        assert state(world) == before
        return

    expected = EXPECTED[role][name]
    assert response.status_code == expected, (role, name, lang, response.status_code)
    page = response.get_data(as_text=True)
    if expected == 403:
        assert_forbidden_page(app, response, lang)
        assert state(world) == before
        return
    if expected == 200:
        assert f'lang="{"zh-Hans" if lang == "zh" else "en"}"' in page
        assert state(world) == before
        return
    # Staff and the owner: the POST did its work and came back to a page in the same language.
    assert response.headers["Location"].startswith(f"/{lang}/admin/")
    assert state(world) != before


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", [name for name, (method, _p, _d) in REQUESTS.items() if method == "POST"])
def test_every_post_needs_its_csrf_token(world, make_app, name, lang):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = csrf_token_of(client.get("/en/account/login").get_data(as_text=True))
    assert client.post("/en/account/login", data={"email": world.staff.email, "password": PASSWORD,
                                                  "csrf_token": token}).status_code == 303
    before = state(world)
    for forged in ({}, {"csrf_token": "forged"}):
        _path, response = send(client, world, name, lang, **forged)
        assert response.status_code == 400, (name, forged)
        assert state(world) == before
    token = csrf_token_of(client.get(f"/{lang}/admin/products/{world.ids['product']}").get_data(as_text=True))
    _path, response = send(client, world, name, lang, csrf_token=token)
    assert response.status_code == 303
    assert state(world) != before
