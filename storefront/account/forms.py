"""Account forms: field shapes, lengths and the password rules; every message translated."""

from datetime import date
from pathlib import Path

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DateField, EmailField, HiddenField, PasswordField, SelectChoice, SelectField, StringField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional, ValidationError

from storefront.account.models import GENDERS
from storefront.account.services import is_over_minimum_age, is_valid_email, normalise_phone
from storefront.security import normalise_password

PASSWORD_MIN, PASSWORD_MAX = 12, 128
_COMMON = None


def common_passwords() -> frozenset[str]:
    global _COMMON
    if _COMMON is None:
        lines = (Path(__file__).parent / "common_passwords.txt").read_text().splitlines()
        _COMMON = frozenset(line for line in lines if line and not line.startswith("#"))
    return _COMMON


def is_common_password(password: str) -> bool:
    """True for a listed password, a listed word padded with digits or symbols, or one repeated character."""
    text = normalise_password(password).casefold()
    base = text.rstrip("0123456789!@#$%^&*?._-+= ")
    return text in common_passwords() or (len(base) >= 4 and base in common_passwords()) or len(set(text)) <= 2


def email_format(form, field) -> None:
    if not is_valid_email(field.data or ""):
        raise ValidationError(_l("Enter an email address like name@example.com."))


def strong_password(form, field) -> None:
    password = normalise_password(field.data or "")
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise ValidationError(
            _l("Use %(min)d to %(max)d characters. A few unrelated words make a good password.",
               min=PASSWORD_MIN, max=PASSWORD_MAX))
    if is_common_password(password):
        raise ValidationError(_l("This password is too common and easy to guess. Choose another one."))


def email_field(label=None):
    return EmailField(label or _l("Email address"),
                      [DataRequired(_l("Enter your email address.")), Length(max=254), email_format],
                      render_kw={"autocomplete": "email"})


def new_password_fields():
    password = PasswordField(_l("Password"), [InputRequired(_l("Enter a password.")), strong_password],
                             render_kw={"autocomplete": "new-password"},
                             description=_l("At least 12 characters. Any language, spaces allowed."))
    confirm = PasswordField(_l("Repeat the password"),
                            [InputRequired(_l("Repeat the password.")),
                             EqualTo("password", _l("The two passwords do not match."))],
                            render_kw={"autocomplete": "new-password"})
    return password, confirm


class RegisterForm(FlaskForm):
    email = email_field()
    password, password_confirm = new_password_fields()
    full_name = StringField(_l("Full name (optional)"), [Optional(), Length(max=120)],
                            render_kw={"autocomplete": "name"})


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(_l("Password"), [InputRequired(_l("Enter your password.")), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me signed in on this device for 30 days"))
    next = HiddenField()


class ResendConfirmationForm(FlaskForm):
    pass


class PasswordResetRequestForm(FlaskForm):
    email = email_field()


class PasswordResetForm(FlaskForm):
    password, password_confirm = new_password_fields()


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), [InputRequired(_l("Enter your current password."))],
                                     render_kw={"autocomplete": "current-password"})
    password, password_confirm = new_password_fields()


class EmailChangeForm(FlaskForm):
    email = email_field(_l("New email address"))
    password = PasswordField(_l("Your password"), [InputRequired(_l("Enter your password."))],
                             render_kw={"autocomplete": "current-password"})


class PasswordCheckForm(FlaskForm):
    password = PasswordField(_l("Your password"), [InputRequired(_l("Enter your password."))],
                             render_kw={"autocomplete": "current-password"})


def phone_number(form, field) -> None:
    if not field.data:
        return
    try:
        field.data = normalise_phone(field.data, form.locale)
    except ValueError:
        raise ValidationError(form.phone_example) from None


def past_birth_date(form, field) -> None:
    if field.data is None:
        return
    if field.data > date.today():
        raise ValidationError(_l("The birth date cannot be in the future."))
    if not is_over_minimum_age(field.data):
        raise ValidationError(_l(
            "You must be at least 14 to have an account. Under Chinese law (PIPL) the personal information "
            "of children under 14 needs a guardian's consent, so please ask a parent or guardian to shop for you."))


