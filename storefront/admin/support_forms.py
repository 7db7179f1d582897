"""Admin support forms: the inbox filters, a reply, and a new conversation about an order."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from storefront.account.forms import Form, no_control_characters
from storefront.support.forms import message_field
from storefront.support.services import SUBJECT_MAX

# A ticket's status as staff read it: short on the badges, spelt out in the filter.
STATUS_LABELS = {"open": _l("Open"), "answered": _l("Answered"), "closed": _l("Closed")}
STATUS_CHOICES = {"open": _l("Open: waiting for us"), "answered": _l("Answered: waiting for the customer"),
                  "closed": _l("Closed")}


class InboxFilterForm(FlaskForm):
    """The inbox's filters, read from the query string."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=[], validate_choice=False, validators=[Optional()])
    q = StringField(_l("Reference, order number or email address"), [Optional(), Length(max=320)],
                    filters=[no_control_characters], render_kw={"type": "search", "maxlength": 320})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [SelectChoice("", _l("All: open first"))] + [
            SelectChoice(key, label) for key, label in STATUS_CHOICES.items()]

    def status_key(self) -> str | None:
        return self.status.data if self.status.data in STATUS_LABELS else None

    def search(self) -> str | None:
        text = (self.q.data or "").strip()
        return text[:320] or None


class StaffReplyForm(Form):
    message = message_field(_l("Your answer to the customer"))


class AboutOrderForm(Form):
    subject = StringField(_l("Subject"), [
        DataRequired(_l("Please give your message a subject.")),
        Length(max=SUBJECT_MAX, message=_l("Please use at most %(max)d characters.", max=SUBJECT_MAX))],
        render_kw={"maxlength": SUBJECT_MAX})
    message = message_field(_l("Your message to the customer"))
