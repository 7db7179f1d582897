"""The privacy policy: versions with a text per language, publishing, and acknowledgements.

The version in force is the newest whose effective date has come. A material version makes
earlier consent void (the banner returns), asks signed-in customers to acknowledge it, and is
emailed to every registered customer in their language.
"""

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, case, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from storefront.database import utcnow
from storefront.extensions import db
from storefront.i18n import LANGUAGES
from storefront.privacy.registry import Person, ReceiptLine, personal_data, retained
from storefront.security import render_markdown

SUMMARY_MAX = 2000
# The shop's settings a policy text may name as {placeholder}; the policy pages fill them in.
PLACEHOLDERS = ("shop_name", "shop_email", "shop_address", "logistics_company", "card_processor",
                "visit_retention_days", "visit_idle_minutes", "prevailing_language")
BODY_MAX = 100_000
EFFECTIVE_SLACK = timedelta(minutes=5)  # "now" typed into a form a moment ago is not the past


class PolicyVersion(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    material: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    effective_at: Mapped[datetime] = mapped_column(index=True)

    texts: Mapped[list["PolicyText"]] = relationship(
        back_populates="version", cascade="all, delete-orphan", lazy="raise", order_by="PolicyText.locale"
    )

    def text(self, locale: str) -> "PolicyText":
        """The text in the locale (every version has one per language; the prevailing one as a fallback)."""
        by_locale = {t.locale: t for t in self.texts}
        return by_locale.get(locale) or by_locale[current_app.config["PREVAILING_LOCALE"]]


class PolicyText(db.Model):
    __table_args__ = (UniqueConstraint("version_id", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("policy_version.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text)  # Markdown with {placeholders} for the shop's settings
    summary: Mapped[str] = mapped_column(Text)  # what changed, in a sentence or a short list

    version: Mapped[PolicyVersion] = relationship(back_populates="texts", lazy="raise")


class PolicyAcknowledgement(db.Model):
    """A signed-in customer said they read a (material) version."""

    __table_args__ = (UniqueConstraint("user_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class PolicyState:
    """What every page needs to know: the version in force and the newest material one in force."""

    current: int  # 0 when no version is in force yet
    material: int  # consent and acknowledgements given for an older version no longer count
    material_since: datetime | None


class PolicyError(ValueError):
    """A version cannot be published as given; `errors` maps the field to a translated message."""

    def __init__(self, errors: dict):
        super().__init__("invalid policy version")
        self.errors = errors


def policy_state(now: datetime | None = None) -> PolicyState:
    """One query: the numbers of the version in force and of the newest material version in force."""
    now = now or utcnow()
    newest_material = select(func.max(PolicyVersion.number)).where(
        PolicyVersion.material.is_(True), PolicyVersion.effective_at <= now
    ).scalar_subquery()
    current, material, since = db.session.execute(
        select(
            func.max(PolicyVersion.number),
            newest_material,
            func.max(case((PolicyVersion.number == newest_material, PolicyVersion.effective_at))),
        ).where(PolicyVersion.effective_at <= now)
    ).one()
    return PolicyState(current or 0, material or 0, since)


def get_version(number: int) -> PolicyVersion | None:
    return db.session.scalar(
        select(PolicyVersion).where(PolicyVersion.number == number).options(selectinload(PolicyVersion.texts))
    )


def current_version() -> PolicyVersion | None:
    now = utcnow()
    return db.session.scalar(
        select(PolicyVersion).where(PolicyVersion.effective_at <= now).order_by(PolicyVersion.number.desc())
        .limit(1).options(selectinload(PolicyVersion.texts))
    )


def all_versions() -> list[PolicyVersion]:
    return list(db.session.scalars(
        select(PolicyVersion).order_by(PolicyVersion.number.desc()).options(selectinload(PolicyVersion.texts))
    ))


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!])")


def fill_placeholders(body: str, values: dict[str, str]) -> str:
    """The body with {shop_name} and the other settings written in, escaped for Markdown.

    The policy pages know the settings (shop, carrier, card processor); unknown names stay as written.
    """
    def replace(match):
        value = values.get(match.group(1))
        return match.group(0) if value is None else _MARKDOWN_SPECIAL.sub(r"\\\1", value)

    return _PLACEHOLDER.sub(replace, body)


def render_text(text: PolicyText, values: dict[str, str]) -> Markup:
    """A policy text as sanitised HTML, with the shop's settings filled in."""
    return render_markdown(fill_placeholders(text.body, values))


@dataclass(frozen=True)
class DiffLine:
    """One block of a comparison: "added" or "removed" text, an unchanged "heading" kept for
    orientation, or a run of `count` "unchanged" blocks left out."""

    kind: str
    text: str = ""
    count: int = 0

    @property
    def html(self) -> Markup:
        return render_markdown(self.text)


def diff_texts(old: PolicyText, new: PolicyText, values: dict[str, str]) -> list[DiffLine]:
    """What changed between two texts, block by block (settings filled in). Unchanged blocks are
    left out, except the headings, so each change shows under its section."""
    def blocks(text: PolicyText) -> list[str]:
        body = fill_placeholders(text.body, values)
        return [block.strip() for block in re.split(r"\n\s*\n", body) if block.strip()]

    before, after = blocks(old), blocks(new)
    lines: list[DiffLine] = []
    skipped = 0

    def flush() -> None:
        nonlocal skipped
        if skipped:
            lines.append(DiffLine("unchanged", count=skipped))
            skipped = 0

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if tag == "equal":
            for block in before[i1:i2]:
                if block.startswith("#"):
                    flush()
                    lines.append(DiffLine("heading", block))
                else:
                    skipped += 1
            continue
        flush()
        lines.extend(DiffLine("removed", block) for block in before[i1:i2])
        lines.extend(DiffLine("added", block) for block in after[j1:j2])
    flush()
    return lines


def summary_html(text: PolicyText) -> Markup:
    return render_markdown(text.summary)


def publish_version(texts: dict[str, dict[str, str]], *, material: bool,
                    effective_at: datetime | None = None) -> PolicyVersion:
    """Publish the next version. `texts` maps every language code to {"body": ..., "summary": ...}.

    A material version queues the summary to every confirmed account in its language. Flushes;
    the caller commits (so the emails leave only with the version). Raises PolicyError.
    """
    errors = check_texts(texts)
    now = utcnow()
    if effective_at is not None and effective_at.tzinfo is None:
        raise ValueError("effective_at must be timezone-aware")
    latest = db.session.execute(
        select(PolicyVersion.number, PolicyVersion.effective_at).order_by(PolicyVersion.number.desc()).limit(1)
    ).first()
    if effective_at is not None and effective_at < now - EFFECTIVE_SLACK:
        errors["effective_at"] = _l("A new version cannot take effect in the past.")
    elif effective_at is not None and latest is not None and effective_at < latest.effective_at:
        errors["effective_at"] = _l("A new version cannot take effect before the version published before it.")
    if errors:
        raise PolicyError(errors)
    if effective_at is None and latest is not None and latest.effective_at > now:
        effective_at = latest.effective_at  # after an upcoming version, never before it
    number = (latest.number if latest else 0) + 1
    version = PolicyVersion(number=number, material=material, published_at=now, effective_at=effective_at or now)
    version.texts = [PolicyText(locale=code, body=texts[code]["body"].strip(), summary=texts[code]["summary"].strip())
                     for code in LANGUAGES]
    db.session.add(version)
    db.session.flush()
    if material:
        announce(version)
    return version


def check_texts(texts: dict) -> dict:
    """What is wrong with each text, by field (body_en, summary_zh...): empty, too long, unknown placeholders."""
    errors = {}
    for code in LANGUAGES:
        entry = texts.get(code) or {}
        for field, limit in (("body", BODY_MAX), ("summary", SUMMARY_MAX)):
            value = (entry.get(field) or "").strip()
            if not value:
                errors[f"{field}_{code}"] = _l("Please write this text.")
            elif len(value) > limit:
                errors[f"{field}_{code}"] = _l("This text is too long (at most %(limit)d characters).", limit=limit)
            elif "\x00" in value:
                errors[f"{field}_{code}"] = _l("This text contains characters we cannot store.")
            elif unknown := sorted(set(_PLACEHOLDER.findall(value)) - set(PLACEHOLDERS)):
                errors[f"{field}_{code}"] = _l("Unknown placeholder: %(names)s. Known: %(known)s.",
                                               names=", ".join("{%s}" % name for name in unknown),
                                               known=", ".join("{%s}" % name for name in PLACEHOLDERS))
    return errors


# Who is told of a material change: the account feature registers a callable that queues the
# summary to every registered customer in their language (privacy imports no tier above it).
_announcers: list[Callable[[PolicyVersion], int]] = []


def on_material_change(announcer: Callable[[PolicyVersion], int]) -> None:
    _announcers.append(announcer)


def announce(version: PolicyVersion) -> int:
    """Tell everyone the registered announcers reach; returns how many messages were queued."""
    return sum(announcer(version) for announcer in _announcers)


def needs_acknowledgement(user_id: int, user_created_at: datetime, state: PolicyState) -> bool:
    """Whether the customer must still acknowledge the newest material version in force.

    Customers who registered after it took effect agreed to it when they registered.
    """
    if state.material <= 1 or state.material_since is None or user_created_at >= state.material_since:
        return False
    acknowledged = db.session.scalar(
        select(func.max(PolicyAcknowledgement.version)).where(PolicyAcknowledgement.user_id == user_id)
    )
    return (acknowledged or 0) < state.material


def acknowledge(user_id: int, state: PolicyState) -> bool:
    """Record that the customer acknowledged the version in force. Flushes; False if already recorded."""
    exists = db.session.scalar(select(PolicyAcknowledgement.id).where(
        PolicyAcknowledgement.user_id == user_id, PolicyAcknowledgement.version == state.current))
    if exists or not state.current:
        return False
    try:
        with db.session.begin_nested():  # a double click's second request finds the first one's row
            db.session.add(PolicyAcknowledgement(user_id=user_id, version=state.current))
    except IntegrityError:
        return False
    return True


def export_acknowledgements(person: Person) -> list[dict]:
    rows = db.session.scalars(select(PolicyAcknowledgement).where(PolicyAcknowledgement.user_id == person.user_id)
                              .order_by(PolicyAcknowledgement.id)) if person.user_id else []
    return [{"version": row.version, "at": row.created_at.isoformat()} for row in rows]


def erase_acknowledgements(person: Person) -> list[ReceiptLine]:
    deleted = db.session.execute(
        delete(PolicyAcknowledgement).where(PolicyAcknowledgement.user_id == person.user_id)
    ).rowcount if person.user_id else 0
    return [ReceiptLine("policy_acknowledgements", "erased", deleted)]


personal_data("policy_acknowledgement", category="policy_acknowledgements",
              label=_l("Policy versions you acknowledged"), export=export_acknowledgements,
              erase=erase_acknowledgements, order=40)
retained("policy_version", "no personal data: the published policy")
retained("policy_text", "no personal data: the published policy")

