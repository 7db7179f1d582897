"""The admin's access matrix: every admin URL, GET and POST, as anonymous, customer, staff and owner."""

from types import SimpleNamespace

import pytest

from tests.admin import (
    assert_forbidden_page, assert_sent_to_sign_in, client_as,
    csrf_token_of, role_of, shared, sign_in_target, snapshot, translated, world_for,
)
from tests.conftest import user_maker

LANGS = ("en", "zh")
ROLES = ("anonymous", "customer", "staff", "owner")


def build_world(app) -> SimpleNamespace:
    """An owner, a staff member, a signed-in-able customer and a confirmed customer to be made staff."""
    make_user = user_maker(app)
    return SimpleNamespace(
        app=app,
        owner=make_user(role="owner", email="owner@example.com"),
        staff=make_user(role="staff", email="staff@example.com"),
        customer=make_user(email="customer@example.com"),
        candidate=make_user(email="candidate@example.com"),
    )


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.fixture(scope="module")
def shared_world(module_app):
    """The world of the cases that change nothing, built once for the module."""
    return shared(build_world(module_app))


# name → (method, path template, form data); {staff} is the staff member's id.
REQUESTS = {
    "dashboard": ("GET", "/{lang}/admin/", None),
    "staff page": ("GET", "/{lang}/admin/staff", None),
    "grant": ("POST", "/{lang}/admin/staff", {"email": "candidate@example.com"}),
    "revoke": ("POST", "/{lang}/admin/staff/{staff}/revoke", {}),
    "audit": ("GET", "/{lang}/admin/audit", None),
    "audit filtered": ("GET", "/{lang}/admin/audit?action=role.grant&page=1", None),
    "statistics": ("GET", "/{lang}/admin/stats?from=2026-01-01&to=2026-01-31", None),
    "partner export": ("GET", "/{lang}/admin/stats/export.csv?kind=orders", None),
    "policy editor": ("GET", "/{lang}/admin/policy", None),
    "policy preview": ("POST", "/{lang}/admin/policy", {
        "body_en": "# Privacy\n\nNew.", "body_zh": "# 隐私\n\n新。", "summary_en": "New.", "summary_zh": "新。",
        "action": "preview"}),
}
OWNER_ONLY = ("staff page", "grant", "revoke", "audit", "audit filtered", "partner export", "policy editor",
              "policy preview")

# What each role gets; the owner's POSTs change something (checked below).
EXPECTED = {
    "customer": dict.fromkeys(REQUESTS, 403),
    "staff": {**dict.fromkeys(REQUESTS, 200), **dict.fromkeys(OWNER_ONLY, 403)},
    "owner": {**dict.fromkeys(REQUESTS, 200), "grant": 303, "revoke": 303},
}


def send(client, world, name: str, lang: str):
    method, template, data = REQUESTS[name]
    path = template.format(lang=lang, staff=world.staff.id)
    response = client.open(path, method=method, data=data)
    return path, response


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(REQUESTS))
def test_access_matrix(request, role, name, lang):
    world = world_for(request, EXPECTED.get(role, {}).get(name))
    app = world.app
    client = client_as(world, role)
    before = snapshot(app)
    path, response = send(client, world, name, lang)
    assert response.headers.get("Cache-Control") == "no-store"
    method = REQUESTS[name][0]

    if role == "anonymous":
        assert_sent_to_sign_in(response, path, method, lang)
        assert snapshot(app) == before
        return

    expected = EXPECTED[role][name]
    assert response.status_code == expected, (role, name, lang, response.status_code)
    page = response.get_data(as_text=True)
    if expected == 403:
        assert_forbidden_page(app, response, lang)
        assert translated(app, lang, "Not allowed") in page
        if lang == "zh":
            assert 'lang="zh-Hans"' in page and "You do not have permission" not in page
        assert snapshot(app) == before
        return

    if expected == 200 and name == "partner export":
        assert response.mimetype == "text/csv"
        accounts_before, audit_before = before
        accounts_after, audit_after = snapshot(app)
        assert accounts_after == accounts_before and len(audit_after) == len(audit_before) + 1
        return

    if expected == 200:
        assert f'lang="{"zh-Hans" if lang == "zh" else "en"}"' in page
        assert snapshot(app) == before
        return

    # The owner's POSTs: 303 back to the staff page, with exactly the change asked for.
    assert response.headers["Location"].endswith(f"/{lang}/admin/staff")
    if name == "grant":
        assert role_of(app, world.candidate.id) == "staff"
        assert role_of(app, world.staff.id) == "staff"
    else:
        assert role_of(app, world.staff.id) == "customer"
        assert role_of(app, world.candidate.id) == "customer"
    assert role_of(app, world.customer.id) == "customer" and role_of(app, world.owner.id) == "owner"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, template", [
    ("POST", "/{lang}/admin/"),
    ("POST", "/{lang}/admin/audit"),
    ("GET", "/{lang}/admin/staff/{staff}/revoke"),
])
def test_the_other_method_is_refused_and_changes_nothing(shared_world, role, lang, method, template):
    world = shared_world
    client = client_as(world, role)
    before = snapshot(world.app)
    response = client.open(template.format(lang=lang, staff=world.staff.id), method=method, data={"email": "x@y.z"})
    assert response.status_code == 405
    assert snapshot(world.app) == before


