"""Account rules: registration, confirmation, sign-in, password and email changes, profile and addresses."""

import hashlib
import unicodedata
from datetime import date, datetime, timedelta

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from cryptography.fernet import InvalidToken
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from storefront.account.models import Address, User
from storefront.database import utcnow
from storefront.extensions import db
from storefront.i18n import LANGUAGES
from storefront.notifications.services import external_url, queue_email
from storefront.privacy.registry import Person, ReceiptLine, erase_person, export_person
from storefront.security import data_cipher, hash_password, password_needs_rehash, verify_password

CONFIRM_MAX_AGE = timedelta(days=3)
RESET_MAX_AGE = timedelta(hours=1)
EMAIL_CHANGE_MAX_AGE = timedelta(days=1)
MINIMUM_AGE = 14
MAX_ID = 2**31  # ids in URLs beyond any INTEGER column are simply not found
PHONE_REGIONS = {"zh": "CN", "en": "US"}  # for a number without a country: the page language's usual one


class AccountError(Exception):
    """Base of the account rules' refusals."""


class EmailTaken(AccountError):
    pass


class InvalidCredentials(AccountError):
    pass


class TokenInvalid(AccountError):
    """The link is forged, expired or already used."""


class NotFound(AccountError):
    pass


def canonical_email(raw: str) -> str:
    """The stored form of an address: NFKC, trimmed, case-folded (full-width and case twins are one)."""
    return unicodedata.normalize("NFKC", raw or "").strip().casefold()


def is_valid_email(raw: str) -> bool:
    try:
        # Only addresses every mail server can take: SMTPUTF8 (non-ASCII local parts) is refused here
        # rather than accepted and then never delivered.
        validate_email(canonical_email(raw), check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return False
    return True


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == canonical_email(email)))


def register(email: str, password: str, full_name: str | None, locale: str) -> User:
    """Create the account and queue its confirmation email; raises EmailTaken. Flushes."""
    email = canonical_email(email)
    if find_user_by_email(email) is not None:
        raise EmailTaken(email)
    user = User(email=email, password_hash=hash_password(password), full_name=_clean(full_name),
                preferred_locale=locale)
    try:
        # Two registrations racing for one address: the unique index decides, the loser is told.
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        raise EmailTaken(email) from None
    send_confirmation(user)
    return user


def _clean(text: str | None) -> str | None:
    return (text or "").strip() or None


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"storefront.account.{purpose}")


def _load(purpose: str, token: str, max_age: timedelta) -> dict:
    try:
        data = _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except BadSignature:
        raise TokenInvalid(purpose) from None
    if not isinstance(data, dict):
        raise TokenInvalid(purpose)
    return data


def _user_for(data: dict) -> User:
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None:
        raise TokenInvalid("user")
    return user


def _fingerprint(value: str) -> str:
    """A short digest that ties a token to a value without putting the value in the URL (or the logs)."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def send_confirmation(user: User) -> None:
    token = _serializer("confirm").dumps({"u": user.id, "e": _fingerprint(user.email)})
    queue_email(to=user.email, template="account_confirm", locale=user.preferred_locale, user_id=user.id,
                subject=_l("Confirm your email address"), token=token, user=user)


def resend_confirmation(user: User) -> bool:
    """Queue the confirmation link again unless the address is already confirmed; True when queued."""
    if user.is_confirmed:
        return False
    send_confirmation(user)
    return True


def confirm_email(token: str) -> User:
    data = _load("confirm", token, CONFIRM_MAX_AGE)
    user = _user_for(data)
    if data.get("e") != _fingerprint(user.email):
        raise TokenInvalid("confirm")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    return user


def authenticate(email: str, password: str) -> User:
    """The user with these credentials (rehashing an outdated hash); raises InvalidCredentials.

    An unknown email costs the same time as a wrong password, so neither answer tells them apart.
    """
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise InvalidCredentials()
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def check_password(user: User, password: str) -> None:
    """Raises InvalidCredentials unless the password is the user's (asked again before sensitive steps)."""
    if not verify_password(user.password_hash, password):
        raise InvalidCredentials()


def request_password_reset(email: str) -> None:
    """Queue a reset link when the account exists (in the account's language); the caller answers the same either way."""
    user = find_user_by_email(email)
    if user is None:
        return
    token = _serializer("reset").dumps({"u": user.id, "h": _fingerprint(user.password_hash)})
    queue_email(to=user.email, template="password_reset", locale=user.preferred_locale, user_id=user.id,
                subject=_l("Reset your password"), token=token, user=user)


