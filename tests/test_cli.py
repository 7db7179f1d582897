from datetime import timedelta

from cryptography.fernet import Fernet
from sqlalchemy import select

from storefront.account.models import User
from storefront.database import utcnow
from storefront.extensions import db
from storefront.notifications.models import OutboxMessage


def test_keys_generate_prints_a_fernet_key(runner):
    result = runner.invoke(args=["keys", "generate"])
    assert result.exit_code == 0
    Fernet(result.output.strip().encode())


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
