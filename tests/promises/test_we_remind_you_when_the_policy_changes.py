"""Promise: "we remind you when the policy changes".

What these tests prove: when the shop publishes a material version of the policy
(privacy.policy.publish_version, committed as the admin's publishing page and `flask privacy publish`
do), a visitor who had accepted visit recording sees the consent banner again and is not recorded
until they answer again; a signed-in customer sees the reminder on every page until they acknowledge
it (POST /en/privacy/acknowledge), and then no more; and exactly one email is queued to every confirmed
customer, in their own language with that language's summary of the changes (checked for an English
and a Chinese-preferring customer), and none to an unconfirmed address. A minor version does none of
this.
"""


from storefront.database import write_transaction
from storefront.extensions import db
from storefront.privacy.policy import PolicyAcknowledgement, publish_version
from storefront.privacy.visits import VisitRecord
from tests.promises.conftest import Browser

EN_SUMMARY = "We now also hand your phone number to Kite Couriers."
ZH_SUMMARY = "我们现在也会把您的电话号码交给风筝快递。"


def publish(app, *, material: bool) -> int:
    with app.app_context():
        with write_transaction():
            version = publish_version({
                "en": {"body": "# Privacy policy\n\nVersion two of {shop_name}'s policy.", "summary": EN_SUMMARY},
                "zh": {"body": "# 隐私政策\n\n{shop_name}隐私政策第二版。", "summary": ZH_SUMMARY},
            }, material=material)
            db.session.commit()
            return version.number


def banner(page) -> bool:
    return 'class="consent-banner"' in page.text


def reminder(page) -> bool:
    return 'policy-reminder' in page.text


def page_views(shopper) -> int:
    return shopper.my_data()["visitor"]["page_views"]


def test_a_material_change_asks_the_visitor_again_and_stops_recording_until_answered(app, shopper, rows):
    shopper.accept()
    assert not banner(shopper.get("/en/"))
    assert page_views(shopper) == 1

    assert publish(app, material=True) == 2
    page = shopper.get("/en/")
    assert banner(page)
    assert shopper.my_data()["consent"] == {"analytics": None, "policy_version": None, "decided_at": None}
    shopper.get("/en/terms")
    [record] = rows(VisitRecord)
    assert record.page_views == 1  # the old consent no longer counts: nothing recorded meanwhile

    shopper.accept()
    assert not banner(shopper.get("/en/"))
    assert shopper.my_data()["consent"]["policy_version"] == 2
    assert page_views(shopper) == 2


def test_a_signed_in_customer_is_reminded_on_every_page_until_they_acknowledge(app, signed_in, shopper, rows):
    assert not reminder(shopper.get("/en/"))
    publish(app, material=True)

    for path in ("/en/", "/en/terms", "/en/cart", "/en/account/privacy", "/zh/"):
        page = shopper.get(path)
        assert reminder(page), path
        assert 'action="/' + path.split("/")[1] + '/privacy/acknowledge"' in page.text
    assert 'href="/en/privacy/versions/2?diff=1"' in shopper.get("/en/").text
    assert 'class="note acknowledge"' in shopper.get("/en/privacy").text  # the policy page asks in place

    done = shopper.post("/en/privacy/acknowledge", {"next": "/en/terms"})
    assert done.status_code == 303 and done.headers["Location"] == "/en/terms"
    assert [(a.user_id, a.version) for a in rows(PolicyAcknowledgement)] == [(signed_in.id, 2)]
    for path in ("/en/", "/en/terms", "/en/cart", "/zh/"):
        assert not reminder(shopper.get(path)), path
    assert 'class="note acknowledge"' not in shopper.get("/en/privacy").text


def test_only_signed_in_customers_can_acknowledge_and_newcomers_are_not_reminded(app, make_user, client):
    publish(app, material=True)
    assert client.post("/en/privacy/acknowledge", data={"next": "/en/"}).status_code == 403

    newcomer = make_user()  # registered under version 2: agreed to it when registering
    assert client.post("/en/account/login", data={"email": newcomer.email, "password": newcomer.password}
                       ).status_code == 303
    assert not reminder(client.get("/en/"))


def test_a_material_change_emails_each_confirmed_customer_once_in_their_language(app, make_user, outbox,
                                                                                 zh_gettext):
    english = make_user(preferred_locale="en")
    chinese = make_user(preferred_locale="zh")
    make_user(confirmed=False)  # an address never shown to be theirs gets nothing
    publish(app, material=True)

    mails = outbox(template="policy_changed")
    assert sorted(m.recipient for m in mails) == sorted([english.email, chinese.email])
    en = next(m for m in mails if m.recipient == english.email)
    zh = next(m for m in mails if m.recipient == chinese.email)

    assert (en.locale, en.user_id, en.subject) == ("en", english.id, "Our privacy policy has changed")
    assert EN_SUMMARY in en.body_text and ZH_SUMMARY not in en.body_text
    assert "What changed:" in en.body_text and "http://shop.test/en/privacy" in en.body_text

    assert (zh.locale, zh.user_id) == ("zh", chinese.id)
    assert zh.subject == zh_gettext("Our privacy policy has changed") != en.subject
    assert ZH_SUMMARY in zh.body_text and EN_SUMMARY not in zh.body_text
    assert zh_gettext("What changed:") in zh.body_text and "What changed:" not in zh.body_text
    assert "http://shop.test/zh/privacy" in zh.body_text
    assert ZH_SUMMARY in zh.body_html and EN_SUMMARY in en.body_html


def test_a_minor_change_neither_asks_again_nor_reminds_nor_emails(app, make_user, auth, client, outbox, rows):
    user = make_user()
    shopper = Browser(client)
    shopper.accept()
    assert auth.login(user.email).status_code == 303
    shopper.get("/en/")

    assert publish(app, material=False) == 2
    page = shopper.get("/en/terms")
    assert not banner(page) and not reminder(page)
    assert shopper.my_data()["consent"]["analytics"] is True
    assert page_views(shopper) == 2  # still recorded
    assert outbox(template="policy_changed") == []
    assert rows(PolicyAcknowledgement) == []
    assert "Version 2" in shopper.get("/en/privacy").text  # the new text is in force all the same
