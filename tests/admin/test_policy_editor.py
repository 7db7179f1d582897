"""The owner's privacy-policy editor: preview, refusals next to the fields, publishing (audited)."""

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.privacy.audit import AuditEntry
from storefront.privacy.policy import PolicyVersion, current_version

UA = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"}


@pytest.fixture
def owner(make_user, auth):
    user = make_user(role="owner")
    auth.login(user.email)
    return user


def texts(app) -> dict:
    with app.app_context():
        version = current_version()
        return {"body_en": version.text("en").body, "body_zh": version.text("zh").body,
                "summary_en": "A new closing paragraph.", "summary_zh": "新增了结尾一段。"}


def versions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PolicyVersion))


def test_the_editor_starts_from_the_version_in_force(app, client, owner):
    page = client.get("/en/admin/policy", headers=UA).get_data(as_text=True)
    assert "Version 1 is in force" in page
    assert "This privacy policy explains" in page  # the English text, ready to edit
    assert client.get("/en/admin/policy").headers["Cache-Control"] == "no-store"


def test_preview_shows_the_changes_in_both_languages_and_publishes_nothing(app, client, owner):
    data = texts(app)
    data["body_en"] += "\n\nA new closing paragraph about <b>parcels</b>."
    response = client.post("/en/admin/policy", data={**data, "action": "preview"}, headers=UA)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<ins class="diff-block">' in page and "A new closing paragraph about" in page
    assert "<b>parcels</b>" not in page  # rendered safely
    assert "The text is the same as the version in force." in page  # the Chinese text did not change
    assert versions(app) == 1


def test_publishing_makes_the_version_in_force_and_writes_an_audit_row(app, client, owner, outbox):
    data = texts(app)
    data["body_en"] += "\n\nA new closing paragraph."
    response = client.post("/en/admin/policy", data={**data, "material": "y", "action": "publish"}, headers=UA)
    assert response.status_code == 303 and response.headers["Location"] == "/en/admin/policy"
    assert versions(app) == 2
    assert "A new closing paragraph." in client.get("/en/privacy", headers=UA).get_data(as_text=True)
    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "policy.publish")).all()
        assert (entry.actor_id, entry.detail) == (owner.id, "2")
    assert len(outbox(template="policy_changed")) == 1  # the owner's own confirmed account is told too


@pytest.mark.parametrize("field", ["body_en", "body_zh", "summary_en", "summary_zh"])
def test_an_empty_text_is_refused_next_to_its_field(app, client, owner, field):
    data = {**texts(app), field: "   "}
    response = client.post("/en/admin/policy", data={**data, "action": "publish"}, headers=UA)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert versions(app) == 1


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"body_en": "Text with {shop_nmae}."}, "body_en", "Unknown placeholder"),
    ({"summary_zh": "含 NUL\x00 的摘要"}, "summary_zh", "characters we cannot store"),
    ({"effective": "2001-01-01"}, "effective", "cannot take effect in the past"),
    ({"effective": "2026-13-45"}, "effective", ""),
    ({"effective": "tomorrow"}, "effective", ""),
])
def test_bad_input_is_refused_with_a_message_and_nothing_published(app, client, owner, change, field, message):
    response = client.post("/en/admin/policy", data={**texts(app), **change, "action": "publish"}, headers=UA)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    assert versions(app) == 1


def test_the_chinese_editor_speaks_chinese(app, client, owner):
    page = client.get("/zh/admin/policy", headers=UA).get_data(as_text=True)
    assert "撰写新版本" in page and "Write a new version" not in page


@pytest.mark.parametrize("role", ["customer", "staff"])
def test_only_the_owner_edits_the_policy(app, client, make_user, auth, role):
    user = make_user(role=role)
    auth.login(user.email)
    assert client.get("/en/admin/policy").status_code == 403
    response = client.post("/en/admin/policy", data={**texts(app), "action": "publish"})
    assert response.status_code == 403 and versions(app) == 1


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/en/admin/policy")
    assert response.status_code == 302 and "/en/account/login" in response.headers["Location"]


def test_preview_already_refuses_what_publishing_would(app, client, owner):
    response = client.post("/en/admin/policy", data={**texts(app), "body_en": "About {shop_nmae}.", "action": "preview"},
                           headers=UA)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="body_en-error"' in page and "Unknown placeholder" in page and "diff-block" not in page
