"""Admin forms for customers and legal requests: field shapes only, every message translated.

The rules of a legal request (required texts, their lengths, the scope an authority may receive,
the order of the period's ends) are privacy.legal.check_request's; the view shows its messages
beside these fields.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, EmailField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from storefront.account.forms import IsoDateField, email_format, no_control_characters
from storefront.account.models import ROLES
from storefront.privacy import registry
from storefront.privacy.disclosures import manifest_fields
from storefront.support.forms import clean_text

SEARCH_LENGTH = 320
ROLE_LABELS = {"customer": _l("Customer"), "staff": _l("Staff"), "owner": _l("Owner")}


class CustomerFilterForm(FlaskForm):
    """The customer list's search and role filter, read from the query string."""

    class Meta:
        csrf = False

    q = StringField(_l("Email address contains"), [Optional()], filters=[no_control_characters],
                    render_kw={"type": "search", "maxlength": SEARCH_LENGTH})
    role = SelectField(_l("Role"), choices=[SelectChoice("", _l("All roles"))]
                       + [SelectChoice(role, ROLE_LABELS[role]) for role in ROLES],
                       validate_choice=False, validators=[Optional()])

    def search(self) -> str:
        return (self.q.data or "").strip()[:SEARCH_LENGTH]

    def role_key(self) -> str | None:
        return self.role.data if self.role.data in ROLES else None


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes; every choice the service does not know is its to refuse, not WTForms'."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:
        pass


class LegalRequestForm(FlaskForm):
    email = EmailField(_l("Email address of the person concerned"),
                       [DataRequired(_l("Enter the email address the request names.")), Length(max=254), email_format],
                       filters=[no_control_characters],
                       description=_l("An account's address, or the address a guest used for their orders."))
    authority = StringField(_l("Authority"), filters=[no_control_characters], render_kw={"maxlength": 200},
                            description=_l("Who asks: for example the police unit or the court."))
    reference = StringField(_l("The authority's reference"), filters=[no_control_characters],
                            render_kw={"maxlength": 100})
    legal_basis = TextAreaField(_l("Legal basis"), filters=[clean_text], render_kw={"maxlength": 5000, "rows": 4},
                                description=_l("The law or court order the request relies on, as the request "
                                               "states it."))
    scope = CheckboxesField(_l("Data the request covers"), choices=[])
    period_from = IsoDateField(_l("Period from"), [Optional()], format="%Y-%m-%d",
                               description=_l("Optional. Dated data (orders, emails…) before this day is left out."))
    period_to = IsoDateField(_l("Period to"), [Optional()], format="%Y-%m-%d",
                             description=_l("Optional. Dated data after this day is left out."))
    may_notify = BooleanField(_l("The customer may be told about this request"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = registry.categories()
        self.scope.choices = [SelectChoice(name, labels[name]) for name in manifest_fields("authority")]
