"""A view's own body limit (storefront.requests.body_limit) holds from the first read of the body:
the picture upload's lower limit applies before Flask-WTF's CSRF check reads the form, with no CSRF
exemption; every other page keeps the app-wide MAX_CONTENT_LENGTH."""

import io

from flask import request
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from storefront.catalog import images
from storefront.requests import Request
from tests.admin import csrf_token_of
from tests.conftest import PASSWORD

UPLOAD = "/en/admin/products/1/images"


def test_the_app_uses_the_request_class_that_knows_view_limits(app):
    assert app.request_class is Request


def test_the_upload_has_its_own_limit_and_other_pages_the_app_wide_one(app):
    app_wide = app.config["MAX_CONTENT_LENGTH"]
    assert images.MAX_REQUEST_BYTES < app_wide
    with app.test_request_context(UPLOAD, method="POST"):
        assert request.endpoint == "admin.upload_image"
        assert request.max_content_length == images.MAX_REQUEST_BYTES
    with app.test_request_context("/en/account/login", method="POST"):
        assert request.max_content_length == app_wide
    with app.test_request_context("/no/such/page", method="POST"):
        assert request.max_content_length == app_wide


def test_a_limit_set_on_the_request_itself_still_wins(app):
    with app.test_request_context(UPLOAD, method="POST"):
        request.max_content_length = 1024
        assert request.max_content_length == 1024


def test_a_view_limit_never_raises_the_app_wide_one(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024 * 1024)
    with app.test_request_context(UPLOAD, method="POST"):
        assert request.max_content_length == 1024 * 1024


def test_an_oversized_upload_is_refused_before_the_csrf_check_reads_it(make_app, make_user, make_product):
    """6 MB is under the app's 8 MB: without the view's own limit the CSRF check would read it all
    (and answer 400 for the missing token); with it, the body is refused unread."""
    app = make_app(WTF_CSRF_ENABLED=True)
    make_user(role="staff", email="staff@example.com")
    product = make_product()
    client = app.test_client()
    token = csrf_token_of(client.get("/en/account/login").get_data(as_text=True))
    assert client.post("/en/account/login", data={"email": "staff@example.com", "password": PASSWORD,
                                                  "csrf_token": token}).status_code == 303
    path = f"/en/admin/products/{product.id}/images"

    assert post_file(client, path, b"\0" * (6 * 1024 * 1024)).status_code == 413
    # The check itself still runs: the view is not exempt.
    assert post_file(client, path, b"\0" * 1024).status_code == 400


def post_file(client, path: str, data: bytes):
    """A well-formed multipart upload without a CSRF token (a file part: not held to MAX_FORM_MEMORY_SIZE)."""
    boundary, body = encode_multipart(
        {"image": FileStorage(io.BytesIO(data), filename="photo.jpg", content_type="image/jpeg")})
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")
