"""The account overview, profile, password and email pages."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from storefront.account import services
from storefront.account.forms import EmailChangeForm, PasswordChangeForm, ProfileForm, ResendConfirmationForm
from storefront.account.limits import password_check_limit
from storefront.account.views import bp, show_form
from storefront.extensions import db
from storefront.i18n import request_language


@bp.get("/")
@login_required
def overview():
    return render_template("account/overview.html", resend_form=ResendConfirmationForm())


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user, locale=request_language())
    if not form.validate_on_submit():
        return show_form("account/profile.html", form)
    services.update_profile(
        current_user, full_name=form.full_name.data, phone=form.phone.data,
        gender=form.gender.data, birth_date=form.birth_date.data, preferred_locale=form.preferred_locale.data,
    )
    db.session.commit()
    flash(_("Your profile is saved."), "success")
    return redirect(url_for("account.profile"), 303)


@bp.route("/password", methods=["GET", "POST"])
@login_required
@password_check_limit
def password():
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return show_form("account/password.html", form)
    try:
        services.change_password(current_user, form.current_password.data, form.password.data)
    except services.InvalidCredentials:
        form.current_password.errors.append(_("That is not your current password."))
        return show_form("account/password.html", form)
    # Other sessions ended with the new nonce; this one continues under it, remembered as before.
    remembered = "remember_token" in request.cookies
    session.clear()
    login_user(current_user._get_current_object(), remember=remembered)
    db.session.commit()  # with what signing in again changed (a visitor cart would be merged)
    flash(_("Your password is changed. Other devices have been signed out."), "success")
    return redirect(url_for("account.overview"), 303)


@bp.route("/email", methods=["GET", "POST"])
@login_required
@password_check_limit
def email():
    form = EmailChangeForm()
    if not form.validate_on_submit():
        return show_form("account/email.html", form)
    try:
        services.request_email_change(current_user, form.email.data, form.password.data)
    except services.InvalidCredentials:
        form.password.errors.append(_("That is not your password."))
        return show_form("account/email.html", form)
    except services.EmailTaken:
        form.email.errors.append(_("Another account already uses this email address."))
        return show_form("account/email.html", form)
    except services.SameEmail:
        form.email.errors.append(_("This is already your email address."))
        return show_form("account/email.html", form)
    db.session.commit()
    flash(_("Almost done: open the link we sent to %(email)s to confirm it.", email=form.email.data), "info")
    return redirect(url_for("account.overview"), 303)


@bp.get("/email/confirm/<token>")
def email_confirm(token):
    try:
        services.confirm_email_change(token)
    except (services.TokenInvalid, services.EmailTaken):
        return render_template("account/link_invalid.html"), 404
    db.session.commit()
    flash(_("Your email address is changed."), "success")
    return redirect(url_for("account.overview" if current_user.is_authenticated else "account.login"), 303)
