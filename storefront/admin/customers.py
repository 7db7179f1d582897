"""Admin: customers (each view of one audited) and legal requests from authorities.

Staff and the owner see the customer list and a customer's file; opening a file writes one
`customer.view` audit row. Legal requests are the owner's alone: recorded with privacy.legal's
rules, answered with the export limited to their scope and period (a disclosure to the authority,
confidential when the customer may not be told), or refused. This is the admin's only way to give
an authority anything.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from storefront.account import services as accounts
from storefront.account.forms import GENDER_CHOICES
from storefront.account.models import User
from storefront.admin.customers_forms import ROLE_LABELS, CustomerFilterForm, LegalRequestForm
from storefront.admin.forms import ActionForm
from storefront.admin.views import bp, owner_only
from storefront.cart.models import Order
from storefront.cart.services import order_history, status_label
from storefront.database import Page, parse_page
from storefront.extensions import db
from storefront.i18n import LANGUAGES
from storefront.privacy import audit, consent, legal, registry, visits
from storefront.privacy.disclosures import LEGAL_BASES, PURPOSES, RECIPIENTS, disclosures_about
from storefront.privacy.legal import LegalRequest
from storefront.privacy.registry import Person, rows_about
from storefront.security import email_digest
from storefront.support.models import SupportTicket

PER_PAGE = 50
TICKET_STATUS_LABELS = {"open": _l("Open"), "answered": _l("Answered"), "closed": _l("Closed")}
REQUEST_STATUS_LABELS = {"received": _l("Waiting for an answer"), "answered": _l("Answered: data released"),
                         "refused": _l("Refused: nothing released")}


# Queries (no request, no commit) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerRow:
    id: int
    email: str
    role: str
    confirmed: bool
    created_at: datetime
    orders: int


def list_customers(*, search: str, role: str | None, page: int, per_page: int) -> Page:
    """One page of accounts, newest first, with their order counts: two queries whatever the page holds."""
    conditions = []
    if search:
        conditions.append(User.email.contains(accounts.canonical_email(search), autoescape=True))
    if role:
        conditions.append(User.role == role)
    total = db.session.scalar(select(func.count()).select_from(User).where(*conditions))
    orders = select(func.count(Order.id)).where(Order.user_id == User.id).correlate(User).scalar_subquery()
    rows = db.session.execute(
        select(User.id, User.email, User.role, User.email_confirmed_at, User.created_at, orders)
        .where(*conditions).order_by(User.created_at.desc(), User.id.desc())
        .limit(per_page).offset((page - 1) * per_page))
    items = [CustomerRow(id_, email, role_, confirmed_at is not None, created_at, count)
             for id_, email, role_, confirmed_at, created_at, count in rows]
    return Page(items, page, per_page, total)


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id) if 0 < user_id < accounts.MAX_ID else None


def customer_file(user: User, *, with_legal: bool) -> dict:
    """Everything the detail page shows about an account (decrypted: the caller audits the view)."""
    person = accounts.person_of(user)
    tickets = db.session.scalars(
        select(SupportTicket).where(rows_about(person, SupportTicket.user_id, SupportTicket.email_digest))
        .order_by(SupportTicket.updated_at.desc(), SupportTicket.id.desc()))
    requests = db.session.scalars(
        select(LegalRequest).where(rows_about(person, LegalRequest.user_id, LegalRequest.subject))
        .order_by(LegalRequest.id.desc())) if with_legal else []
    return {
        "addresses": accounts.list_addresses(user), "orders": order_history(user), "tickets": list(tickets),
        "consents": consent.history_of_user(user.id), "visit_records": visits.records_of_user(user.id),
        # A confidential disclosure tells of a legal request: the owner's alone to see, as the requests are.
        "disclosures": disclosures_about(person, include_confidential=with_legal),
        "legal_requests": list(requests),
    }


def find_person(email: str) -> Person | None:
    """Whom a request names: an account, or a guest who ordered under the address; None if neither."""
    user = accounts.find_user_by_email(email)
    if user is not None:
        return accounts.person_of(user)
    canonical = accounts.canonical_email(email)
    guest_order = db.session.scalar(select(Order.id).where(
        Order.user_id.is_(None), Order.email_digest == email_digest(canonical)).limit(1))
    return Person(None, canonical, True) if guest_order is not None else None


def person_named(legal_request: LegalRequest) -> Person | None:
    """The person a recorded request names, or None once they are erased (nothing left to release)."""
    if legal_request.user_id is not None:
        user = get_user(legal_request.user_id)
        return accounts.person_of(user) if user is not None else None
    guest_order = db.session.scalar(select(Order).where(
        Order.user_id.is_(None), Order.email_digest == legal_request.subject, Order.email.is_not(None)).limit(1))
    return Person(None, guest_order.email, True) if guest_order is not None else None


def released_export(legal_request: LegalRequest, person: Person) -> dict:
    """What the answer released: the scoped export, dated data no later than the day it was answered."""
    answered_day = legal_request.answered_at.date()
    period_to = min(legal_request.period_to or answered_day, answered_day)
    as_answered = LegalRequest(scope=legal_request.scope, period_from=legal_request.period_from, period_to=period_to)
    return legal.scoped_export(as_answered, person)


def summary(export: dict) -> list[tuple[str, object, int]]:
    """(category, label, how many items) for each category of an export."""
    labels = registry.categories()
    return [(name, labels.get(name, name), len(data) if isinstance(data, list) else int(bool(data)))
            for name, data in export.items()]


def list_requests(*, page: int, per_page: int) -> Page:
    total = db.session.scalar(select(func.count()).select_from(LegalRequest))
    rows = db.session.execute(
        select(LegalRequest, User.email).outerjoin(User, User.id == LegalRequest.user_id)
        .order_by(LegalRequest.received_at.desc(), LegalRequest.id.desc())
        .limit(per_page).offset((page - 1) * per_page))
    return Page(list(rows), page, per_page, total)


def get_request(request_id: int) -> LegalRequest | None:
    return db.session.get(LegalRequest, request_id) if 0 < request_id < accounts.MAX_ID else None


# Customers (staff and owner) --------------------------------------------------------------------------------


@bp.get("/customers")
def customers():
    form = CustomerFilterForm(request.args)
    listing = list_customers(search=form.search(), role=form.role_key(), page=parse_page(request.args.get("page")),
                             per_page=PER_PAGE)
    args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template("admin/customers.html", form=form, listing=listing, args=args, roles=ROLE_LABELS)


@bp.get("/customers/<int:user_id>")
def customer_detail(user_id: int):
    user = get_user(user_id)
    if user is None:
        abort(404)
    is_owner = current_user.role == "owner"
    audit.record("customer.view", actor_id=current_user.id, subject_user_id=user.id)
    held = customer_file(user, with_legal=is_owner)
    page = render_template(
        "admin/customer_detail.html", customer=user, roles=ROLE_LABELS, languages=LANGUAGES,
        genders={choice.value: choice.label for choice in GENDER_CHOICES},
        status_label=status_label, ticket_statuses=TICKET_STATUS_LABELS, request_statuses=REQUEST_STATUS_LABELS,
        recipients=RECIPIENTS, purposes=PURPOSES, legal_bases=LEGAL_BASES, show_legal=is_owner, **held)
    db.session.commit()  # after rendering: committing would expire every row the page reads
    return page


# Legal requests (owner only) -------------------------------------------------------------------------------


@bp.get("/legal")
@owner_only
def legal_requests():
    listing = list_requests(page=parse_page(request.args.get("page")), per_page=PER_PAGE)
    return render_template("admin/legal_requests.html", listing=listing, years=legal.yearly_counts(),
                           statuses=REQUEST_STATUS_LABELS)


@bp.route("/legal/new", methods=["GET", "POST"])
@owner_only
def new_legal_request():
    form = LegalRequestForm()
    if not form.is_submitted():
        return render_template("admin/legal_request_form.html", form=form)
    form.validate()
    values = {"authority": form.authority.data or "", "reference": form.reference.data or "",
              "legal_basis": form.legal_basis.data or "", "scope": form.scope.data or [],
              "period_from": form.period_from.data, "period_to": form.period_to.data}
    person = find_person(form.email.data) if not form.email.errors else None
    if not form.email.errors and person is None:
        form.email.errors.append(_("We hold no account and no order under this email address."))
    for name, message in legal.check_request(**values).items():
        field = getattr(form, name)
        if message not in field.errors:
            field.errors = [*field.errors, message]
    if any(field.errors for field in form):
        return render_template("admin/legal_request_form.html", form=form), 422
    recorded = legal.record_request(person=person, may_notify=form.may_notify.data, staff_id=current_user.id, **values)
    audit.record("legal_request", actor_id=current_user.id, detail="legal.received", **_subject(person, recorded))
    request_id = recorded.id
    db.session.commit()
    flash(_("The request is recorded. Check what answering it would release before you answer."), "success")
    return redirect(url_for("admin.legal_request", request_id=request_id), 303)


@bp.get("/legal/<int:request_id>")
@owner_only
def legal_request(request_id: int):
    return _request_page(_request_or_404(request_id))


def _request_or_404(request_id: int) -> LegalRequest:
    found = get_request(request_id)
    if found is None:
        abort(404)
    return found


def _request_page(legal_request: LegalRequest, refusal: str | None = None, status: int = 200):
    person = person_named(legal_request)
    release = None
    if person is not None and legal_request.status == "received":
        release = summary(legal.scoped_export(legal_request, person))
    elif person is not None and legal_request.status == "answered":
        release = summary(released_export(legal_request, person))
    labels = registry.categories()
    page = render_template(
        "admin/legal_request.html", item=legal_request, person=person, release=release, refusal=refusal,
        scope=[labels.get(name, name) for name in legal_request.scope_list], statuses=REQUEST_STATUS_LABELS,
        action=ActionForm())
    return page, status


def _subject(person: Person | None, legal_request: LegalRequest) -> dict:
    """Whom an audit row about the request is about: the account, or a guest by their address."""
    if legal_request.user_id is not None:
        return {"subject_user_id": legal_request.user_id}
    return {"subject_email": person.email if person is not None else None}


def _handled(legal_request: LegalRequest):
    """The page again, refusing a second answer (409): nothing changes."""
    return _request_page(legal_request, _("This request was already handled: nothing was changed."), 409)


@bp.post("/legal/<int:request_id>/answer")
@owner_only
def answer_legal_request(request_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    legal_request = _request_or_404(request_id)
    if legal_request.status != "received":
        return _handled(legal_request)
    person = person_named(legal_request)
    if person is None:
        return _request_page(legal_request, _("The person this request names was erased: there is nothing to "
                                              "release."), 409)
    try:
        legal.answer_request(legal_request, person, staff_id=current_user.id)
    except legal.AlreadyHandled:
        db.session.rollback()
        return _handled(_request_or_404(request_id))
    subject = _subject(person, legal_request)
    audit.record("legal_request", actor_id=current_user.id, detail="legal.answered", **subject)
    audit.record("disclosure", actor_id=current_user.id, detail=legal_request.reference, **subject)
    db.session.commit()
    flash(_("The request is answered and the disclosure recorded. Download the data for the authority below."),
          "success")
    return redirect(url_for("admin.legal_request", request_id=request_id), 303)


@bp.post("/legal/<int:request_id>/refuse")
@owner_only
def refuse_legal_request(request_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    legal_request = _request_or_404(request_id)
    if legal_request.status != "received":
        return _handled(legal_request)
    person = person_named(legal_request)
    try:
        legal.refuse_request(legal_request, staff_id=current_user.id)
    except legal.AlreadyHandled:
        db.session.rollback()
        return _handled(_request_or_404(request_id))
    audit.record("legal_request", actor_id=current_user.id, detail="legal.refused", **_subject(person, legal_request))
    db.session.commit()
    flash(_("The request is refused: nothing was released."), "success")
    return redirect(url_for("admin.legal_request", request_id=request_id), 303)


@bp.get("/legal/<int:request_id>/export.json")
@owner_only
def legal_request_export(request_id: int):
    legal_request = _request_or_404(request_id)
    person = person_named(legal_request)
    if legal_request.status != "answered" or person is None:
        abort(404)
    body = json.dumps({
        "request": {"authority": legal_request.authority, "reference": legal_request.reference,
                    "legal_basis": legal_request.legal_basis, "scope": legal_request.scope_list,
                    "period_from": _iso(legal_request.period_from), "period_to": _iso(legal_request.period_to),
                    "received_at": _iso(legal_request.received_at), "answered_at": _iso(legal_request.answered_at)},
        "data": released_export(legal_request, person),
    }, ensure_ascii=False, indent=2, default=str)
    audit.record("legal_request", actor_id=current_user.id, detail="legal.downloaded",
                 **_subject(person, legal_request))
    db.session.commit()
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="legal-request-{request_id}.json"', "Cache-Control": "no-store"})


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
