"""`flask --app wsgi create-owner EMAIL`: a new owner account, or an existing account promoted."""

import pytest
from sqlalchemy import select

from storefront.account.models import User
from storefront.extensions import db
from storefront.privacy.audit import AuditEntry
from tests.conftest import PASSWORD

OWNER_PASSWORD = "lantern orchard velvet 1987"
OTHER_PASSWORD = "quiet harbour copper kettle"


@pytest.fixture(autouse=True)
def no_owner_password_in_the_environment(monkeypatch):
    monkeypatch.delenv("STOREFRONT_OWNER_PASSWORD", raising=False)


def users(app) -> list[tuple[str, str, bool]]:
    with app.app_context():
        return [(u.email, u.role, u.is_confirmed) for u in db.session.scalars(select(User).order_by(User.id))]


def audit_of(app) -> list[tuple[str, int | None, int | None]]:
    with app.app_context():
        return [(r.action, r.actor_id, r.subject_user_id)
                for r in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def can_sign_in(app, email: str, password: str) -> bool:
    response = app.test_client().post("/en/account/login", data={"email": email, "password": password})
    return response.status_code == 303


def test_a_new_owner_from_the_configured_password(make_app):
    app = make_app(OWNER_PASSWORD=OWNER_PASSWORD)
    result = app.test_cli_runner().invoke(args=["create-owner", "Owner@Example.com"])
    assert result.exit_code == 0, result.output
    assert "owner@example.com" in result.output
    assert OWNER_PASSWORD not in result.output
    assert users(app) == [("owner@example.com", "owner", True)]
    assert can_sign_in(app, "owner@example.com", OWNER_PASSWORD)
    assert not can_sign_in(app, "owner@example.com", OTHER_PASSWORD)
    assert audit_of(app) == [("role.grant", None, user_id(app, "owner@example.com"))]
    # The new owner opens the owner's pages.
    client = app.test_client()
    client.post("/en/account/login", data={"email": "owner@example.com", "password": OWNER_PASSWORD})
    assert client.get("/en/admin/staff").status_code == 200


def test_the_password_from_the_environment_variable(make_app, monkeypatch):
    monkeypatch.setenv("STOREFRONT_OWNER_PASSWORD", OWNER_PASSWORD)
    app = make_app()
    result = app.test_cli_runner().invoke(args=["create-owner", "owner@example.com"])
    assert result.exit_code == 0, result.output
    assert can_sign_in(app, "owner@example.com", OWNER_PASSWORD)


def test_a_new_owner_with_a_prompted_password(app, runner):
    result = runner.invoke(args=["create-owner", "owner@example.com"], input=f"{OWNER_PASSWORD}\n{OWNER_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert OWNER_PASSWORD not in result.output  # typed without echo
    assert users(app) == [("owner@example.com", "owner", True)]
    assert can_sign_in(app, "owner@example.com", OWNER_PASSWORD)
    assert audit_of(app) == [("role.grant", None, user_id(app, "owner@example.com"))]


def test_a_mismatched_confirmation_is_asked_again_or_refused(app, runner):
    # Mismatched, then nothing more to read: click aborts.
    refused = runner.invoke(args=["create-owner", "owner@example.com"], input=f"{OWNER_PASSWORD}\n{OTHER_PASSWORD}\n")
    assert refused.exit_code != 0
    assert users(app) == [] and audit_of(app) == []
    # Mismatched, then a matching pair: the matching one is used.
    retried = runner.invoke(args=["create-owner", "owner@example.com"],
                            input=f"{OTHER_PASSWORD}\n{OWNER_PASSWORD}\n{OWNER_PASSWORD}\n{OWNER_PASSWORD}\n")
    assert retried.exit_code == 0, retried.output
    assert can_sign_in(app, "owner@example.com", OWNER_PASSWORD)
    assert not can_sign_in(app, "owner@example.com", OTHER_PASSWORD)


@pytest.mark.parametrize("password", ["short", "password123456", "qazwsxedcrfv", "aaaaaaaaaaaaaaaa", "x" * 200])
def test_a_weak_or_common_configured_password_is_refused(make_app, password):
    app = make_app(OWNER_PASSWORD=password)
    result = app.test_cli_runner().invoke(args=["create-owner", "owner@example.com"])
    assert result.exit_code != 0
    assert password not in result.output
    assert users(app) == [] and audit_of(app) == []


@pytest.mark.parametrize("password", ["short", "password123456"])
def test_a_weak_or_common_prompted_password_is_refused(app, runner, password):
    result = runner.invoke(args=["create-owner", "owner@example.com"], input=f"{password}\n{password}\n")
    assert result.exit_code != 0
    assert users(app) == [] and audit_of(app) == []


@pytest.mark.parametrize("typed", ["mei.lin@example.com", "MEI.LIN@EXAMPLE.COM", "ｍｅｉ.ｌｉｎ＠ｅｘａｍｐｌｅ.ｃｏｍ"])
def test_an_existing_customer_is_promoted_with_the_password_unchanged(make_app, make_user, typed):
    customer = make_user(email="mei.lin@example.com")
    app = make_app(OWNER_PASSWORD=OWNER_PASSWORD)
    result = app.test_cli_runner().invoke(args=["create-owner", typed])
    assert result.exit_code == 0, result.output
    assert users(app) == [("mei.lin@example.com", "owner", True)]
    assert can_sign_in(app, customer.email, PASSWORD)
    assert not can_sign_in(app, customer.email, OWNER_PASSWORD)
    assert audit_of(app) == [("role.grant", None, customer.id)]


def test_an_existing_account_needs_no_password(app, runner, make_user):
    staff = make_user(email="staff@example.com", role="staff")
    result = runner.invoke(args=["create-owner", "staff@example.com"], input="")
    assert result.exit_code == 0, result.output
    assert users(app) == [("staff@example.com", "owner", True)]
    assert can_sign_in(app, staff.email, PASSWORD)


def test_an_unconfirmed_account_gets_the_operators_password_before_it_is_promoted(make_app, make_user):
    """Whoever registered the owner's address first without confirming it must not inherit the shop."""
    pending = make_user(email="pending@example.com", confirmed=False)
    app = make_app(OWNER_PASSWORD=OWNER_PASSWORD)
    result = app.test_cli_runner().invoke(args=["create-owner", "pending@example.com"])
    assert result.exit_code == 0, result.output
    assert users(app) == [("pending@example.com", "owner", True)]
    assert can_sign_in(app, pending.email, OWNER_PASSWORD)
    assert not can_sign_in(app, pending.email, PASSWORD)  # the squatter's password is gone


def test_an_unconfirmed_account_needs_a_strong_password_too(make_app, make_user):
    make_user(email="pending@example.com", confirmed=False)
    app = make_app(OWNER_PASSWORD="password1234")
    result = app.test_cli_runner().invoke(args=["create-owner", "pending@example.com"])
    assert result.exit_code != 0
    assert users(app) == [("pending@example.com", "customer", False)]


@pytest.mark.parametrize("email", ["not-an-email", "owner@", "@example.com", "owner@@example.com",
                                   "owner@example.com\x00", "o" * 300 + "@example.com", ""])
def test_a_malformed_email_is_refused_and_nothing_is_written(make_app, email):
    app = make_app(OWNER_PASSWORD=OWNER_PASSWORD)
    result = app.test_cli_runner().invoke(args=["create-owner", email])
    assert result.exit_code != 0
    assert users(app) == [] and audit_of(app) == []


def test_help(runner):
    result = runner.invoke(args=["create-owner", "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output and "EMAIL" in result.output
    assert "STOREFRONT_OWNER_PASSWORD" in result.output


def test_the_email_is_required(runner, app):
    result = runner.invoke(args=["create-owner"])
    assert result.exit_code != 0 and "EMAIL" in result.output
    assert users(app) == []
