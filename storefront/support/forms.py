"""Customer-service forms: the contact form and a reply; every message translated.

They build on the account forms' base class, which removes control characters (CR and LF among
them) from every one-line field before validation: no header can be smuggled in through a name,
subject or address.
"""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from storefront.account.forms import Form, email_field
from storefront.support.services import MESSAGE_MAX, NAME_MAX, SUBJECT_MAX

# A message keeps its lines and tabs; other control characters (NUL...) are dropped.
_CONTROL = {code: None for code in range(32) if chr(code) not in "\n\t"}


def clean_text(value):
    return value.replace("\r\n", "\n").translate(_CONTROL) if isinstance(value, str) else value


def message_field(label=None):
    return TextAreaField(
        label or _l("Your message"),
        [DataRequired(_l("Please write your message.")),
         Length(max=MESSAGE_MAX, message=_l("Please keep your message under %(max)d characters.", max=MESSAGE_MAX))],
        filters=[clean_text], render_kw={"rows": 8, "maxlength": MESSAGE_MAX},
    )


class ContactForm(Form):
    name = StringField(_l("Your name"), [
        DataRequired(_l("Please tell us your name.")),
        Length(max=NAME_MAX, message=_l("Please use at most %(max)d characters.", max=NAME_MAX))],
        render_kw={"autocomplete": "name", "maxlength": NAME_MAX})
    email = email_field(_l("Your email address"))
    order_number = StringField(_l("Order number (optional)"), [Optional(), Length(max=20, message=_l(
        "An order number looks like SF-7K3Q-9XWD."))], description=_l("If your message is about an order."),
        render_kw={"maxlength": 20, "autocomplete": "off"})
    subject = StringField(_l("Subject"), [
        DataRequired(_l("Please give your message a subject.")),
        Length(max=SUBJECT_MAX, message=_l("Please use at most %(max)d characters.", max=SUBJECT_MAX))],
        render_kw={"maxlength": SUBJECT_MAX})
    message = message_field()


class ReplyForm(Form):
    message = message_field(_l("Your answer"))
