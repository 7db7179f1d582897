"""Staff management by the owner: granting by email, refusals next to the field, revoking."""

import html
from types import SimpleNamespace

import pytest

from tests.admin import (
    audit_rows, field_error, input_value, role_of, sign_in, sign_in_target, snapshot, translated,
)

CANDIDATE = "mei.lin@example.com"
NO_ACCOUNT = ("There is no confirmed account with this email address. Ask the person to register "
              "and confirm their address first.")
ALREADY = "This account is already staff or the owner."
MALFORMED = "Enter an email address like name@example.com."
EMPTY = "Enter the email address of the account."
TOO_LONG = "Field cannot be longer than %(max)d characters."


def full_width(text: str) -> str:
    """ASCII letters, digits, '@' and '.' in their full-width forms (NFKC folds them back)."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isalnum() or c in "@." else c for c in text)


@pytest.fixture
def shop(app, make_user):
    owner = make_user(role="owner", email="owner@example.com")
    return SimpleNamespace(
        app=app,
        owner=owner,
        staff=make_user(role="staff", email="staff@example.com"),
        candidate=make_user(email=CANDIDATE),
        pending=make_user(email="pending@example.com", confirmed=False),
        client=sign_in(app, owner.email),
    )


@pytest.mark.parametrize("typed", [
    CANDIDATE,
    CANDIDATE.upper(),
    "Mei.Lin@Example.COM",
    f"  {CANDIDATE}  ",
    full_width(CANDIDATE),
    full_width(CANDIDATE.upper()),
])
def test_the_owner_makes_a_confirmed_customer_staff_by_email_in_any_case_or_width(shop, typed):
    app = shop.app
    response = shop.client.post("/en/admin/staff", data={"email": typed})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/en/admin/staff")
    assert role_of(app, shop.candidate.id) == "staff"
    [row] = audit_rows(app)
    assert (row.action, row.actor_id, row.subject_user_id) == ("role.grant", shop.owner.id, shop.candidate.id)
    page = shop.client.get(response.headers["Location"]).get_data(as_text=True)
    assert html.escape(translated(app, "en", "%(email)s is now staff.", email=CANDIDATE)) in page
    # The new member is listed with a button to take the access away again.
    assert f'action="/en/admin/staff/{shop.candidate.id}/revoke"' in page
    # Nobody else changed.
    assert role_of(app, shop.staff.id) == "staff" and role_of(app, shop.owner.id) == "owner"
    assert role_of(app, shop.pending.id) == "customer"


def test_granting_in_chinese_flashes_in_chinese(shop):
    response = shop.client.post("/zh/admin/staff", data={"email": CANDIDATE})
    assert response.status_code == 303 and response.headers["Location"].endswith("/zh/admin/staff")
    message = translated(shop.app, "zh", "%(email)s is now staff.", email=CANDIDATE)
    assert message != f"{CANDIDATE} is now staff."  # translated
    assert html.escape(message) in shop.client.get("/zh/admin/staff").get_data(as_text=True)


def test_the_new_staff_member_can_open_the_admin(shop):
    staff_client = sign_in(shop.app, CANDIDATE)
    assert staff_client.get("/en/admin/").status_code == 403
    shop.client.post("/en/admin/staff", data={"email": CANDIDATE})
    assert staff_client.get("/en/admin/").status_code == 200


# (what is typed, the message expected next to the field, whether the typed value is shown back)
REFUSALS = {
    "unknown": ("nobody@example.com", [NO_ACCOUNT], True),
    "unconfirmed": ("pending@example.com", [NO_ACCOUNT], True),
    "unconfirmed, other case": ("PENDING@example.com", [NO_ACCOUNT], True),
    "already staff": ("STAFF@example.com", [ALREADY], True),
    "the owner": ("owner@example.com", [ALREADY], True),
    "malformed": ("not-an-email", [MALFORMED], True),
    "two at signs": ("mei.lin@@example.com", [MALFORMED], True),
    "empty": ("", [EMPTY], True),
    "blank": ("    ", [EMPTY], False),
    "NUL at the end": (CANDIDATE + "\x00", [MALFORMED], False),
    "NUL inside": ("mei.lin\x00@example.com", [MALFORMED], False),
    "300 characters": ("m" * 288 + "@example.com", [TOO_LONG], True),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", list(REFUSALS))
def test_refusals_are_422_next_to_the_field_and_change_nothing(shop, case, lang):
    app = shop.app
    typed, messages, echoed = REFUSALS[case]
    before = snapshot(app)
    response = shop.client.post(f"/{lang}/admin/staff", data={"email": typed})
    assert response.status_code == 422
    assert response.headers.get("Cache-Control") == "no-store"
    page = response.get_data(as_text=True)
    error = field_error(page, "email")
    assert error is not None, "no error next to the email field"
    for msgid in messages:
        if msgid == TOO_LONG:  # WTForms' own message, from its own catalogue
            assert "254" in error
            assert ("Field cannot be longer than 254 characters." in error) is (lang == "en")
            continue
        expected = translated(app, lang, msgid)
        if lang == "zh":
            assert expected != msgid, f"{msgid!r} is not translated"
        assert expected in error, (expected, error)
    assert 'aria-invalid="true"' in page
    if echoed:
        assert input_value(page, "email") == typed
    assert snapshot(app) == before
    assert role_of(app, shop.candidate.id) == "customer"


def test_a_missing_email_field_is_refused(shop):
    before = snapshot(shop.app)
    response = shop.client.post("/en/admin/staff", data={})
    assert response.status_code == 422
    assert translated(shop.app, "en", EMPTY) in field_error(response.get_data(as_text=True), "email")
    assert snapshot(shop.app) == before


def test_granting_twice_is_refused_the_second_time(shop):
    assert shop.client.post("/en/admin/staff", data={"email": CANDIDATE}).status_code == 303
    again = shop.client.post("/en/admin/staff", data={"email": CANDIDATE.upper()})
    assert again.status_code == 422
    assert ALREADY in field_error(again.get_data(as_text=True), "email")
    assert [row.action for row in audit_rows(shop.app)] == ["role.grant"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_revoking_ends_staff_access_and_the_members_sessions(shop, lang):
    app = shop.app
    staff_client = sign_in(app, "staff@example.com")
    remembered = sign_in(app, "staff@example.com", remember="y")
    assert staff_client.get(f"/{lang}/admin/").status_code == 200

    response = shop.client.post(f"/{lang}/admin/staff/{shop.staff.id}/revoke")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/{lang}/admin/staff")
    assert response.headers.get("Cache-Control") == "no-store"
    assert role_of(app, shop.staff.id) == "customer"
    [row] = audit_rows(app)
    assert (row.action, row.actor_id, row.subject_user_id) == ("role.revoke", shop.owner.id, shop.staff.id)
    page = shop.client.get(response.headers["Location"]).get_data(as_text=True)
    assert html.escape(translated(app, lang, "%(email)s is no longer staff.", email="staff@example.com")) in page
    assert f"/admin/staff/{shop.staff.id}/revoke" not in page

    # The member's sessions ended (not merely refused by the role check): back to sign-in.
    after = staff_client.get(f"/{lang}/admin/")
    assert after.status_code == 302 and sign_in_target(after.headers["Location"], lang) is not None
    # A remember-me cookie alone does not bring the session back either.
    remembered.delete_cookie("session")
    again = remembered.get(f"/{lang}/admin/")
    assert again.status_code == 302 and sign_in_target(again.headers["Location"], lang) is not None
    # The owner is still signed in.
    assert shop.client.get(f"/{lang}/admin/").status_code == 200


@pytest.mark.parametrize("target", ["owner", "customer", "unconfirmed", "missing", "past int32", "past int64"])
def test_revoking_anyone_but_a_staff_member_is_404(shop, target):
    user_id = {"owner": shop.owner.id, "customer": shop.candidate.id, "unconfirmed": shop.pending.id,
               "missing": 999_999, "past int32": 2_147_483_648, "past int64": 99_999_999_999_999_999_999}[target]
    before = snapshot(shop.app)
    response = shop.client.post(f"/en/admin/staff/{user_id}/revoke")
    assert response.status_code == 404
    assert snapshot(shop.app) == before


@pytest.mark.parametrize("path", ["/en/admin/staff/-1/revoke", "/en/admin/staff/abc/revoke", "/en/admin/staff//revoke"])
def test_revoking_a_malformed_id_is_404(shop, path):
    before = snapshot(shop.app)
    assert shop.client.post(path).status_code == 404
    assert snapshot(shop.app) == before


def test_the_staff_page_lists_staff_and_the_owner_but_not_customers(shop):
    page = shop.client.get("/en/admin/staff").get_data(as_text=True)
    assert "staff@example.com" in page and "owner@example.com" in page
    assert CANDIDATE not in page and "pending@example.com" not in page
    # Only staff can be revoked from here, never the owner.
    assert f"/admin/staff/{shop.staff.id}/revoke" in page and f"/admin/staff/{shop.owner.id}/revoke" not in page
