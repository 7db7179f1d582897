"""Reading one HTML page as a crawler needs it: head, links, assets, forms and the text a person sees or hears."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
INVISIBLE = frozenset({"script", "style", "template"})
# Attributes a browser shows (tooltips, placeholders) or a screen reader speaks.
SPOKEN_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label")
BUTTON_INPUTS = frozenset({"submit", "button", "reset"})
NOT_SENT = BUTTON_INPUTS | {"image", "file"}


@dataclass
class Form:
    method: str  # upper case
    action: str  # as written; empty means the page's own URL
    enctype: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # what submitting it unchanged sends
    submitter: tuple[str, str] | None = None  # the first named submit button, sent as a browser does

    def data(self, without: str = "") -> list[tuple[str, str]]:
        """What pressing the form's first submit button sends, less the field named `without`."""
        sent = self.fields + ([self.submitter] if self.submitter else [])
        return [(key, value) for key, value in sent if key != without]


@dataclass
class Text:
    value: str  # whitespace collapsed
    lang: str  # the nearest lang attribute around it


@dataclass
class Page:
    lang: str | None = None
    alternates: list[tuple[str, str]] = field(default_factory=list)  # (hreflang, href)
    links: list[str] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.open: list[tuple[str, str]] = [("#document", "")]  # (tag, lang) of the elements we are inside
        self.form: Form | None = None
        self.select: tuple[str, list[tuple[str, bool]]] | None = None  # name, (value, selected) per option
        self.option: dict | None = None
        self.textarea: tuple[str, list[str]] | None = None

    @property
    def lang(self) -> str:
        return self.open[-1][1]

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        lang = attributes.get("lang", self.lang)
        if tag == "html":
            self.page.lang = attributes.get("lang")
        self._read_element(tag, attributes, lang)
        if tag not in VOID:
            self.open.append((tag, lang))

    def handle_startendtag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self._read_element(tag, attributes, attributes.get("lang", self.lang))

    def handle_endtag(self, tag):
        if tag == "option" or (tag == "select" and self.option):
            self._close_option()
        if tag == "select" and self.select:
            self._close_select()
        if tag == "textarea" and self.textarea and self.form is not None:
            self.form.fields.append((self.textarea[0], "".join(self.textarea[1]).removeprefix("\n")))
            self.textarea = None
        if tag == "form":
            self.form = None
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                break

    def handle_data(self, data):
        if any(tag in INVISIBLE for tag, _lang in self.open):
            return
        if self.textarea:
            self.textarea[1].append(data)
        if self.option is not None:
            self.option["text"].append(data)
        self._speak(data)

    def _speak(self, text: str) -> None:
        text = " ".join(text.split())
        if text:
            self.page.texts.append(Text(text, self.lang))

    def _read_element(self, tag: str, attributes: dict, lang: str) -> None:
        for name in SPOKEN_ATTRIBUTES:
            if attributes.get(name):
                self.page.texts.append(Text(" ".join(attributes[name].split()), lang))
        if tag == "a" and "href" in attributes:
            self.page.links.append(attributes["href"])
        elif tag == "link":
            self._read_link(attributes)
        elif tag in ("img", "script", "source") and (attributes.get("src") or attributes.get("srcset")):
            self.page.assets.extend(_sources(attributes))
        elif tag == "meta" and attributes.get("name") == "description":
            self.page.texts.append(Text(" ".join(attributes.get("content", "").split()), lang))
        elif tag == "form":
            self.form = Form(attributes.get("method", "get").upper(), attributes.get("action", ""),
                             attributes.get("enctype", "application/x-www-form-urlencoded"))
            self.page.forms.append(self.form)
        elif tag == "input":
            self._read_input(attributes, lang)
        elif tag == "select":
            self.select = (attributes.get("name", ""), [])
        elif tag == "option":
            self._close_option()
            self.option = {"value": attributes.get("value"), "selected": "selected" in attributes, "text": []}
        elif tag == "textarea":
            self.textarea = (attributes.get("name", ""), [])
        elif tag == "button" and attributes.get("type", "submit").lower() == "submit":
            self._read_submitter(attributes)

    def _read_submitter(self, attributes: dict) -> None:
        if self.form is not None and self.form.submitter is None and attributes.get("name"):
            self.form.submitter = (attributes["name"], attributes.get("value", ""))

    def _read_link(self, attributes: dict) -> None:
        rel = attributes.get("rel", "").split()
        if "alternate" in rel and "hreflang" in attributes:
            self.page.alternates.append((attributes["hreflang"], attributes.get("href", "")))
        elif attributes.get("href"):
            self.page.assets.append(attributes["href"])

    def _read_input(self, attributes: dict, lang: str) -> None:
        kind = attributes.get("type", "text").lower()
        if kind in BUTTON_INPUTS and attributes.get("value"):
            self.page.texts.append(Text(" ".join(attributes["value"].split()), lang))
        if kind == "submit":
            self._read_submitter(attributes)
        if self.form is None or not attributes.get("name") or kind in NOT_SENT or "disabled" in attributes:
            return
        if kind in ("checkbox", "radio") and "checked" not in attributes:
            return
        default = "on" if kind in ("checkbox", "radio") else ""
        self.form.fields.append((attributes["name"], attributes.get("value", default)))

    def _close_option(self) -> None:
        if self.option is not None and self.select is not None:
            value = self.option["value"]
            if value is None:
                value = " ".join("".join(self.option["text"]).split())
            self.select[1].append((value, self.option["selected"]))
        self.option = None

    def _close_select(self) -> None:
        name, options = self.select
        self.select = None
        chosen = [value for value, selected in options if selected] or [value for value, _ in options[:1]]
        if self.form is not None and name:
            self.form.fields.extend((name, value) for value in chosen)


def _sources(attributes: dict) -> list[str]:
    found = [attributes["src"]] if attributes.get("src") else []
    for candidate in attributes.get("srcset", "").split(","):
        if candidate.strip():
            found.append(candidate.split()[0])
    return found


def read_page(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page
