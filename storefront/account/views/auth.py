"""Registration, confirmation, sign-in and out, and password reset."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from storefront.account import services
from storefront.account.forms import (
    LoginForm, PasswordResetForm, PasswordResetRequestForm, RegisterForm, ResendConfirmationForm,
)
from storefront.account.limits import PER_CLIENT_HOURLY, login_rate_limits
from storefront.account.views import bp, show_form
from storefront.extensions import db, limiter
from storefront.i18n import request_language, safe_next


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(PER_CLIENT_HOURLY, methods=["POST"])
def register():
    form = RegisterForm()
    if not form.validate_on_submit():
        return show_form("account/register.html", form)
    try:
        user = services.register(form.email.data, form.password.data, form.full_name.data, request_language())
    except services.EmailTaken:
        form.email.errors.append(_("An account with this email address already exists. Sign in or reset your password."))
        return show_form("account/register.html", form)
    _sign_in(user, remember=False)
    db.session.commit()  # with what signing in changed (the visitor's cart joins the account's)
    flash(_("Welcome! We have sent a confirmation link to %(email)s.", email=user.email), "success")
    return redirect(url_for("account.overview"), 303)


@bp.get("/confirm/<token>")
def confirm(token):
    try:
        services.confirm_email(token)
    except services.TokenInvalid:
        return render_template("account/link_invalid.html"), 404
    db.session.commit()
    flash(_("Thank you, your email address is confirmed."), "success")
    return redirect(url_for("account.overview" if current_user.is_authenticated else "account.login"), 303)


@bp.post("/confirm/resend")
@login_required
@limiter.limit(PER_CLIENT_HOURLY)
def resend_confirmation():
    if ResendConfirmationForm().validate_on_submit() and services.resend_confirmation(current_user):
        db.session.commit()
        flash(_("We have sent a new confirmation link to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("account.overview"), 303)


@bp.route("/login", methods=["GET", "POST"])
@login_rate_limits
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data, url_for("account.overview")))
    if not form.validate_on_submit():
        return show_form("account/login.html", form)
    try:
        user = services.authenticate(form.email.data, form.password.data)
    except services.InvalidCredentials:
        form.password.errors.append(_("The email address or password is not right."))
        return show_form("account/login.html", form)
    _sign_in(user, remember=form.remember.data)
    db.session.commit()  # the sign-in time, and what signing in changed (the cart)
    return redirect(safe_next(form.next.data, url_for("account.overview")), 303)


def _sign_in(user, remember: bool) -> None:
    # A fresh session on sign-in: nothing from before (including the CSRF token) carries over.
    session.clear()
    login_user(user, remember=remember)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        # Ends this session and every copy of its cookies, on every device.
        current_user.end_sessions()
        db.session.commit()
    # Clear first: logout_user() leaves the note that makes Flask-Login delete the remember cookie.
    session.clear()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("catalog.index"), 303)


@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit(PER_CLIENT_HOURLY, methods=["POST"])
def password_reset_request():
    form = PasswordResetRequestForm()
    if not form.validate_on_submit():
        return show_form("account/password_reset_request.html", form)
    services.request_password_reset(form.email.data)
    db.session.commit()
    return redirect(url_for("account.password_reset_sent"), 303)


@bp.get("/password-reset/sent")
def password_reset_sent():
    return render_template("account/password_reset_sent.html")


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def password_reset(token):
    try:
        services.check_reset_token(token)
    except services.TokenInvalid:
        return render_template("account/link_invalid.html"), 404
    form = PasswordResetForm()
    if not form.validate_on_submit():
        return show_form("account/password_reset.html", form)
    services.reset_password(token, form.password.data)
    db.session.commit()
    session.clear()
    logout_user()
    flash(_("Your password is changed. Please sign in with the new one."), "success")
    return redirect(url_for("account.login"), 303)


