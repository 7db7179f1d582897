"""The order pages' forms: the list's filters and the steps of an order (ship, cancel, refund)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SearchField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from storefront.account.forms import no_control_characters
from storefront.cart.fulfilment import NOTE_LENGTH, compact_tracking
from storefront.cart.models import ORDER_STATUSES
from storefront.cart.services import status_label
from storefront.support.forms import clean_text


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class OrderFilterForm(FlaskForm):
    """The order list's filters, read from the query string; a malformed one is shown and left out."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=[], validate_choice=False, validators=[Optional()])
    day_from = DateField(_l("Placed from"), validators=[Optional()], format="%Y-%m-%d")
    day_to = DateField(_l("Placed until"), validators=[Optional()], format="%Y-%m-%d")
    q = SearchField(_l("Order number or email address"), filters=[no_control_characters, _strip],
                    validators=[Optional(), Length(max=254, message=_l("Enter at most %(max)d characters."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [SelectChoice("", _l("Every status"))] + [
            SelectChoice(status, status_label(status)) for status in ORDER_STATUSES]

    def status_key(self) -> str | None:
        return self.status.data if self.status.data in ORDER_STATUSES else None

    def search(self) -> str | None:
        return self.q.data if self.q.data and not self.q.errors else None


def tracking_format(form, field) -> None:
    if field.data and compact_tracking(field.data) is None:
        raise ValidationError(_l("Enter 4 to 40 letters, digits or dashes, as the carrier gave it."))


class ShipForm(FlaskForm):
    """Carrier (only the logistics company the privacy policy names) and tracking number."""

    carrier = SelectField(_l("Carrier"), choices=[], validators=[DataRequired(_l("Choose the carrier."))])
    tracking_number = StringField(
        _l("Tracking number"), filters=[_strip],
        validators=[DataRequired(_l("Enter the tracking number.")), tracking_format],
        description=_l("4 to 40 letters, digits or dashes; spaces are removed."))

    def __init__(self, carrier: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.carrier.choices = [SelectChoice(carrier, carrier)]
        if self.carrier.raw_data is None:  # not posted: the only carrier, chosen
            self.carrier.data = carrier

    def tracking(self) -> str:
        return compact_tracking(self.tracking_number.data)


class CancelForm(FlaskForm):
    reason = TextAreaField(
        # NUL and the other control characters dropped (lines kept, then joined by one_line_note).
        _l("Reason for the customer"), filters=[clean_text, _strip],
        validators=[DataRequired(_l("Write why the order is cancelled: the customer reads it.")),
                    Length(max=NOTE_LENGTH, message=_l("Enter at most %(max)d characters."))],
        description=_l("Shown to the customer in the email and on the order page."),
        render_kw={"maxlength": NOTE_LENGTH, "rows": 3})
    confirm_cancel = BooleanField(_l("Yes, cancel this order"),
                                  validators=[DataRequired(_l("Tick the box to confirm."))])


class RefundForm(FlaskForm):
    confirm_refund = BooleanField(_l("Yes, the goods came back: refund the order in full"),
                                  validators=[DataRequired(_l("Tick the box to confirm."))])
