"""Admin: the support inbox: tickets, replies, closing, and conversations staff open about an order."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from storefront.admin.forms import ActionForm
from storefront.admin.support_forms import STATUS_LABELS, AboutOrderForm, InboxFilterForm, StaffReplyForm
from storefront.admin.views import bp
from storefront.database import parse_page
from storefront.extensions import db
from storefront.privacy import audit
from storefront.support import services

INBOX_PER_PAGE = 50


@bp.get("/support")
def support_inbox():
    form = InboxFilterForm(request.args)
    form.validate()  # an over-long search shows its error beside the field and is left out
    listing = services.inbox(status=form.status_key(), search=None if form.q.errors else form.search(),
                             page=parse_page(request.args.get("page")), per_page=INBOX_PER_PAGE)
    args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template("admin/support.html", form=form, listing=listing, args=args, statuses=STATUS_LABELS)


@bp.get("/support/<reference>")
def support_ticket(reference):
    return _show_ticket(_ticket_or_404(reference), StaffReplyForm())


@bp.post("/support/<reference>/reply")
def support_reply(reference):
    ticket = _ticket_or_404(reference)
    form = StaffReplyForm()
    if not form.validate_on_submit():
        return _show_ticket(ticket, form, 422)
    try:
        services.add_staff_reply(ticket, form.message.data, staff_id=current_user.id)
    except services.ContactErased as error:
        form.message.errors.append(error.message)
        return _show_ticket(ticket, form, 422)
    db.session.commit()
    flash(_("Your answer is sent to the customer."), "success")
    return redirect(url_for("admin.support_ticket", reference=ticket.reference), 303)


@bp.post("/support/<reference>/close")
def support_close(reference):
    ticket = _ticket_or_404(reference)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.close_ticket(ticket)
    db.session.commit()
    flash(_("The conversation %(reference)s is closed.", reference=ticket.reference), "success")
    return redirect(url_for("admin.support_inbox"), 303)


@bp.post("/support/<reference>/reopen")
def support_reopen(reference):
    ticket = _ticket_or_404(reference)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.reopen_ticket(ticket)
    db.session.commit()
    flash(_("The conversation %(reference)s is open again.", reference=ticket.reference), "success")
    return redirect(url_for("admin.support_ticket", reference=ticket.reference), 303)


@bp.route("/support/new", methods=["GET", "POST"])
def support_new():
    try:
        order = services.get_order(request.args.get("order"))
    except services.NotFound:
        abort(404)
    form = AboutOrderForm()
    if request.method == "GET":
        form.subject.data = services.subject_about_order(order)
    refused = None if order.email else services.ContactErased().message
    if refused is None and form.validate_on_submit():
        ticket = services.open_about_order(order, subject=form.subject.data, message=form.message.data,
                                           staff_id=current_user.id)
        db.session.commit()
        flash(_("Your message about order %(number)s is sent to the customer.", number=order.number), "success")
        return redirect(url_for("admin.support_ticket", reference=ticket.reference), 303)
    page = render_template("admin/support_new.html", form=form, order=order, refused=refused)
    return page, 422 if form.is_submitted() else 200


def _ticket_or_404(reference: str):
    try:
        return services.get_ticket(reference)
    except services.NotFound:
        abort(404)


def _show_ticket(ticket, form, status: int = 200):
    """The conversation with the customer's name and address: a staff view of personal data, audited."""
    page = render_template("admin/support_ticket.html", ticket=ticket, form=form, action=ActionForm(),
                           order_number=services.order_number_of(ticket), staff=services.staff_emails(ticket),
                           statuses=STATUS_LABELS)
    if ticket.personal_data_erased_at is None:
        # Admin requests hold SQLite's write lock from their start (storefront.create_app), so the page's
        # read and this row are one transaction; committed after rendering, which expires what it read.
        audit.record("customer.view", actor_id=current_user.id, subject_user_id=ticket.user_id,
                     subject_email=ticket.email if ticket.user_id is None else None, detail=ticket.reference)
        db.session.commit()
    return page, status
