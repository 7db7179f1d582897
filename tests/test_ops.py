import pytest
from flask import abort, request
from PIL import Image

from storefront.catalog.models import Product
from storefront.catalog.services import save_product_image
from storefront.extensions import db



def test_healthz_answers_without_a_database(make_app):
    app = make_app(DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_readyz_reports_the_database(client, make_app):
    assert client.get("/readyz").status_code == 200
    broken = make_app(DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503 and response.json == {"status": "unavailable"}


@pytest.mark.parametrize("url", ["/en/", "/zh/products", "/healthz", "/en/nope", "/static/css/shop.css"])
def test_security_headers_on_every_response(client, url):
    with client.get(url) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'self'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "data:" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers


def test_hsts_only_over_https(client):
    response = client.get("/en/", base_url="https://shop.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_forwarded_proto_is_ignored_unless_proxies_are_trusted(client, make_app):
    spoofed = client.get("/en/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in spoofed.headers
    behind_nginx = make_app(TRUSTED_PROXIES=1)
    response = behind_nginx.test_client().get("/en/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers


def test_trusted_hosts_refuse_other_hosts(make_app):
    app = make_app(TRUSTED_HOSTS="shop.example")
    client = app.test_client()
    assert client.get("/en/", base_url="http://shop.example").status_code == 200
    assert client.get("/en/", base_url="http://evil.example").status_code == 400


@pytest.fixture
def failing_app(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.post("/<any(en, zh):lang>/test-upload")
    def read_upload():
        return str(len(request.form))

    @app.get("/<any(en, zh):lang>/test-error/<int:code>")
    def raise_error(code):
        if code == 500:
            raise RuntimeError("secret internal detail")
        abort(code)

    return app


ERRORS = {
    400: ("Bad request", "请求有误"),
    403: ("Not allowed", "无权访问"),
    404: ("Page not found", "页面不存在"),
    405: ("Not allowed", "无法执行此操作"),
    413: ("Too large", "内容过大"),
    429: ("Too many requests", "请求过于频繁"),
    500: ("Something went wrong", "出错了"),
}


@pytest.mark.parametrize("code", sorted(ERRORS))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_error_pages_are_translated_and_never_show_a_trace(failing_app, code, lang):
    response = failing_app.test_client().get(f"/{lang}/test-error/{code}")
    page = response.get_data(as_text=True)
    assert response.status_code == code
    assert ERRORS[code][0 if lang == "en" else 1] in page
    assert "Traceback" not in page and "secret internal detail" not in page
    assert response.headers["Content-Type"].startswith("text/html")


def test_wrong_method_is_a_405_page(client):
    response = client.post("/en/products")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_oversized_body_is_a_413(failing_app):
    failing_app.config["MAX_CONTENT_LENGTH"] = 1000
    response = failing_app.test_client().post("/zh/test-upload", data={"blob": "x" * 5000})
    assert response.status_code == 413
    assert "内容过大" in response.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/en/cart/items", data={"product_id": "1", "quantity": "1"})
    assert response.status_code == 400
    assert "Bad request" in response.get_data(as_text=True)


def test_media_files_are_served_with_their_type_and_nosniff(app, client, make_product):
    product = make_product()
    with app.app_context():
        stored = save_product_image(db.session.get(Product, product.id), Image.new("RGB", (800, 600), "teal"),
                                    app.config["UPLOAD_DIR"])
        db.session.commit()
        name = stored.filename
    with client.get(f"/media/{name}") as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "image/webp"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "immutable" in response.headers["Cache-Control"]
    assert client.get("/media/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert client.get("/media/missing.webp").status_code == 404


def test_favicon_is_served(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200 and response.headers["Content-Type"] == "image/png"
