"""The privacy centre, the data export and account deletion."""

import json

from flask import Response, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from storefront.account import services
from storefront.account.forms import GENDER_CHOICES, PasswordCheckForm
from storefront.account.limits import password_check_limit
from storefront.account.views import bp, show_form
from storefront.database import truncate_sqlite_wal
from storefront.extensions import db
from storefront.privacy import consent, visits
from storefront.privacy.disclosures import LEGAL_BASES, PURPOSES, RECIPIENTS, disclosures_about
from storefront.privacy.registry import ReceiptLine


@bp.get("/privacy")
@login_required
def privacy():
    person = services.person_of(current_user)
    return render_template("account/privacy.html", held=services.export_account(current_user),
                           birth_date=current_user.birth_date,
                           genders={choice.value: choice.label for choice in GENDER_CHOICES},
                           visit_records=visits.records_of_user(current_user.id),
                           consents=consent.history_of_user(current_user.id),
                           disclosures=disclosures_about(person), recipients=RECIPIENTS, purposes=PURPOSES,
                           legal_bases=LEGAL_BASES)


@bp.route("/export", methods=["GET", "POST"])
@login_required
@password_check_limit
def export():
    form = PasswordCheckForm()
    if not form.validate_on_submit():
        return show_form("account/export.html", form)
    try:
        services.check_password(current_user, form.password.data)
    except services.InvalidCredentials:
        form.password.errors.append(_("That is not your password."))
        return show_form("account/export.html", form)
    body = json.dumps(services.export_account(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="my-data.json"',
    })


@bp.route("/delete", methods=["GET", "POST"])
@login_required
@password_check_limit
def delete():
    form = PasswordCheckForm()
    if not form.validate_on_submit():
        return show_form("account/delete.html", form)
    try:
        receipt = services.delete_account(current_user._get_current_object(), form.password.data)
    except services.InvalidCredentials:
        form.password.errors.append(_("That is not your password."))
        return show_form("account/delete.html", form)
    db.session.commit()
    truncate_sqlite_wal(db.engine)
    session.clear()
    logout_user()
    session["erasure_receipt"] = [line.as_dict() for line in receipt]
    return redirect(url_for("account.deleted"), 303)


@bp.get("/deleted")
def deleted():
    lines = [ReceiptLine(**line) for line in session.pop("erasure_receipt", [])]
    if not lines:
        return redirect(url_for("catalog.index"))
    return render_template("account/deleted.html", receipt=lines)
