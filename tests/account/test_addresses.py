import pytest
from sqlalchemy import select

from storefront.account.models import Address
from storefront.extensions import db

ADDRESS = {"recipient": "Li Lei", "phone": "+86 138 0013 8000", "country": "CN", "region": "浙江省",
           "city": "杭州市", "district": "西湖区", "line1": "文三路 90 号", "line2": "", "postal_code": "310012"}


def addresses(app, user_id):
    with app.app_context():
        return [(a.id, a.recipient, a.is_default) for a in
                db.session.scalars(select(Address).where(Address.user_id == user_id).order_by(Address.id))]


def test_add_edit_default_and_delete(app, client, signed_in):
    assert client.post("/en/account/addresses/new", data=ADDRESS).status_code == 303
    assert client.post("/en/account/addresses/new", data={**ADDRESS, "recipient": "Han Meimei",
                                                          "is_default": "y"}).status_code == 303
    (first, _, first_default), (second, _, second_default) = addresses(app, signed_in.id)
    assert (first_default, second_default) == (False, True)
    assert client.post(f"/en/account/addresses/{first}", data={**ADDRESS, "recipient": "Li Lei Jr",
                                                              "is_default": "y"}).status_code == 303
    assert addresses(app, signed_in.id) == [(first, "Li Lei Jr", True), (second, "Han Meimei", False)]
    assert client.post(f"/en/account/addresses/{first}/delete").status_code == 303
    assert addresses(app, signed_in.id) == [(second, "Han Meimei", True)]
    page = client.get("/en/account/addresses").get_data(as_text=True)
    assert "Han Meimei" in page and "杭州市" in page and "+86 138 0013 8000" in page and "China" in page


def test_form_orders_fields_by_language(client, signed_in):
    en = client.get("/en/account/addresses/new").get_data(as_text=True)
    zh = client.get("/zh/account/addresses/new").get_data(as_text=True)
    assert en.index('name="line1"') < en.index('name="city"') < en.index('name="region"')
    assert zh.index('name="region"') < zh.index('name="city"') < zh.index('name="district"') < zh.index('name="line1"')
    assert '<option value="CN">中国</option>' in zh


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"recipient": ""}, "recipient"),
        ({"country": "XX"}, "country"),
        ({"country": "../../etc"}, "country"),
        ({"phone": "555"}, "phone"),
        ({"line1": "x" * 201}, "line1"),
        ({"postal_code": ""}, "postal_code"),
    ],
)
def test_bad_address_input_is_refused_next_to_the_field(app, client, signed_in, fields, field):
    response = client.post("/zh/account/addresses/new", data={**ADDRESS, **fields})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page
    assert addresses(app, signed_in.id) == []


def test_another_customers_address_is_404(app, client, signed_in, make_user, auth):
    client.post("/en/account/addresses/new", data=ADDRESS)
    [(mine, _, _)] = addresses(app, signed_in.id)
    auth.logout()
    intruder = make_user()
    auth.login(intruder.email)
    assert client.get(f"/en/account/addresses/{mine}").status_code == 404
    assert client.post(f"/en/account/addresses/{mine}", data=ADDRESS).status_code == 404
    assert client.post(f"/en/account/addresses/{mine}/delete").status_code == 404
    assert client.get("/en/account/addresses/999999").status_code == 404
    assert client.get("/en/account/addresses/abc").status_code == 404
    assert len(addresses(app, signed_in.id)) == 1


def test_address_text_renders_inert(client, signed_in):
    client.post("/en/account/addresses/new", data={**ADDRESS, "recipient": "<svg onload=alert(1)>",
                                                   "line1": "{{7*7}} Road"})
    page = client.get("/en/account/addresses").get_data(as_text=True)
    assert "<svg onload" not in page and "{{7*7}} Road" in page