def check_reset_token(token: str) -> User:
    data = _load("reset", token, RESET_MAX_AGE)
    user = _user_for(data)
    # The token names the current hash: once the password changes, every earlier link is spent.
    if data.get("h") != _fingerprint(user.password_hash):
        raise TokenInvalid("reset")
    return user


def reset_password(token: str, password: str) -> User:
    user = check_reset_token(token)
    _set_password(user, password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()  # the reset link proved the address
    return user


def change_password(user: User, current: str, new: str) -> None:
    check_password(user, current)
    _set_password(user, new)


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.end_sessions()


def request_email_change(user: User, new_email: str, password: str) -> None:
    """Check the password, then mail a confirmation link to the new address and a notice to the old one.

    Raises InvalidCredentials, SameEmail (nothing to change) or EmailTaken."""
    check_password(user, password)
    new_email = canonical_email(new_email)
    if new_email == user.email:
        raise SameEmail(new_email)
    if find_user_by_email(new_email) is not None:
        raise EmailTaken(new_email)
    # The new address travels encrypted: tokens sit in URLs, and URLs end up in logs.
    sealed = data_cipher().encrypt(new_email.encode()).decode("ascii")
    token = _serializer("email").dumps({"u": user.id, "e": sealed, "old": _fingerprint(user.email)})
    queue_email(to=new_email, template="email_change_confirm", locale=user.preferred_locale, user_id=user.id,
                subject=_l("Confirm your new email address"), token=token, user=user, new_email=new_email)
    queue_email(to=user.email, template="email_change_notice", locale=user.preferred_locale, user_id=user.id,
                subject=_l("Your email address is being changed"), user=user, new_email=new_email)


def confirm_email_change(token: str) -> User:
    data = _load("email", token, EMAIL_CHANGE_MAX_AGE)
    user = _user_for(data)
    if data.get("old") != _fingerprint(user.email):
        raise TokenInvalid("email")
    try:
        new_email = data_cipher().decrypt(str(data.get("e", "")).encode("ascii")).decode()
    except (InvalidToken, UnicodeError):
        raise TokenInvalid("email") from None
    if find_user_by_email(new_email) is not None:
        raise EmailTaken(new_email)
    user.email = new_email
    user.email_confirmed_at = utcnow()
    return user


def normalise_phone(raw: str, region: str) -> str:
    """E.164 for a phone number (full-width digits and spaces accepted); raises ValueError when invalid.

    `region` is where a national number (one without +country code) belongs: an ISO country
    code, or a page language (en, zh) standing for its usual country.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    try:
        number = phonenumbers.parse(text, PHONE_REGIONS.get(region, region))
    except phonenumbers.NumberParseException:
        raise ValueError(raw) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def age_on(birth_date: date, today: date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def update_profile(user: User, *, full_name, phone, gender, birth_date, preferred_locale) -> None:
    user.full_name = _clean(full_name)
    user.phone = phone or None
    user.gender = gender or None
    user.birth_date = birth_date
    user.preferred_locale = preferred_locale


def list_addresses(user: User) -> list[Address]:
    return list(db.session.scalars(
        select(Address).where(Address.user_id == user.id).order_by(Address.is_default.desc(), Address.id)
    ))


def get_address(user: User, address_id: int) -> Address:
    """The user's own address; another customer's id is NotFound, exactly like a missing one."""
    if not 0 < address_id < MAX_ID:
        raise NotFound(address_id)
    address = db.session.scalar(select(Address).where(Address.id == address_id, Address.user_id == user.id))
    if address is None:
        raise NotFound(address_id)
    return address


def save_address(user: User, address: Address | None, values: dict, is_default: bool) -> Address:
    """Create or update one of the user's addresses; the first one, or one marked so, becomes the default."""
    if address is None:
        address = Address(user_id=user.id)
        db.session.add(address)
    for field in Address.FIELDS:
        setattr(address, field, values.get(field) or None)
    count = db.session.scalar(select(func.count(Address.id)).where(Address.user_id == user.id))
    if is_default or count <= 1:
        db.session.execute(update(Address).where(Address.user_id == user.id).values(is_default=False))
        address.is_default = True
    db.session.flush()
    return address


def delete_address(user: User, address_id: int) -> None:
    address = get_address(user, address_id)
    was_default = address.is_default
    db.session.delete(address)
    db.session.flush()
    if was_default:
        remaining = list_addresses(user)
        if remaining:
            remaining[0].is_default = True


def is_over_minimum_age(birth_date: date, today: date | None = None) -> bool:
    return age_on(birth_date, today or utcnow().date()) >= MINIMUM_AGE


class SameEmail(ValueError):
    """The new address is the account's own already."""


class RoleError(ValueError):
    """A role change that cannot be made; the message is translated."""


def staff_members() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role.in_(("staff", "owner"))).order_by(User.role, User.email)))


