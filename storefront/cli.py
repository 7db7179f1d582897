"""The flask commands of CONTRACT.md (db comes from Flask-Migrate)."""

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import click
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from storefront.account.forms import password_problem
from storefront.account.services import (
    RoleError, create_or_promote_owner, find_user_by_email, is_valid_email, purge_unconfirmed_accounts,
)
from storefront.backup import BackupError, backup_database
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
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)  # noqa: S603 - this interpreter's pybabel, fixed options


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
    try:
        with write_transaction(), db.engine.begin() as connection:
            changed = rotate_encrypted_columns(db.metadata, connection)
    except InvalidToken:
        raise click.ClickException(
            "Some stored values are encrypted under a key that is not in STOREFRONT_DATA_KEYS: nothing was "
            "changed. Put the old keys back after the new one (newest first) and run `keys rotate` again."
        ) from None
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


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path, force):
    """Write a consistent copy of the database to PATH, while the shop keeps serving.

    SQLite: SQLite's online backup, one self-contained file (restore: stop the shop, put it in place
    of the database file). PostgreSQL: pg_dump's custom format (restore with pg_restore); pg_dump must
    be installed, of the server's major version or newer, and reads the password from the URL.

    The copy goes to a temporary file beside PATH and is renamed into place when complete, readable
    by its owner only. An existing PATH is kept unless --force.

    NOT in the copy, to be backed up separately: the data keys (STOREFRONT_DATA_KEYS; without them
    the personal data in the copy cannot be read), STOREFRONT_SECRET_KEY, and the uploaded product
    images (STOREFRONT_UPLOAD_DIR). Keep the keys apart from the copies: a copy stored together with
    its keys is no longer protected by the encryption.
    """
    try:
        size = backup_database(db.engine, path, force=force)
    except BackupError as error:
        raise click.ClickException(f"No backup made: {error}") from None
    click.echo(f"Backed up the database to {path.expanduser().absolute()} ({_size(size)}).")


def _size(count: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if count < 1024 or unit == "GiB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    return ""


def register(app) -> None:
    for command in (create_owner_command, seed_demo_command, translate, keys, privacy, backup_command):
        app.cli.add_command(command)
