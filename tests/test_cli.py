from datetime import timedelta

from cryptography.fernet import Fernet
from sqlalchemy import select, text

from storefront import create_app
from storefront.account.models import Address, User
from storefront.database import utcnow
from storefront.extensions import db
from storefront.notifications.models import OutboxMessage
from tests.conftest import TEST_DATA_KEY, make_config


def test_keys_generate_prints_a_fernet_key(runner):
    result = runner.invoke(args=["keys", "generate"])
    assert result.exit_code == 0
    Fernet(result.output.strip().encode())


def test_keys_rotate_lets_the_old_key_go(app, runner, make_user, tmp_path, database_url):
    user = make_user()
    with app.app_context():
        row = db.session.get(User, user.id)
        row.full_name, row.phone = "Rotated Name", "+14155550132"
        db.session.add(Address(user_id=user.id, recipient="R", phone="+14155550132", country="US", region="CA",
                               city="SF", line1="1 Main St", postal_code="94105"))
        db.session.commit()
    new_key = Fernet.generate_key().decode()
    rotating = create_app(make_config(tmp_path, DATABASE_URL=database_url, DATA_KEYS=f"{new_key},{TEST_DATA_KEY}"))
    result = rotating.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0 and "Re-encrypted" in result.output
    with rotating.app_context():
        db.engine.dispose()
    only_new = create_app(make_config(tmp_path, DATABASE_URL=database_url, DATA_KEYS=new_key))
    with only_new.app_context():
        row = db.session.get(User, user.id)
        address = db.session.scalar(select(Address))
        assert (row.full_name, row.phone, address.line1) == ("Rotated Name", "+14155550132", "1 Main St")
        raw = db.session.execute(text('SELECT full_name FROM "user"')).scalar()
        assert Fernet(new_key.encode()).decrypt(raw.encode()) == b"Rotated Name"
        db.session.remove()
        db.engine.dispose()


def test_privacy_purge_erases_stale_unconfirmed_accounts(app, runner, make_user):
    stale = make_user(confirmed=False, created_at=utcnow() - timedelta(days=31))
    fresh = make_user(confirmed=False)
    confirmed_old = make_user(created_at=utcnow() - timedelta(days=400))
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0 and "1 unconfirmed accounts" in result.output
    with app.app_context():
        remaining = set(db.session.scalars(select(User.id)))
    assert remaining == {fresh.id, confirmed_old.id} and stale.id not in remaining


def test_commands_have_help(runner):
    for args in (["seed-demo", "--help"], ["keys", "--help"], ["keys", "rotate", "--help"], ["privacy", "purge", "--help"],
                 ["translate", "--help"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0 and "Usage" in result.output


def test_privacy_purge_drops_the_sent_mail_log_after_three_years(app, runner, outbox):
    with app.app_context():
        for days in (3 * 365 + 1, 30):
            db.session.add(OutboxMessage(recipient="", locale="en", template="account_confirm", status="sent",
                                         sent_at=utcnow() - timedelta(days=days)))
        db.session.commit()
    assert "1 sent-mail records" in runner.invoke(args=["privacy", "purge"]).output
    assert len(outbox()) == 1
