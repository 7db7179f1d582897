"""Customer service pages: the contact form, the customer's messages, and a guest's conversation link."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from storefront.account.limits import PER_CLIENT_HOURLY
from storefront.extensions import db, limiter
from storefront.i18n import LANG_PREFIX, request_language
from storefront.support import services
from storefront.support.forms import ContactForm, ReplyForm

bp = Blueprint("support", __name__, template_folder="templates", url_prefix=LANG_PREFIX)

# Conversations are personal: no browser or proxy keeps a copy, and a guest's link never leaves in a Referer.
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _page(template: str, form, status: int | None = None, **context):
    status = status or (422 if form.is_submitted() else 200)
    return render_template(template, form=form, **context), status, PRIVATE


@bp.route("/contact", methods=["GET", "POST"])
@limiter.limit(PER_CLIENT_HOURLY, methods=["POST"])
def contact():
    form = ContactForm()
    user = current_user if current_user.is_authenticated else None
    if request.method == "GET" and user is not None:
        form.name.data, form.email.data = user.full_name, user.email
    if not form.validate_on_submit():
        return _page("support/contact.html", form)
    if user is not None:
        # A signed-in customer writes as their account: the answers reach them there, so the address
        # (and the orders it may name) must be the account's, whatever was typed.
        form.email.data = user.email
    try:
        order = _order_named(form, user)
    except services.OrderNotFound as error:
        form.order_number.errors.append(error.message)
        return _page("support/contact.html", form)
    ticket = services.open_ticket(
        name=form.name.data, email=form.email.data, subject=form.subject.data, message=form.message.data,
        locale=request_language(), user_id=user.id if user else None, order=order)
    db.session.commit()
    flash(_("Thank you, we received your message. Its reference is %(reference)s.", reference=ticket.reference),
          "success")
    if user is not None:
        return redirect(url_for("support.conversation", reference=ticket.reference), 303)
    return redirect(url_for("support.contact_sent"), 303)


def _order_named(form: ContactForm, user):
    """The order the writer names, or None when they name none; raises services.OrderNotFound."""
    if not form.order_number.data:
        return None
    return services.find_order_for_writer(form.order_number.data, email=form.email.data, user=user)


@bp.get("/contact/sent")
def contact_sent():
    return render_template("support/sent.html"), 200, PRIVATE


@bp.route("/contact/<reference>", methods=["GET", "POST"])
def guest_conversation(reference):
    token = request.args.get("token")
    try:
        ticket = services.get_guest_ticket(reference, token)
    except services.NotFound:
        abort(404)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _page("support/guest_conversation.html", form, ticket=ticket, token=token)
    services.add_customer_message(ticket, form.message.data)
    db.session.commit()
    flash(_("Thank you, your answer is sent."), "success")
    return redirect(url_for("support.guest_conversation", reference=ticket.reference, token=token), 303)


@bp.get("/account/messages")
@login_required
def messages():
    return render_template("support/messages.html", tickets=services.customer_tickets(current_user)), 200, PRIVATE


@bp.route("/account/messages/<reference>", methods=["GET", "POST"])
@login_required
def conversation(reference):
    try:
        ticket = services.get_customer_ticket(current_user, reference)
    except services.NotFound:
        abort(404)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _page("support/conversation.html", form, ticket=ticket)
    services.add_customer_message(ticket, form.message.data)
    db.session.commit()
    flash(_("Thank you, your answer is sent."), "success")
    return redirect(url_for("support.conversation", reference=ticket.reference), 303)


@bp.app_context_processor
def support_globals():
    return {"support_status_label": services.status_label}
