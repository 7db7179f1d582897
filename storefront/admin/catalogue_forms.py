"""Admin forms for the catalogue: products (both languages side by side), pictures, categories, the
product list's filters. Every message translated."""

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SearchField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, Optional, Regexp, ValidationError

from storefront.catalog import images, services
from storefront.catalog.models import Category, Product
from storefront.i18n import LANGUAGES, translated_text

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BUT_NEWLINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Slugs and SKUs alike: ASCII letters and digits in groups joined by single dashes. Checked as
# typed, then slugs are stored lowercase and SKUs upper-case (so no Unicode case mapping sneaks in).
SLUG = SKU = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\Z")
_AMOUNT = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,2})?")
_COUNT = re.compile(r"[0-9]{1,9}")

NAME_NEEDED = _l("Give a name in at least one language.")
SLUG_FORMAT = _l("Use letters a–z, digits and single dashes, such as star-scout-80.")
SKU_FORMAT = _l("Use letters A–Z, digits and single dashes, such as TS-80-ED.")
SLUG_HINT = _l("The product's address in the shop. Leave it empty to make one from the English name.")


def single_line(value):
    """Control characters (NUL, tabs, line breaks) removed, spaces trimmed."""
    return _CONTROL.sub("", value).strip() if isinstance(value, str) else value


def multi_line(value):
    """Line breaks kept as \\n, other control characters removed, trimmed."""
    if not isinstance(value, str):
        return value
    return _CONTROL_BUT_NEWLINES.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


class AmountField(StringField):
    """A money amount typed as 12 or 12.50 (ASCII digits, at most two decimals); data is a Decimal."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if not text:
            return
        if not _AMOUNT.fullmatch(text):
            raise ValueError(_l("A price cannot be negative.") if _AMOUNT.fullmatch(text[1:]) and text[0] == "-"
                             else _l("Enter an amount such as 12.50 (digits, at most two decimals)."))
        self.data = Decimal(text).quantize(Decimal("0.01"))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data:.2f}" if self.data is not None else ""


class CountField(IntegerField):
    """A whole number of zero or more typed in ASCII digits."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if not text:
            return
        if not _COUNT.fullmatch(text):
            raise ValueError(_l("Enter a whole number such as 12 (zero or more)."))
        self.data = int(text)


def _name(lang: str) -> StringField:
    return StringField(_l("Name"), [Length(max=200)], filters=[single_line], render_kw={"lang": lang})


def _summary(lang: str) -> StringField:
    return StringField(_l("Short summary"), [Length(max=300)], filters=[single_line], render_kw={"lang": lang},
                       description=_l("One sentence under the name, also shown by search engines."))


def _description(lang: str) -> TextAreaField:
    return TextAreaField(
        _l("Description"), [Length(max=20000)], filters=[multi_line], render_kw={"lang": lang, "rows": 10},
        description=_l("Markdown: a blank line starts a paragraph, **bold**, *italic*, - for a list, "
                       "### for a heading, [text](https://…) for a link."))


class ProductForm(FlaskForm):
    """A product with its texts in every language; a language may stay empty, but not all names."""

    name_en, summary_en, description_en = _name("en"), _summary("en"), _description("en")
    name_zh, summary_zh, description_zh = _name("zh-Hans"), _summary("zh-Hans"), _description("zh-Hans")
    slug = StringField(_l("Slug"), [Optional(), Length(max=120), Regexp(SLUG, message=SLUG_FORMAT)],
                       filters=[single_line], description=SLUG_HINT)
    sku = StringField(_l("SKU"), [InputRequired(_l("Enter the SKU.")), Length(max=40), Regexp(SKU, message=SKU_FORMAT)],
                      filters=[single_line], description=_l("Stored in capital letters."))
    price = AmountField(_l("Price"), [InputRequired(_l("Enter the price."))], render_kw={"inputmode": "decimal"})
    stock = CountField(_l("Stock"), [InputRequired(_l("Enter how many are in stock."))],
                       render_kw={"inputmode": "numeric", "min": 0})
    category = SelectField(_l("Category"), choices=[], validate_choice=False)
    is_active = BooleanField(_l("Active: shown in the shop"))
    is_featured = BooleanField(_l("Featured on the home page"))

    def fill_choices(self, categories: list[Category]) -> None:
        self.category.choices = [SelectChoice("", _l("No category")), *_category_choices(categories)]

    def validate_category(self, field) -> None:
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose a category from the list."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return _need_a_name(self) and valid

    def to_data(self) -> services.ProductData:
        return services.ProductData(
            slug=(self.slug.data or "").lower(), sku=self.sku.data.upper(), price=self.price.data,
            stock=self.stock.data, category_id=int(self.category.data) if self.category.data else None,
            is_active=self.is_active.data, is_featured=self.is_featured.data,
            texts={code: tuple(self[f"{field}_{code}"].data or "" for field in ("name", "summary", "description"))
                   for code in LANGUAGES},
        )

    def add_errors(self, errors: dict) -> None:
        _add_errors(self, errors)

    @staticmethod
    def values_of(product: Product | None) -> dict:
        """The form's values for an existing product, or the defaults for a new one."""
        if product is None:
            return {"is_active": True}
        values = {"slug": product.slug, "sku": product.sku, "price": product.price, "stock": product.stock,
                  "category": str(product.category_id or ""), "is_active": product.is_active,
                  "is_featured": product.is_featured}
        for code, row in product.translations.items():
            values.update({f"name_{code}": row.name, f"summary_{code}": row.summary,
                           f"description_{code}": row.description})
        return values


