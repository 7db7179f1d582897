"""The checkout form: contact, delivery address (or a saved one), card details and the processor consent."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from storefront.account.forms import AddressForm, email_field
from storefront.database import utcnow
from storefront.payments.cards import parse_card

CARD_FIELDS = ("card_number", "card_expiry", "card_cvc", "card_name")
NEW_ADDRESS = "new"


class CheckoutForm(AddressForm):
    is_default = None  # saving an address is the account's business, not the checkout's
    email = email_field()
    address_id = RadioField(_l("Deliver to"), validate_choice=False)
    card_number = StringField(_l("Card number"), [Length(max=40)],
                              render_kw={"autocomplete": "cc-number", "inputmode": "numeric",
                                         "placeholder": "1234 5678 9012 3456", "spellcheck": "false"})
    card_expiry = StringField(_l("Expiry date (MM/YY)"), [Length(max=10)],
                              render_kw={"autocomplete": "cc-exp", "inputmode": "numeric", "placeholder": "MM/YY"})
    card_cvc = StringField(_l("Security code (CVC)"), [Length(max=10)],
                           render_kw={"autocomplete": "cc-csc", "inputmode": "numeric"},
                           description=_l("The 3 or 4 digits on the back of the card (the front for American Express)."))
    card_name = StringField(_l("Name on the card"), [Length(max=200)], render_kw={"autocomplete": "cc-name"})
    payment_consent = BooleanField(false_values=("", "false", "0", "off", "no", "n"), validators=[DataRequired(_l(
        "Please agree to sending your card details to the card processor; we cannot take the payment without it."))])
    checkout_token = HiddenField()
    cart_version = HiddenField()  # what the customer saw: refused if the cart or a price changed since

    def __init__(self, *args, addresses=(), signed_in: bool = False, processor_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.card = None
        self.payment_consent.label.text = _l(
            "I agree that my card details are sent to %(processor)s to take this payment.", processor=processor_name)
        self.saved = {str(address.id): address for address in addresses}
        self.address_id.choices = [*(SelectChoice(key, "") for key in self.saved), SelectChoice(NEW_ADDRESS, "")]
        if signed_in:
            del self.email  # the account's address is the order's
        if self.saved and self.address_id.data not in (*self.saved, NEW_ADDRESS):
            self.address_id.data = next(iter(self.saved)) if not self.is_submitted() else self.address_id.data
        if self.uses_saved_address:
            self.country.validate_choice = False
            for name in self.ORDER[self.locale]:
                self[name].validators = [Optional()]
                self[name].flags.required = False

    @property
    def uses_saved_address(self) -> bool:
        return bool(self.saved) and self.address_id.data in self.saved

    def validate_address_id(self, field) -> None:
        if self.saved and field.data not in (*self.saved, NEW_ADDRESS):
            raise ValidationError(_l("Choose one of your saved addresses or enter a new one."))
        if not self.saved and field.data not in (None, "", NEW_ADDRESS):
            raise ValidationError(_l("Choose one of your saved addresses or enter a new one."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # The card is checked here, before anything could reach the processor.
        card, errors = parse_card(number=self.card_number.data, expiry=self.card_expiry.data,
                                  cvc=self.card_cvc.data, name=self.card_name.data, today=utcnow().date())
        for name, message in errors.items():
            self[name].errors = [*self[name].errors, message]
        self.card = card
        return valid and card is not None

    def address_values(self) -> dict:
        if self.uses_saved_address:
            address = self.saved[self.address_id.data]
            return {name: getattr(address, name) for name in self.ORDER["en"]}
        return self.values()

    def forget_card(self) -> None:
        """Blank the card fields (and the consent to send them), so no card detail is ever sent back in a page."""
        for name in CARD_FIELDS:
            self[name].data = ""
            self[name].raw_data = []
        self.payment_consent.data = False
        self.card = None
