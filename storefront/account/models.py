"""Shopping accounts and their saved addresses; the Flask-Login user loader."""

import secrets
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.database import utcnow
from storefront.extensions import db, login_manager
from storefront.security import Encrypted, EncryptedDate

ROLES = ("customer", "staff", "owner")
GENDERS = ("female", "male", "other", "undisclosed")


def new_session_nonce() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # Canonical (NFKC, case-folded) and unique: the sign-in name. Stays plain text.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    full_name: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    phone: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    gender: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    birth_date: Mapped[date | None] = mapped_column(EncryptedDate, info={"personal": True})
    preferred_locale: Mapped[str] = mapped_column(String(8), default="en")
    role: Mapped[str] = mapped_column(String(10), default="customer")
    email_confirmed_at: Mapped[datetime | None]
    # Changing it ends every session and remember-me cookie issued before (see get_id).
    session_nonce: Mapped[str] = mapped_column(String(40), default=new_session_nonce)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    addresses: Mapped[list["Address"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Address.id", lazy="raise"
    )

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_staff(self) -> bool:
        return self.role in ("staff", "owner")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    def end_sessions(self) -> None:
        self.session_nonce = new_session_nonce()

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class Address(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(Encrypted, info={"personal": True})
    phone: Mapped[str] = mapped_column(Encrypted, info={"personal": True})
    country: Mapped[str] = mapped_column(Encrypted, info={"personal": True})
    region: Mapped[str] = mapped_column(Encrypted, info={"personal": True})
    city: Mapped[str] = mapped_column(Encrypted, info={"personal": True})
    district: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    line1: Mapped[str] = mapped_column(Encrypted, info={"personal": True})
    line2: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    postal_code: Mapped[str] = mapped_column(Encrypted, info={"personal": True})
    is_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="addresses", lazy="raise")

    FIELDS = ("recipient", "phone", "country", "region", "city", "district", "line1", "line2", "postal_code")


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The user named by a session or remember cookie, if its nonce is still current."""
    user_id, _, nonce = token.partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    user = db.session.scalar(select(User).where(User.id == int(user_id)))
    if user is None or not secrets.compare_digest(user.session_nonce, nonce):
        return None
    return user