class ImageForm(FlaskForm):
    image = FileField(_l("Add a picture"), [FileRequired(_l("Choose a picture to upload."))],
                      description=_l("JPEG, PNG or WebP, at most %(size)d MB and %(megapixels)d megapixels.",
                                     size=images.MAX_UPLOAD_BYTES // (1024 * 1024),
                                     megapixels=images.MAX_PIXELS // 1_000_000),
                      render_kw={"accept": images.ACCEPT})


class MoveForm(FlaskForm):
    """The up and down buttons: `direction` comes from the button pressed."""

    direction = StringField(validators=[AnyOf(("up", "down"))])


class CategoryForm(FlaskForm):
    name_en = StringField(_l("Name"), [Length(max=120)], filters=[single_line], render_kw={"lang": "en"})
    description_en = TextAreaField(_l("Description"), [Length(max=2000)], filters=[multi_line],
                                   render_kw={"lang": "en", "rows": 4})
    name_zh = StringField(_l("Name"), [Length(max=120)], filters=[single_line], render_kw={"lang": "zh-Hans"})
    description_zh = TextAreaField(_l("Description"), [Length(max=2000)], filters=[multi_line],
                                   render_kw={"lang": "zh-Hans", "rows": 4})
    slug = StringField(_l("Slug"), [Optional(), Length(max=80), Regexp(SLUG, message=SLUG_FORMAT)],
                       filters=[single_line],
                       description=_l("The category's address in the shop. Leave it empty to make one from the "
                                      "English name."))
    is_active = BooleanField(_l("Active: shown in the shop"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return _need_a_name(self) and valid

    def to_data(self) -> services.CategoryData:
        return services.CategoryData(
            slug=(self.slug.data or "").lower(), is_active=self.is_active.data,
            texts={code: (self[f"name_{code}"].data or "", self[f"description_{code}"].data or "")
                   for code in LANGUAGES})

    def add_errors(self, errors: dict) -> None:
        _add_errors(self, errors)

    @staticmethod
    def values_of(category: Category | None) -> dict:
        if category is None:
            return {"is_active": True}
        values = {"slug": category.slug, "is_active": category.is_active}
        for code, row in category.translations.items():
            values.update({f"name_{code}": row.name, f"description_{code}": row.description})
        return values


class ProductFilterForm(FlaskForm):
    """The product list's search and filters, read from the query string; unknown values are left out."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name, SKU or slug"), filters=[services.clean_query])
    category = SelectField(_l("Category"), choices=[], validate_choice=False)
    status = SelectField(_l("Status"), choices=[], validate_choice=False)
    low_stock = BooleanField(_l("Low stock: %(count)d or fewer", count=services.LOW_STOCK))

    def fill_choices(self, categories: list[Category]) -> None:
        self.category.choices = [SelectChoice("", _l("All categories")), *_category_choices(categories)]
        self.status.choices = [SelectChoice("", _l("Any status")), SelectChoice("active", _l("Active")),
                               SelectChoice("inactive", _l("Inactive")), SelectChoice("archived", _l("Archived"))]

    def category_id(self) -> int | None:
        known = {choice.value for choice in self.category.choices if choice.value}
        return int(self.category.data) if self.category.data in known else None

    def status_key(self) -> str | None:
        return self.status.data if self.status.data in services.PRODUCT_STATUSES else None


def _category_choices(categories: list[Category]) -> list[SelectChoice]:
    return [SelectChoice(str(c.id), translated_text(c, "name") or c.slug) for c in categories]


def _need_a_name(form) -> bool:
    names = [form[f"name_{code}"] for code in LANGUAGES]
    if any(field.data for field in names):
        return True
    for field in names:
        field.errors = [*field.errors, NAME_NEEDED]
    return False


def _add_errors(form, errors: dict) -> None:
    for name, message in errors.items():
        field = form[name] if name in form else form.slug
        field.errors = [*field.errors, message]
