"""Admin forms: every message translated."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from storefront.account.forms import email_format
from storefront.privacy.audit import ACTIONS


class GrantStaffForm(FlaskForm):
    email = EmailField(_l("Email address of the account"),
                       [DataRequired(_l("Enter the email address of the account.")), Length(max=254), email_format],
                       description=_l("The person must have registered and confirmed their address."))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class AuditFilterForm(FlaskForm):
    """The audit log's filters, read from the query string."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), choices=[], validate_choice=False, validators=[Optional()])
    actor = SelectField(_l("Staff member"), choices=[], validate_choice=False, validators=[Optional()])
    day_from = DateField(_l("From"), validators=[Optional()], format="%Y-%m-%d")
    day_to = DateField(_l("To"), validators=[Optional()], format="%Y-%m-%d")

    def action_key(self) -> str | None:
        return self.action.data if self.action.data in ACTIONS else None

    def actor_id(self) -> int | None:
        raw = self.actor.data or ""
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None

    def fill_choices(self, staff) -> None:
        self.action.choices = [SelectChoice("", _l("All actions"))] + [
            SelectChoice(key, label) for key, label in ACTIONS.items()]
        self.actor.choices = [SelectChoice("", _l("Everyone"))] + [
            SelectChoice(str(user.id), user.email) for user in staff]


class PolicyForm(FlaskForm):
    """A new version of the privacy policy: both texts and both summaries are required."""

    body_en = TextAreaField(_l("Policy text in English (Markdown)"), [DataRequired(_l("Please write this text."))])
    body_zh = TextAreaField(_l("Policy text in Chinese (Markdown)"), [DataRequired(_l("Please write this text."))])
    summary_en = TextAreaField(_l("What changed, in English"), [DataRequired(_l("Please write this text."))],
                               description=_l("Shown with the version and emailed to customers for a material change."))
    summary_zh = TextAreaField(_l("What changed, in Chinese"), [DataRequired(_l("Please write this text."))])
    material = BooleanField(_l("This is a material change: ask everyone's consent again, remind signed-in "
                               "customers and email every customer"))
    effective = DateField(_l("Takes effect on"), [Optional()], format="%Y-%m-%d",
                          description=_l("Leave empty to publish with effect from now."))
