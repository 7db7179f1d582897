"""Saved addresses: list, add, edit, delete, choose the default."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from storefront.account import services
from storefront.account.forms import AddressForm
from storefront.account.views import bp, show_form
from storefront.extensions import db
from storefront.i18n import country_choices, request_language


def _address_form(**kwargs) -> AddressForm:
    return AddressForm(locale=request_language(), countries=country_choices(), **kwargs)


def _own_address_or_404(address_id: int):
    try:
        return services.get_address(current_user, address_id)
    except services.NotFound:
        abort(404)


@bp.get("/addresses")
@login_required
def addresses():
    return render_template("account/addresses.html", addresses=services.list_addresses(current_user),
                           delete_form=FlaskForm())


@bp.route("/addresses/new", methods=["GET", "POST"])
@login_required
def address_new():
    form = _address_form()
    if not form.validate_on_submit():
        return show_form("account/address_form.html", form, address=None)
    services.save_address(current_user, None, form.values(), form.is_default.data)
    db.session.commit()
    flash(_("The address is saved."), "success")
    return redirect(url_for("account.addresses"), 303)


@bp.route("/addresses/<int:address_id>", methods=["GET", "POST"])
@login_required
def address_edit(address_id):
    address = _own_address_or_404(address_id)
    form = _address_form(obj=address)
    if not form.validate_on_submit():
        return show_form("account/address_form.html", form, address=address)
    services.save_address(current_user, address, form.values(), form.is_default.data)
    db.session.commit()
    flash(_("The address is saved."), "success")
    return redirect(url_for("account.addresses"), 303)


@bp.post("/addresses/<int:address_id>/delete")
@login_required
def address_delete(address_id):
    _own_address_or_404(address_id)
    if FlaskForm().validate_on_submit():
        services.delete_address(current_user, address_id)
        db.session.commit()
        flash(_("The address is deleted."), "success")
    return redirect(url_for("account.addresses"), 303)