def grant_staff(email: str) -> User:
    """Make a confirmed customer account staff. Flushes. Raises RoleError."""
    user = find_user_by_email(email)
    if user is None or not user.is_confirmed:
        raise RoleError(_l("There is no confirmed account with this email address. Ask the person to register "
                           "and confirm their address first."))
    if user.role != "customer":
        raise RoleError(_l("This account is already staff or the owner."))
    user.role = "staff"
    db.session.flush()
    return user


def revoke_staff(user_id: int) -> User:
    """Make a staff account a customer again and end its sessions. Flushes. Raises RoleError."""
    user = db.session.get(User, user_id) if 0 < user_id < MAX_ID else None
    if user is None or user.role != "staff":
        raise RoleError(_l("This account is not staff."))
    user.role = "customer"
    user.end_sessions()
    db.session.flush()
    return user


def create_or_promote_owner(email: str, password: str | None) -> tuple[User, bool]:
    """The shop owner: a new confirmed account with the password, or an existing confirmed account
    promoted (its password unchanged). An account whose address was never confirmed may be anybody's
    who typed it in: it gets the operator's password and loses its sessions before it is promoted.
    Returns (user, created). Flushes. Raises RoleError."""
    if not is_valid_email(email):
        raise RoleError(_l("Enter an email address like name@example.com."))
    user = find_user_by_email(email)
    if user is not None and user.is_confirmed:
        user.role = "owner"
        db.session.flush()
        return user, False
    if password is None:
        raise RoleError(_l("A new owner account needs a password."))
    if user is not None:
        _set_password(user, password)
        user.role, user.email_confirmed_at = "owner", utcnow()  # the operator vouches for the address
        db.session.flush()
        return user, False
    user = User(email=canonical_email(email), password_hash=hash_password(password), role="owner",
                email_confirmed_at=utcnow(), preferred_locale=current_app.config["DEFAULT_LOCALE"])
    db.session.add(user)
    db.session.flush()
    return user, True


def person_of(user: User) -> Person:
    """The account as the privacy registry knows a person."""
    return Person(user.id, user.email, user.is_confirmed)


def export_account(user: User) -> dict:
    """Everything the shop holds about the account, by category (the privacy registry decides what)."""
    return {
        "exported_at": utcnow().isoformat(),
        "account_id": user.id,
        **export_person(person_of(user)),
    }


def delete_account(user: User, password: str) -> list[ReceiptLine]:
    """Erase the account through the privacy registry and queue the itemised receipt to its address.

    Raises InvalidCredentials for a wrong password. The receipt's own outbox row is deleted once
    delivered. Flushes; the caller commits and then scrubs the database files.
    """
    check_password(user, password)
    person, locale = person_of(user), user.preferred_locale
    lines = erase_person(person)
    db.session.expunge(user)
    queue_email(to=person.email, template="account_deleted", locale=locale, delete_after_send=True,
                subject=_l("Your account is deleted"), receipt=lines)
    return lines


def announce_policy(version) -> int:
    """A material privacy-policy version: queue its summary to every confirmed account in its language.

    Registered with privacy.policy.on_material_change; runs inside publish_version (flushes there).
    Unconfirmed addresses get nothing: they were never shown to belong to whoever registered them.
    """
    users = db.session.execute(
        select(User.id, User.email, User.preferred_locale).where(User.email_confirmed_at.is_not(None)).order_by(User.id)
    ).all()
    for user_id, email, locale in users:
        locale = locale if locale in LANGUAGES else current_app.config["DEFAULT_LOCALE"]
        previous = version.number - 1 if version.number > 1 else None
        queue_email(
            to=email, template="policy_changed", locale=locale, user_id=user_id,
            subject=_l("Our privacy policy has changed"), number=version.number,
            effective_at=version.effective_at, summary=version.text(locale).summary,
            policy_url=external_url("policy.privacy", lang=locale),
            changes_url=external_url("policy.version", lang=locale, number=version.number, diff=previous)
            if previous else None,
            settings_url=external_url("policy.consent", lang=locale),
        )
    return len(users)


UNCONFIRMED_RETENTION = timedelta(days=30)


def purge_unconfirmed_accounts(now: datetime | None = None) -> int:
    """Erase accounts whose email was never confirmed within 30 days; returns how many. Flushes.

    No receipt is mailed: the address was never shown to belong to whoever registered it.
    """
    cutoff = (now or utcnow()) - UNCONFIRMED_RETENTION
    stale = list(db.session.scalars(
        select(User).where(User.email_confirmed_at.is_(None), User.created_at < cutoff)
    ))
    for user in stale:
        erase_person(person_of(user))
        db.session.expunge(user)
    return len(stale)