@pytest.mark.parametrize("lang", LANGS)
def test_staff_signing_in_from_the_redirect_comes_back_to_the_admin(shared_world, lang):
    world = shared_world
    client = world.app.test_client()
    response = client.get(f"/{lang}/admin/audit?action=export")
    next_path = sign_in_target(response.headers["Location"], lang)["next"][0]
    assert next_path == f"/{lang}/admin/audit?action=export"
    signed = client.post(f"/{lang}/account/login",
                         data={"email": world.owner.email, "password": world.owner.password, "next": next_path})
    assert signed.status_code == 303 and signed.headers["Location"] == next_path
    assert client.get(next_path).status_code == 200


@pytest.mark.parametrize("role, shown", [("anonymous", False), ("customer", False), ("staff", True), ("owner", True)])
@pytest.mark.parametrize("lang", LANGS)
def test_the_header_shows_admin_to_staff_and_the_owner_only(shared_world, role, shown, lang):
    world = shared_world
    page = client_as(world, role).get(f"/{lang}/").get_data(as_text=True)
    assert (f'href="/{lang}/admin/"' in page) is shown
    assert ('class="nav-admin"' in page) is shown
    if shown:
        assert translated(world.app, lang, "Admin") in page


def test_the_admin_menu_offers_owner_pages_to_the_owner_only(shared_world):
    world = shared_world
    staff_page = client_as(world, "staff").get("/en/admin/").get_data(as_text=True)
    owner_page = client_as(world, "owner").get("/en/admin/").get_data(as_text=True)
    for link in ('href="/en/admin/staff"', 'href="/en/admin/audit"'):
        assert link in owner_page and link not in staff_page


def test_a_customer_made_staff_mid_session_gets_in_and_a_revoked_one_is_out(world):
    """Checked on every request, not remembered from sign-in."""
    customer = client_as(world, "customer")
    assert customer.get("/en/admin/").status_code == 403
    owner = client_as(world, "owner")
    assert owner.post("/en/admin/staff", data={"email": world.customer.email}).status_code == 303
    assert customer.get("/en/admin/").status_code == 200


def test_without_a_csrf_token_an_owner_post_is_refused_and_changes_nothing(world, make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = csrf_token_of(client.get("/en/account/login").get_data(as_text=True))
    signed = client.post("/en/account/login",
                         data={"email": world.owner.email, "password": world.owner.password, "csrf_token": token})
    assert signed.status_code == 303
    before = snapshot(app)

    for data in ({"email": world.candidate.email}, {"email": world.candidate.email, "csrf_token": "forged"}):
        response = client.post("/en/admin/staff", data=data)
        assert response.status_code == 400
        assert response.headers.get("Cache-Control") == "no-store"
    for data in ({}, {"csrf_token": "forged"}):
        assert client.post(f"/en/admin/staff/{world.staff.id}/revoke", data=data).status_code == 400
    assert client.post(f"/zh/admin/staff/{world.staff.id}/revoke").status_code == 400
    assert snapshot(app) == before

    # With the page's token the same requests go through: the 400s above were the token's doing.
    page = client.get("/en/admin/staff").get_data(as_text=True)
    token = csrf_token_of(page)
    granted = client.post("/en/admin/staff", data={"email": world.candidate.email, "csrf_token": token})
    assert granted.status_code == 303 and role_of(app, world.candidate.id) == "staff"
    revoked = client.post(f"/en/admin/staff/{world.staff.id}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 303 and role_of(app, world.staff.id) == "customer"
