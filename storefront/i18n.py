"""Locales and their codes, the /<lang>/ URL prefix, locale choice, and money, date and translated-row helpers."""

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import phonenumbers
from flask import current_app, g, has_request_context, redirect, request
from flask_babel import format_currency, format_date, format_datetime, get_locale
from flask_login import current_user
from markupsafe import Markup


@dataclass(frozen=True)
class Language:
    code: str  # in the URL and the lang cookie
    babel: str  # Babel's locale, the translations folder
    html: str  # <html lang>, hreflang
    name: str  # the language's own name, for the switcher


# The one table of language codes. Adding a language is a row here and a .po file.
LANGUAGES = {
    "en": Language("en", "en", "en", "English"),
    "zh": Language("zh", "zh_Hans_CN", "zh-Hans", "中文"),
}
LANG_PREFIX = "/<any({}):lang>".format(", ".join(LANGUAGES))
LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600


def primary_subtag(tag: str) -> str:
    return tag.replace("_", "-").split("-", 1)[0].strip().lower()


def negotiate(accept_languages, cookie: str | None, preferred: str | None, default: str) -> str:
    """The language for a request without a prefix: cookie, saved preference, Accept-Language, default."""
    for candidate in (cookie, preferred):
        if candidate in LANGUAGES:
            return candidate
    for tag, _quality in accept_languages:
        code = primary_subtag(tag)
        if code in LANGUAGES:
            return code
    return default


def request_language() -> str:
    """The language of the current request: its URL prefix, or else negotiated."""
    if "lang" in g:
        return g.lang
    prefix = request.path.lstrip("/").split("/", 1)[0]
    if prefix in LANGUAGES:  # a page that does not exist under /zh/ is still answered in Chinese
        return prefix
    return negotiate(
        request.accept_languages,
        request.cookies.get(LANG_COOKIE),
        g.get("preferred_locale"),
        current_app.config["DEFAULT_LOCALE"],
    )


def select_locale() -> str:
    if not has_request_context():
        return g.get("babel_locale", "en")
    return LANGUAGES[request_language()].babel


def pull_lang(endpoint, values) -> None:
    if values is not None and "lang" in values:
        g.lang = values.pop("lang")


def add_lang(endpoint, values) -> None:
    if "lang" in values or not current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        return
    values["lang"] = request_language() if has_request_context() else current_app.config["DEFAULT_LOCALE"]


def root_redirect():
    # A signed-in customer's saved language comes after the lang cookie (CONTRACT.md).
    g.preferred_locale = getattr(current_user, "preferred_locale", None)
    response = redirect(f"/{request_language()}/", code=302)
    # The answer depends on these headers: shared caches must not hand one visitor's language to another.
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def remember_language(response):
    """Every page under /<lang>/ stores the language as a strictly necessary preference cookie."""
    lang = g.get("lang")
    if lang and request.cookies.get(LANG_COOKIE) != lang:
        response.set_cookie(
            LANG_COOKIE,
            lang,
            max_age=LANG_COOKIE_MAX_AGE,
            samesite="Lax",
            secure=not current_app.config["DEV"],
            httponly=True,
        )
    return response


FIRST_COUNTRIES = ("CN", "US", "HK", "MO", "TW", "SG", "GB", "CA", "AU", "JP")
# Two-letter territories Babel knows that are not ISO 3166-1 alpha-2 countries (groupings,
# reserved and user-assigned codes, exceptionally reserved codes).
NOT_COUNTRIES = frozenset(
    {"EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"}
)


def country_choices() -> list[tuple[str, str]]:
    """(ISO 3166 alpha-2 code, name in the page's language), the shop's usual destinations first."""
    names = {
        code: name for code, name in get_locale().territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    }
    first = [(code, names[code]) for code in FIRST_COUNTRIES if code in names]
    rest = sorted(((code, name) for code, name in names.items() if code not in FIRST_COUNTRIES), key=lambda c: c[1])
    return first + rest