class IsoDateField(DateField):
    """A YYYY-MM-DD date whose format error shows an example."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter the date as YYYY-MM-DD, for example 1990-05-17.")) from None


GENDER_CHOICES = [
    SelectChoice("", _l("Not given")),
    SelectChoice("female", _l("Female")),
    SelectChoice("male", _l("Male")),
    SelectChoice("other", _l("Other")),
    SelectChoice("undisclosed", _l("Prefer not to say")),
]
LOCALE_CHOICES = [SelectChoice("en", "English", {"lang": "en"}), SelectChoice("zh", "中文", {"lang": "zh-Hans"})]


class ProfileForm(FlaskForm):
    full_name = StringField(_l("Full name"), [Optional(), Length(max=120)], render_kw={"autocomplete": "name"},
                            description=_l("As you would write it on a parcel, in any language."))
    phone = StringField(_l("Phone"), [Optional(), Length(max=40), phone_number],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    gender = SelectField(_l("Gender"), choices=GENDER_CHOICES, validate_choice=True)
    birth_date = IsoDateField(_l("Date of birth"), [Optional(), past_birth_date],
                           render_kw={"autocomplete": "bday"},
                           description=_l("Format: YYYY-MM-DD. Optional."))
    preferred_locale = SelectField(_l("Language for emails"), choices=LOCALE_CHOICES)

    def __init__(self, *args, locale: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        self.locale = locale
        example = "+86 138 0013 8000" if locale == "zh" else "+1 415 555 0132"
        self.phone_example = _l("Enter a valid phone number, for example %(example)s.", example=example)


ADDRESS_REQUIRED = _l("This field is required.")


class AddressForm(FlaskForm):
    recipient = StringField(_l("Recipient"), [DataRequired(ADDRESS_REQUIRED), Length(max=120)],
                            render_kw={"autocomplete": "name"})
    phone = StringField(_l("Phone"), [DataRequired(ADDRESS_REQUIRED), Length(max=40), phone_number],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    country = SelectField(_l("Country or region"), [DataRequired(ADDRESS_REQUIRED)], validate_choice=True)
    region = StringField(_l("Province / state"), [DataRequired(ADDRESS_REQUIRED), Length(max=80)],
                         render_kw={"autocomplete": "address-level1"})
    city = StringField(_l("City"), [DataRequired(ADDRESS_REQUIRED), Length(max=80)],
                       render_kw={"autocomplete": "address-level2"})
    district = StringField(_l("District (optional)"), [Optional(), Length(max=80)],
                           render_kw={"autocomplete": "address-level3"})
    line1 = StringField(_l("Street address"), [DataRequired(ADDRESS_REQUIRED), Length(max=200)],
                        render_kw={"autocomplete": "address-line1"})
    line2 = StringField(_l("Apartment, floor, building (optional)"), [Optional(), Length(max=200)],
                        render_kw={"autocomplete": "address-line2"})
    postal_code = StringField(_l("Postal code"), [DataRequired(ADDRESS_REQUIRED), Length(max=20)],
                              render_kw={"autocomplete": "postal-code"})
    is_default = BooleanField(_l("Use as my default address"))

    # The order each language's customers expect to fill an address in.
    ORDER = {
        "zh": ("recipient", "phone", "country", "region", "city", "district", "line1", "line2", "postal_code"),
        "en": ("recipient", "line1", "line2", "city", "district", "region", "postal_code", "country", "phone"),
    }

    def __init__(self, *args, locale: str = "en", countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.locale = locale
        self.country.choices = [SelectChoice("", _l("Choose…")),
                                *(SelectChoice(code, name) for code, name in countries)]
        example = "+86 138 0013 8000" if locale == "zh" else "+1 415 555 0132"
        self.phone_example = _l("Enter a valid phone number, for example %(example)s.", example=example)

    def ordered_fields(self):
        return [self[name] for name in self.ORDER.get(self.locale, self.ORDER["en"])]

    def values(self) -> dict:
        return {name: (self[name].data or "").strip() or None for name in self.ORDER["en"]}
