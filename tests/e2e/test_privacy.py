"""Privacy in the browser: the consent banner in Chinese, declining, accepting in the settings, my-data and
forgetting a browser; the banner and the consent form by keyboard alone; screenshots of the privacy pages."""

import re

import pytest
from flask_babel import force_locale, gettext, pgettext
from playwright.sync_api import expect

from storefront.i18n import LANGUAGES

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
BANNER = "section.consent-banner"


# Helpers -----------------------------------------------------------------------------------------


def translate(live_app, lang: str, message: str, context: str | None = None) -> str:
    """`message` as the shop's own catalogue has it in `lang` (the English text when untranslated)."""
    with live_app.test_request_context(f"/{lang}/"), force_locale(LANGUAGES[lang].babel):
        return gettext(message) if context is None else pgettext(context, message)


def chinese(live_app, message: str, context: str | None = None) -> str:
    """The Chinese translation of `message`; fails when the catalogue has none."""
    text = translate(live_app, "zh", message, context)
    assert text != message, f"no Chinese translation of {message!r}"
    return text


def cookie_names(context) -> set[str]:
    return {cookie["name"] for cookie in context.cookies()}


def counts(page) -> tuple[int, int]:
    """(visits, page views) as the my-data page shows them."""
    return tuple(int(re.search(r"\d+", page.locator(f"[{name}]").inner_text()).group())
                 for name in ("data-visit-count", "data-page-views"))


def boxes_overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def assert_banner_covers_nothing(page) -> None:
    """The banner sits in the flow between the header and <main>; the header and its search stay visible."""
    banner = page.locator(BANNER).bounding_box()
    main = page.locator("main").bounding_box()
    header = page.locator("header.site-header").bounding_box()
    assert not boxes_overlap(banner, main), (banner, main)
    assert not boxes_overlap(banner, header), (banner, header)
    expect(page.locator("header.site-header")).to_be_in_viewport()
    expect(page.get_by_role("searchbox")).to_be_visible()
    expect(page.get_by_role("searchbox")).to_be_in_viewport()


def shoot(page, artifacts, name: str, overflowing: list, *, full_page: bool = True) -> None:
    """Screenshots <name>-phone.png and <name>-desktop.png of the page as it is; the viewport comes back.

    A page wider than the screen is noted in `overflowing`, asserted at the end of the test.
    """
    original = page.viewport_size
    for label, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        page.screenshot(path=artifacts / f"{name}-{label}.png", full_page=full_page)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > size["width"]:
            overflowing.append(f"{name}-{label}: {width}px wide on a {size['width']}px screen")
    page.set_viewport_size(original)


def submit(page, action) -> None:
    """Run `action` (a click, a key press) and wait for the page the form leads to; it must not be an error."""
    with page.expect_navigation() as navigation:
        action()
    response = navigation.value
    assert response.ok, f"{response.request.method} {response.url} answered {response.status}"


def focus_style(locator) -> dict:
    return locator.evaluate(
        "el => { const s = getComputedStyle(el);"
        " return {outline: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor, shadow: s.boxShadow,"
        " visible: el.matches(':focus-visible')}; }")


