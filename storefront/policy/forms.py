"""Forms of the privacy pages: the consent choice, acknowledging a policy version, forgetting a browser."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice
from wtforms.validators import InputRequired, ValidationError

ANALYTICS_CHOICES = [
    SelectChoice("yes", _l("Yes, record my visits")),
    SelectChoice("no", _l("No, do not record my visits")),
]


class ConsentForm(FlaskForm):
    analytics = RadioField(
        _l("Visit statistics"), choices=ANALYTICS_CHOICES,
        validators=[InputRequired(message=_l("Please choose whether we may record your visits."))],
        validate_choice=False,  # validate_analytics says it in the shop's words
    )
    next = HiddenField()
    source = HiddenField()  # "banner" when the choice came from the banner

    def validate_analytics(self, field) -> None:
        # Exactly one answer: "yes" and "no" posted together is no answer at all.
        if field.data not in ("yes", "no") or len(field.raw_data or ()) != 1:
            raise ValidationError(_l("Please choose whether we may record your visits."))


class NextForm(FlaskForm):
    """Acknowledge and forget: only the CSRF token and where to go back to."""

    next = HiddenField()
