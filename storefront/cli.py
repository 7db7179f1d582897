"""The flask commands of CONTRACT.md (db comes from Flask-Migrate)."""

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import click
from cryptography.fernet import Fernet
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from storefront.account.forms import password_problem
from storefront.account.services import (
    RoleError, create_or_promote_owner, find_user_by_email, is_valid_email, purge_unconfirmed_accounts,
)
from storefront.privacy import audit
from storefront.cart.services import purge_expired_carts
from storefront.database import truncate_sqlite_wal, write_transaction
from storefront.extensions import db
from storefront.notifications.services import purge_mail_log
from storefront.privacy.consent import verify_ledger
from storefront.privacy.disclosures import purge_disclosures
from storefront.privacy.policy import PolicyError, publish_version
from storefront.privacy.visits import purge as purge_visits
from storefront.security import rotate_encrypted_columns

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
# Besides gettext, ngettext and pgettext: the lazy forms the code imports as _l and _lp.
EXTRACT_KEYWORDS = ("-k", "_l", "-k", "_lp:1c,2")

translate = AppGroup("translate", help="Extract, update and compile the message catalogues (pybabel).")
keys = AppGroup("keys", help="Data-encryption keys for personal data at rest.")
privacy = AppGroup("privacy", help="Privacy housekeeping.")


@click.command("create-owner")
@click.argument("email")
@with_appcontext
def create_owner_command(email):
    """Create the shop owner's account, or make an existing account the owner.

    A new account takes its password from STOREFRONT_OWNER_PASSWORD, or asks for it; an existing
    account keeps its password.
    """
    if not is_valid_email(email):
        raise click.ClickException("Enter an email address like name@example.com.")
    with write_transaction():
        existing = find_user_by_email(email)
        password = None
        if existing is None or not existing.is_confirmed:  # a new account, or one nobody proved is theirs
            password = current_app.config.get("OWNER_PASSWORD") or click.prompt(
                "Password for the owner", hide_input=True, confirmation_prompt=True)
            problem = password_problem(password)
            if problem:
                raise click.ClickException(str(problem))
        try:
            user, created = create_or_promote_owner(email, password)
        except RoleError as error:
            raise click.ClickException(str(error)) from None
        audit.record("role.grant", actor_id=None, subject_user_id=user.id, detail="owner")
        db.session.commit()
    click.echo(f"{'Created' if created else 'Promoted'} the owner account {user.email}.")


@click.command("seed-demo")
def seed_demo_command():
    """Add the bilingual demo catalogue (categories, products, images); safe to run again."""
    # Imported here so web workers never load the demo texts and drawing code.
    from storefront.catalog.demo import seed_demo

    with write_transaction():
        categories, products = seed_demo(current_app.config["UPLOAD_DIR"])
        db.session.commit()
    click.echo(f"Demo catalogue: {categories} categories and {products} products added.")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


@translate.command("extract")
def translate_extract():
    """Collect every translatable string into translations/messages.pot."""
    _pybabel("extract", "-F", "translations/babel.cfg", *EXTRACT_KEYWORDS, "--no-location", "--sort-output",
             "-o", "translations/messages.pot", ".")


@translate.command("update")
def translate_update():
    """Extract, then merge new strings into every .po file (translate the new and fuzzy entries next)."""
    translate_extract.callback()
    _pybabel("update", "-i", "translations/messages.pot", "-d", "translations", "--no-wrap", "--ignore-obsolete")


@translate.command("compile")
def translate_compile():
    """Compile every .po into the .mo the shop reads (fuzzy entries are never compiled)."""
    _pybabel("compile", "-d", "translations", "--statistics")


@keys.command("generate", with_appcontext=False)
def keys_generate():
    """Print a new data-encryption key; put it first in STOREFRONT_DATA_KEYS, then run `keys rotate`."""
    click.echo(Fernet.generate_key().decode())


@keys.command("rotate")
def keys_rotate():
    """Re-encrypt every personal field under the newest key of STOREFRONT_DATA_KEYS.

    Afterwards the older keys can be removed from the setting.
    """
    with write_transaction(), db.engine.begin() as connection:
        changed = rotate_encrypted_columns(db.metadata, connection)
    click.echo(f"Re-encrypted {changed} values under the newest key.")


@privacy.command("purge")
def privacy_purge():
    """Apply the retention rules: visit records after STOREFRONT_VISIT_RETENTION_DAYS, accounts never
    confirmed within 30 days, visitors' carts untouched for 30 days, the sent-mail log and disclosure
    records after 3 years. Run it daily."""
    days = current_app.config["VISIT_RETENTION_DAYS"]
    with write_transaction():
        visits = purge_visits(days)
        accounts = purge_unconfirmed_accounts()
        carts = purge_expired_carts()
        mails = purge_mail_log()
        disclosures = purge_disclosures()
        db.session.commit()
    truncate_sqlite_wal(db.engine)
    click.echo(f"Erased {visits} visit records older than {days} days, {accounts} unconfirmed accounts, "
               f"{carts} abandoned carts, and {mails} sent-mail records and {disclosures} disclosure records "
               "older than 3 years.")


@privacy.command("publish")
@click.option("--en", "body_en", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The English text (Markdown file).")
@click.option("--zh", "body_zh", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The Chinese text (Markdown file).")
@click.option("--summary-en", required=True, help="What changed, in English.")
@click.option("--summary-zh", required=True, help="What changed, in Chinese.")
@click.option("--material/--minor", default=False, show_default=True,
              help="A material change asks everyone's consent again, reminds signed-in customers and emails them.")
@click.option("--effective", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day it takes effect (UTC midnight); default: now.")
def privacy_publish(body_en, body_zh, summary_en, summary_zh, material, effective):
    """Publish the next version of the privacy policy (the admin area has the same as a page)."""
    try:
        texts = {"en": {"body": body_en.read_text(encoding="utf-8"), "summary": summary_en},
                 "zh": {"body": body_zh.read_text(encoding="utf-8"), "summary": summary_zh}}
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(f"Not published: cannot read the text ({error}).") from None
    effective_at = effective.replace(tzinfo=timezone.utc) if effective else None
    if effective_at is not None and effective_at.date() == datetime.now(timezone.utc).date():
        effective_at = None  # today: from now on
    with write_transaction():
        try:
            version = publish_version(texts, material=material, effective_at=effective_at)
        except PolicyError as error:
            db.session.rollback()
            problems = "; ".join(f"{field}: {message}" for field, message in error.errors.items())
            raise click.ClickException(f"Not published: {problems}") from None
        db.session.commit()
    click.echo(f"Published version {version.number} ({'material' if material else 'minor'} change), "
               f"in force from {version.effective_at:%Y-%m-%d %H:%M} UTC.")


@privacy.command("verify-ledger")
def privacy_verify_ledger():
    """Check the consent ledger's hash chain; exits 1 at the first entry that was changed.

    Keep the printed count and head hash (in the backup log, say): a chain cut short at its end still
    verifies, but no longer reaches a head written down earlier.
    """
    result = verify_ledger()
    if not result.ok:
        raise click.ClickException(f"The consent ledger is broken at entry {result.broken_at} "
                                   f"(after {result.entries} good entries).")
    click.echo(f"The consent ledger verifies: {result.entries} entries, head {result.head}.")


def register(app) -> None:
    for command in (create_owner_command, seed_demo_command, translate, keys, privacy):
        app.cli.add_command(command)