def tab_until(page, target, limit: int = 40) -> list[str]:
    """Press Tab until `target` has the focus; returns what had the focus on the way (tag, class, text)."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return seen
        seen.append(page.evaluate(
            "() => { const e = document.activeElement; const inBanner = !!e.closest('section.consent-banner');"
            " const inMain = !!e.closest('main'); return `${e.tagName.toLowerCase()}.${e.className}"
            " ${(e.innerText || e.value || '').trim().slice(0, 30)}${inBanner ? ' [banner]' : ''}"
            "${inMain ? ' [main]' : ''}`; }"))
    raise AssertionError(f"Tab never reached the element; focus went through {seen}")


# Tests -------------------------------------------------------------------------------------------


def test_chinese_visitor_declines_then_accepts_in_settings_sees_the_record_and_forgets_it(
        browser, base_url, live_app, artifacts):
    heading = chinese(live_app, "May we record your visits?")
    decline, privacy_settings = chinese(live_app, "Decline"), chinese(live_app, "Privacy settings")
    yes, save = chinese(live_app, "Yes, record my visits"), chinese(live_app, "Save my choice")
    no_record = chinese(live_app, "We hold no visit record for this browser.")
    not_decided = chinese(live_app, "Not decided", context="consent")
    forget = chinese(live_app, "Forget this browser")
    overflowing = []
    context = browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
                                  viewport=VIEWPORTS["phone"])
    page = context.new_page()

    # 1. The first visit asks, in Chinese, without covering the page.
    page.goto(f"{base_url}/zh/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    banner = page.locator(BANNER)
    expect(banner).to_be_visible()
    expect(banner.get_by_role("heading")).to_have_text(heading)
    assert_banner_covers_nothing(page)
    page.set_viewport_size(VIEWPORTS["desktop"])
    assert_banner_covers_nothing(page)
    page.set_viewport_size(VIEWPORTS["phone"])

    # 2. Declining: the banner goes, no visitor cookie, nothing recorded while browsing.
    submit(page, banner.get_by_role("button", name=decline, exact=True).click)
    expect(page).to_have_url(f"{base_url}/zh/")
    expect(page.locator(BANNER)).to_have_count(0)
    assert "visitor" not in cookie_names(context)
    assert "consent" in cookie_names(context)
    page.goto(f"{base_url}/zh/products")
    expect(page.locator(BANNER)).to_have_count(0)
    page.locator(".product-card a").first.click()
    expect(page.locator(".product-info h1")).to_be_visible()
    expect(page.locator(BANNER)).to_have_count(0)
    assert "visitor" not in cookie_names(context)
    page.goto(f"{base_url}/zh/privacy/my-data")
    expect(page.locator(BANNER)).to_have_count(0)
    expect(page.locator("[data-visit-count]")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(no_record)

    # 3. Changing the mind in the settings, reached from the footer.
    page.locator("footer").get_by_role("link", name=privacy_settings, exact=True).click()
    expect(page).to_have_url(f"{base_url}/zh/privacy/consent")
    shoot(page, artifacts, "privacy-consent-zh", overflowing)
    page.get_by_label(yes, exact=True).check()
    submit(page, page.get_by_role("button", name=save, exact=True).click)
    expect(page).to_have_url(f"{base_url}/zh/privacy/consent")
    expect(page.locator(".flash-success")).to_be_visible()
    assert "visitor" in cookie_names(context)

    # 4. Browsing is now recorded: my-data shows the record, and each page adds to it.
    page.goto(f"{base_url}/zh/products")
    page.locator(".product-card a").nth(1).click()
    expect(page.locator(".product-info h1")).to_be_visible()
    page.goto(f"{base_url}/zh/privacy/my-data")
    expect(page.locator("[data-page-views]")).to_be_visible()
    visits, views = counts(page)
    assert visits == 1 and views >= 3, (visits, views)  # the consent page after saving, the list, the product
    shoot(page, artifacts, "privacy-my-data-zh", overflowing)
    page.reload()
    assert counts(page) == (1, views + 1)  # the previous my-data page itself
    page.goto(f"{base_url}/zh/shipping")
    page.goto(f"{base_url}/zh/products")
    page.goto(f"{base_url}/zh/privacy/my-data")
    assert counts(page) == (1, views + 4)

    # 5. Forgetting the browser: no record, undecided again, both cookies gone, the banner back.
    submit(page, page.get_by_role("button", name=forget, exact=True).click)
    expect(page).to_have_url(f"{base_url}/zh/privacy/my-data")
    expect(page.locator("[data-visit-count]")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(no_record)
    expect(page.locator("main .data-list").first).to_contain_text(not_decided)
    assert not {"visitor", "consent"} & cookie_names(context), cookie_names(context)
    page.goto(f"{base_url}/zh/products")
    expect(page.locator(BANNER)).to_be_visible()
    expect(page.locator(BANNER).get_by_role("heading")).to_have_text(heading)
    assert "visitor" not in cookie_names(context)
    context.close()
    assert not overflowing, overflowing


def test_keyboard_alone_reaches_the_banner_declines_and_changes_the_choice(browser, base_url, artifacts):
    context = browser.new_context(locale="en-GB", viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    page.goto(f"{base_url}/en/")
    banner = page.locator(BANNER)
    accept = banner.get_by_role("button", name="Accept", exact=True)
    decline = banner.get_by_role("button", name="Decline", exact=True)
    resting = {"accept": focus_style(accept), "decline": focus_style(decline)}

    # From the top: the skip link and the header first, then the banner, before anything in <main>.
    before = tab_until(page, accept)
    assert before and before[0].startswith("a.skip-link"), before
    assert not [label for label in before if label.endswith("[main]")], before
    focused = focus_style(accept)
    page.keyboard.press("Tab")
    expect(decline).to_be_focused()
    focused_decline = focus_style(decline)
    banner.screenshot(path=artifacts / "privacy-banner-focus-en-desktop.png")
    for name, style in (("accept", focused), ("decline", focused_decline)):
        assert style["visible"], (name, style)
        assert not style["outline"].startswith("none") and not style["outline"].split()[1].startswith("0"), style
        assert (style["outline"], style["shadow"]) != (resting[name]["outline"], resting[name]["shadow"]), \
            (name, style, resting[name])

    submit(page, lambda: page.keyboard.press("Enter"))
    expect(page).to_have_url(f"{base_url}/en/")
    expect(page.locator(BANNER)).to_have_count(0)
    expect(page.locator(".flash-success")).to_contain_text("We will not record your visits")
    assert "consent" in cookie_names(context) and "visitor" not in cookie_names(context)

    # The settings form: the radio group by arrow keys, then the button by Tab and Enter.
    page.goto(f"{base_url}/en/privacy/consent")
    yes, no = page.get_by_label("Yes, record my visits"), page.get_by_label("No, do not record my visits")
    expect(no).to_be_checked()
    tab_until(page, no, limit=80)
    page.keyboard.press("ArrowUp")
    expect(yes).to_be_focused()
    expect(yes).to_be_checked()
    page.keyboard.press("Space")
    expect(yes).to_be_checked()
    save = page.get_by_role("button", name="Save my choice")
    page.keyboard.press("Tab")
    expect(save).to_be_focused()
    submit(page, lambda: page.keyboard.press("Enter"))
    expect(page).to_have_url(f"{base_url}/en/privacy/consent")
    expect(page.locator(".flash-success")).to_contain_text("We will record your visits")
    expect(page.locator(".consent-current")).to_contain_text("visits are recorded.")
    expect(yes).to_be_checked()
    assert "visitor" in cookie_names(context)
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_screenshots_of_the_banner_and_the_policy(browser, base_url, live_app, artifacts, lang):
    overflowing = []
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.goto(f"{base_url}/{lang}/products")
    banner = page.locator(BANNER)
    expect(banner.get_by_role("heading")).to_have_text(translate(live_app, lang, "May we record your visits?"))
    for size in VIEWPORTS.values():
        page.set_viewport_size(size)
        assert_banner_covers_nothing(page)
        expect(banner.get_by_role("button")).to_have_count(2)
        for button in banner.get_by_role("button").all():
            expect(button).to_be_in_viewport()
    # What a visitor sees first, above the fold.
    shoot(page, artifacts, f"privacy-banner-{lang}", overflowing, full_page=False)

    if lang == "en":
        page.goto(f"{base_url}/en/privacy")
        notice = page.locator(".prevailing-notice")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("The Chinese version of this policy prevails.")
        expect(notice.get_by_role("link")).to_have_attribute("href", "/zh/privacy")
        shoot(page, artifacts, "privacy-policy-en", overflowing)
    context.close()
    assert not overflowing, overflowing