def country_name(code: str | None) -> str:
    """The country's name in the page's language (the code itself when unknown)."""
    return get_locale().territories.get(code or "", code or "")


def phone_filter(e164: str | None) -> str:
    """A stored E.164 number shown with spaces, as people write it (+86 138 0013 8000)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def safe_next(target: str | None, fallback: str) -> str:
    """The target when it is a path on this site, else the fallback (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def twin_path(lang: str) -> str:
    """This page's path and query string under another language prefix."""
    path = request.path
    current = g.get("lang")
    if current and (path == f"/{current}" or path.startswith(f"/{current}/")):
        path = f"/{lang}{path[len(current) + 1:]}"
    else:
        path = f"/{lang}/"
    query = urlencode(request.args, doseq=True)
    return f"{path}?{query}" if query else path


def alternate_links() -> list[tuple[str, str]]:
    """(hreflang, absolute URL) for every language twin of this page, and x-default."""
    base = current_app.config["BASE_URL"]
    links = [(language.html, base + twin_path(code)) for code, language in LANGUAGES.items()]
    links.append(("x-default", base + twin_path(current_app.config["DEFAULT_LOCALE"])))
    return links


def html_lang() -> str:
    return LANGUAGES[request_language()].html


def money(value, currency: str | None = None) -> str:
    return format_currency(value, currency or current_app.config["CURRENCY"])


def date_filter(value) -> str:
    return format_date(value, "long")


def datetime_filter(value) -> str:
    return format_datetime(value, "medium")


def translated(obj, field: str):
    """The object's text in the page's language, falling back to another language.

    Returns Markup that carries a lang attribute when the text is a fallback, so screen
    readers and browsers switch language for it; `obj.translations` maps a language code
    (en, zh) to a row with the field.
    """
    wanted = _wanted_language()
    text, lang = text_in(obj, field, wanted)
    if lang == wanted or text is None:
        return text or ""
    return Markup('<span lang="{}">{}</span>').format(LANGUAGES[lang].html, text)


def in_language(text: str, code: str | None):
    """Text written in language `code` (an order line's name, kept as ordered): marked when it is not the page's."""
    if code not in LANGUAGES or code == _wanted_language():
        return text
    return Markup('<span lang="{}">{}</span>').format(LANGUAGES[code].html, text)


def translated_text(obj, field: str) -> str:
    """The plain text of translated(), for places that take no markup (titles, alt text)."""
    return text_in(obj, field, _wanted_language())[0] or ""


def translation_lang(obj, field: str) -> str | None:
    """The HTML lang of the text translated_text() gives, when it is a fallback; else None."""
    wanted = _wanted_language()
    lang = text_in(obj, field, wanted)[1]
    return LANGUAGES[lang].html if lang and lang != wanted else None


def _wanted_language() -> str:
    return request_language() if has_request_context() else current_app.config["DEFAULT_LOCALE"]


def text_in(obj, field: str, wanted: str) -> tuple[str | None, str | None]:
    """(text, language) of the field in the wanted language, else the first language that has it."""
    rows = obj.translations
    for code in (wanted, *LANGUAGES):
        row = rows.get(code)
        if row is not None and getattr(row, field):
            return getattr(row, field), code
    return None, None


def register(app) -> None:
    app.url_value_preprocessor(pull_lang)
    app.url_defaults(add_lang)
    app.after_request(remember_language)
    app.add_url_rule("/", "root", root_redirect)
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.filters.update(money=money, date=date_filter, datetime=datetime_filter, phone=phone_filter)
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        twin_path=twin_path,
        alternate_links=alternate_links,
        html_lang=html_lang,
        request_language=request_language,
        translated=translated,
        in_language=in_language,
        country_name=country_name,
        translated_text=translated_text,
        translation_lang=translation_lang,
        get_locale=get_locale,
    )
