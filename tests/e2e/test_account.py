"""A customer's account journey in Chinese on a phone, from registration to deletion."""

import email
import email.policy
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

PASSWORD = "一匹正确的马 battery staple"


def newest_mail(mail_dir: Path, after: float, subject_part: str) -> email.message.EmailMessage:
    """The newest .eml written after `after` whose subject contains subject_part (waits a little)."""
    for _ in range(50):
        for path in sorted(mail_dir.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True):
            if path.stat().st_mtime < after:
                continue
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if subject_part in message["Subject"]:
                return message
        time.sleep(0.1)
    raise AssertionError(f"no mail with {subject_part!r}")


def test_register_confirm_edit_export_delete(browser, base_url, live_app, artifacts):
    mail_dir = Path(live_app.config["MAIL_DIR"])
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, accept_downloads=True)
    page = context.new_page()
    started = time.time() - 1

    page.goto(f"{base_url}/zh/account/register")
    page.get_by_label("电子邮箱").fill("Journey@Example.com")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_role("button", name="注册账户").click()
    expect(page).to_have_url(re.compile(r"/zh/account/$"))
    page.screenshot(path=artifacts / "account-overview-zh-phone.png", full_page=True)

    mail = newest_mail(mail_dir, started, "确认")
    link = re.search(r"(http\S+/zh/account/confirm/\S+)", mail.get_body(("plain",)).get_content()).group(1)
    page.goto(link.replace(live_app.config["BASE_URL"], base_url))
    expect(page.locator(".flash-success")).to_be_visible()

    page.goto(f"{base_url}/zh/account/profile")
    page.get_by_label("姓名", exact=True).fill("欧阳 娜娜")
    page.get_by_label("手机号码").fill("138 0013 8000")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_label("手机号码")).to_have_value("+8613800138000")

    page.goto(f"{base_url}/zh/account/addresses/new")
    page.get_by_label("收件人").fill("欧阳 娜娜")
    page.get_by_label("手机号码").fill("13800138000")
    page.get_by_label("国家或地区").select_option("CN")
    page.get_by_label("省份").fill("浙江省")
    page.get_by_label("城市").fill("杭州市")
    page.get_by_label("详细地址").fill("文三路 90 号")
    page.get_by_label("邮政编码").fill("310012")
    page.get_by_role("button", name="保存收货地址").click()
    expect(page.locator(".address-card")).to_contain_text("文三路 90 号")
    page.screenshot(path=artifacts / "account-addresses-zh-phone.png", full_page=True)

    page.goto(f"{base_url}/zh/account/export")
    page.get_by_label("您的密码").fill(PASSWORD)
    with page.expect_download() as download:
        page.get_by_role("button", name="下载").click()
    exported = Path(download.value.path()).read_text()
    assert "欧阳 娜娜" in exported and "文三路 90 号" in exported

    page.goto(f"{base_url}/zh/account/delete")
    page.get_by_label("您的密码").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("永久删除")).click()
    expect(page).to_have_url(re.compile(r"/zh/account/deleted$"))
    page.screenshot(path=artifacts / "account-deleted-zh-phone.png", full_page=True)

    page.goto(f"{base_url}/zh/account/login")
    page.get_by_label("电子邮箱").fill("journey@example.com")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".error")).to_be_visible()
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_screenshots_of_sign_in_and_refused_registration(browser, base_url, artifacts, lang, viewport):
    size = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}[viewport]
    context = browser.new_context(viewport=size)
    page = context.new_page()
    page.goto(f"{base_url}/{lang}/account/login")
    page.screenshot(path=artifacts / f"login-{lang}-{viewport}.png", full_page=True)
    page.goto(f"{base_url}/{lang}/account/register")
    page.locator("#email").fill("not an email")
    page.locator("#password").fill("short")
    page.locator("#password_confirm").fill("other")
    page.locator("form[novalidate] button[type=submit]").click()
    expect(page.locator(".error").first).to_be_visible()
    assert page.locator(".field-invalid").count() == 3
    page.screenshot(path=artifacts / f"register-errors-{lang}-{viewport}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_screenshots_of_signed_in_account_pages(browser, base_url, artifacts, lang, viewport):
    size = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}[viewport]
    context = browser.new_context(viewport=size)
    page = context.new_page()
    page.goto(f"{base_url}/{lang}/account/register")
    page.locator("#email").fill(f"shots-{lang}-{viewport}@example.com")
    page.locator("#password").fill(PASSWORD)
    page.locator("#password_confirm").fill(PASSWORD)
    page.locator("form[novalidate] button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/account/$"))
    for name in ("overview", "profile", "privacy", "delete"):
        page.goto(f"{base_url}/{lang}/account/{'' if name == 'overview' else name}")
        page.screenshot(path=artifacts / f"account-{name}-{lang}-{viewport}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    context.close()
