"""Account forms: field shapes, lengths and the password rules; every message translated."""

from pathlib import Path

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DateField, EmailField, HiddenField, PasswordField, SelectChoice, SelectField, StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from storefront.account.models import Address
from storefront.account.services import is_over_minimum_age, is_valid_email, normalise_phone
from storefront.database import utcnow
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


_CONTROL = dict.fromkeys(range(32))  # NUL and the other control characters: never part of a name or address


def no_control_characters(value):
    return value.translate(_CONTROL) if isinstance(value, str) else value


class Form(FlaskForm):
    """Every account form: text fields lose control characters (NUL included) before validation."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if unbound_field.field_class in (StringField, EmailField):
                options["filters"] = (*options.get("filters", ()), no_control_characters)
            return unbound_field.bind(form=form, **options)


def same_password(form, field) -> None:
    # Compared as stored: a full-width and an ASCII spelling of one password match.
    if normalise_password(field.data or "") != normalise_password(form.password.data or ""):
        raise ValidationError(_l("The two passwords do not match."))


def _example_number(country_or_locale: str | None) -> str:
    return "+86 138 0013 8000" if country_or_locale in ("zh", "CN") else "+1 415 555 0132"


def phone_example(country_or_locale: str | None):
    return _l("Enter a valid phone number, for example %(example)s.", example=_example_number(country_or_locale))


def phone_hint(locale: str):
    return _l("For example %(example)s.", example=_example_number(locale))


def email_format(form, field) -> None:
    if not is_valid_email(field.data or ""):
        raise ValidationError(_l("Enter an email address like name@example.com."))


def password_problem(raw: str):
    """Why a new password is refused (translated), or None."""
    password = normalise_password(raw or "")
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        return _l("Use %(min)d to %(max)d characters. A few unrelated words make a good password.",
                  min=PASSWORD_MIN, max=PASSWORD_MAX)
    if is_common_password(password):
        return _l("This password is too common and easy to guess. Choose another one.")
    return None


def strong_password(form, field) -> None:
    if problem := password_problem(field.data):
        raise ValidationError(problem)


def email_field(label=None):
    return EmailField(label or _l("Email address"),
                      [DataRequired(_l("Enter your email address.")), Length(max=254), email_format],
                      render_kw={"autocomplete": "email"})


def new_password_fields():
    password = PasswordField(_l("Password"), [InputRequired(_l("Enter a password.")), strong_password],
                             render_kw={"autocomplete": "new-password"},
                             description=_l("At least 12 characters. Any language, spaces allowed."))
    confirm = PasswordField(_l("Repeat the password"), [InputRequired(_l("Repeat the password.")), same_password],
                            render_kw={"autocomplete": "new-password"})
    return password, confirm


class RegisterForm(Form):
    email = email_field()
    password, password_confirm = new_password_fields()
    full_name = StringField(_l("Full name (optional)"), [Optional(), Length(max=120)],
                            render_kw={"autocomplete": "name"})


class LoginForm(Form):
    email = email_field()
    password = PasswordField(_l("Password"), [InputRequired(_l("Enter your password.")), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me signed in on this device for 30 days"))
    next = HiddenField()


class ResendConfirmationForm(Form):
    pass


class PasswordResetRequestForm(Form):
    email = email_field()


class PasswordResetForm(Form):
    password, password_confirm = new_password_fields()


class PasswordChangeForm(Form):
    current_password = PasswordField(_l("Current password"), [InputRequired(_l("Enter your current password."))],
                                     render_kw={"autocomplete": "current-password"})
    password, password_confirm = new_password_fields()


class EmailChangeForm(Form):
    email = email_field(_l("New email address"))
    password = PasswordField(_l("Your password"), [InputRequired(_l("Enter your password."))],
                             render_kw={"autocomplete": "current-password"})


class PasswordCheckForm(Form):
    password = PasswordField(_l("Your password"), [InputRequired(_l("Enter your password."))],
                             render_kw={"autocomplete": "current-password"})


def phone_number(form, field) -> None:
    """Normalise to E.164, reading a national number as one of the address's country, else the page's."""
    if not field.data:
        return
    country = form.country.data if "country" in form else None
    try:
        field.data = normalise_phone(field.data, country or form.locale)
    except ValueError:
        raise ValidationError(phone_example(country or form.locale)) from None


def past_birth_date(form, field) -> None:
    if field.data is None:
        return
    if field.data > utcnow().date():
        raise ValidationError(_l("The birth date cannot be in the future."))
    if field.data.year < 1900:
        raise ValidationError(_l("Please check the year of birth."))
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


class ProfileForm(Form):
    full_name = StringField(_l("Full name"), [Optional(), Length(max=120)], render_kw={"autocomplete": "name"},
                            description=_l("As you would write it on a parcel, in any language."))
    phone = StringField(_l("Phone"), [Optional(), Length(max=40), phone_number],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    gender = SelectField(_l("Gender"), choices=GENDER_CHOICES, validate_choice=True)
    birth_date = IsoDateField(_l("Date of birth"), [Optional(), past_birth_date],
                           render_kw={"autocomplete": "bday"},
                           description=_l("Optional."))
    preferred_locale = SelectField(_l("Language for emails"), choices=LOCALE_CHOICES)

    def __init__(self, *args, locale: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        self.locale = locale
        self.phone_example = phone_example(locale)
        self.phone_hint = phone_hint(locale)


ADDRESS_REQUIRED = _l("This field is required.")


class AddressForm(Form):
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
        self.phone_example = phone_example(locale)
        self.phone_hint = phone_hint(locale)

    def ordered_fields(self):
        return [self[name] for name in self.ORDER.get(self.locale, self.ORDER["en"])]

    def values(self) -> dict:
        return {name: (self[name].data or "").strip() or None for name in Address.FIELDS}
