"""The admin area: every view is for staff and the owner only; some for the owner alone."""

import functools
from decimal import Decimal
from datetime import datetime, time, timezone

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from storefront.account import services as accounts
from storefront.account.models import User
from storefront.admin import stats
from storefront.admin.forms import ActionForm, AuditFilterForm, GrantStaffForm, PolicyForm
from storefront.cart.models import Order
from storefront.catalog.models import Product
from storefront.catalog.services import LOW_STOCK
from storefront.extensions import db, login_manager
from storefront.database import parse_page, utcnow
from storefront.i18n import LANG_PREFIX, LANGUAGES
from storefront.policy.services import policy_values
from storefront.privacy import policy as policy_service
from storefront.privacy import audit
from storefront.privacy.disclosures import disclose
from storefront.privacy.legal import LegalRequest
from storefront.support.models import SupportTicket

bp = Blueprint("admin", __name__, template_folder="templates", url_prefix=f"{LANG_PREFIX}/admin")
PER_PAGE = 50


@bp.before_request
def staff_only():
    """Checked before every admin view, GET and POST: anonymous → sign-in, customers → 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_staff:
        abort(403)
    return None


@bp.after_request
def private(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def owner_only(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if current_user.role != "owner":
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.get("/")
def dashboard():
    """What is waiting: orders to ship, customers to answer, products running out, requests to answer."""
    def count(model, *conditions) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*conditions))

    return render_template(
        "admin/dashboard.html",
        to_ship=count(Order, Order.status == "paid"),
        open_tickets=count(SupportTicket, SupportTicket.status == "open"),
        low_stock=count(Product, Product.is_active.is_(True), Product.stock <= LOW_STOCK),
        low_stock_limit=LOW_STOCK,
        open_requests=count(LegalRequest, LegalRequest.status == "received"),
    )


# Staff (owner only) ---------------------------------------------------------------------------------


@bp.route("/staff", methods=["GET", "POST"])
@owner_only
def staff():
    form = GrantStaffForm()
    if form.validate_on_submit():
        try:
            user = accounts.grant_staff(form.email.data)
        except accounts.RoleError as error:
            form.email.errors.append(str(error))
        else:
            audit.record("role.grant", actor_id=current_user.id, subject_user_id=user.id, detail="staff")
            db.session.commit()
            flash(_("%(email)s is now staff.", email=user.email), "success")
            return redirect(url_for("admin.staff"), 303)
    page = render_template("admin/staff.html", form=form, members=accounts.staff_members(), revoke=ActionForm())
    return page, 422 if form.is_submitted() else 200


@bp.post("/staff/<int:user_id>/revoke")
@owner_only
def revoke_staff(user_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        user = accounts.revoke_staff(user_id)
    except accounts.RoleError:
        abort(404)
    audit.record("role.revoke", actor_id=current_user.id, subject_user_id=user.id, detail="staff")
    db.session.commit()
    flash(_("%(email)s is no longer staff.", email=user.email), "success")
    return redirect(url_for("admin.staff"), 303)


# The audit log (owner only) ---------------------------------------------------------------------------


@bp.get("/audit")
@owner_only
def audit_log():
    form = AuditFilterForm(request.args)
    form.fill_choices(accounts.staff_members())
    form.validate()  # a malformed date shows its error beside the field and is left out of the filter
    listing = audit.search(action=form.action_key(), actor_id=form.actor_id(), day_from=form.day_from.data,
                           day_to=form.day_to.data, page=parse_page(request.args.get("page")), per_page=PER_PAGE)
    people = _emails({e.actor_id for e in listing.items} | {e.subject_user_id for e in listing.items})
    args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template("admin/audit.html", form=form, listing=listing, args=args, people=people,
                           actions=audit.ACTIONS, details=audit.DETAIL_LABELS)


def _emails(user_ids) -> dict[int, str]:
    ids = [i for i in user_ids if i is not None]
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.email).where(User.id.in_(ids))).all())


# The privacy policy (owner only) -------------------------------------------------------------------------


@bp.route("/policy", methods=["GET", "POST"])
@owner_only
def policy():
    current = policy_service.current_version()
    form = PolicyForm()
    if request.method == "GET" and current is not None:
        for code in LANGUAGES:
            getattr(form, f"body_{code}").data = current.text(code).body
    preview = None
    if form.validate_on_submit():
        texts = {code: {"body": getattr(form, f"body_{code}").data, "summary": getattr(form, f"summary_{code}").data}
                 for code in LANGUAGES}
        effective_at = _effective_at(form.effective.data)
        if request.form.get("action") == "publish":
            try:
                version = policy_service.publish_version(texts, material=form.material.data, effective_at=effective_at)
            except policy_service.PolicyError as error:
                _attach_errors(form, error.errors)
            else:
                audit.record("policy.publish", actor_id=current_user.id, detail=str(version.number))
                db.session.commit()
                flash(_("Version %(number)d of the privacy policy is published.", number=version.number), "success")
                return redirect(url_for("admin.policy"), 303)
        elif errors := policy_service.check_texts(texts):  # what publishing would refuse, shown now
            _attach_errors(form, errors)
        else:
            preview = _preview(current, texts)
    status = 422 if form.errors else 200
    page = render_template("admin/policy.html", form=form, current=current, preview=preview,
                           versions=policy_service.all_versions())
    return page, status


def _effective_at(day):
    if day is None or day == utcnow().date():
        return None  # today: from now on
    return datetime.combine(day, time.min, timezone.utc)  # a past day is refused by the service


def _attach_errors(form: PolicyForm, errors: dict) -> None:
    for name, message in errors.items():
        field = getattr(form, name if name != "effective_at" else "effective", None)
        if field is not None:
            field.errors = [*field.errors, message]


def _preview(current, texts: dict) -> dict:
    """Per language: the new text rendered and what changed against the version in force."""
    preview = {}
    for code in LANGUAGES:
        draft = policy_service.PolicyText(locale=code, body=texts[code]["body"], summary=texts[code]["summary"])
        values = policy_values(code)
        preview[code] = {
            "changes": policy_service.diff_texts(current.text(code), draft, values) if current else [],
            "summary": policy_service.summary_html(draft),
        }
    return preview


# Statistics (staff) and the advertising partners' export (owner) -------------------------------------------


@bp.get("/stats")
def statistics():
    try:
        day_from, day_to = stats.parse_range(request.args.get("from"), request.args.get("to"), utcnow().date())
        refused = False
    except stats.BadRange:
        day_from, day_to = stats.parse_range(None, None, utcnow().date())
        refused = True
    pages = stats.page_rows(day_from, day_to)
    orders = stats.order_days(day_from, day_to)
    views = stats.daily_views(pages, day_from, day_to)
    order_counts = {day.day: day.orders for day in orders}
    days = [day for day, _views in views]
    return render_template(
        "admin/stats.html", day_from=day_from, day_to=day_to, refused=refused,
        views_chart=stats.chart(views), orders_chart=stats.chart([(d, order_counts.get(d, 0)) for d in days]),
        top_pages=stats.top_pages(pages), orders=orders, top_products=stats.top_products(day_from, day_to),
        total_views=sum(v for _d, v in views), total_orders=sum(o.orders for o in orders),
        total_revenue=sum((o.total for o in orders), Decimal("0")),
    ), 400 if refused else 200


@bp.get("/stats/export.csv")
@owner_only
def partner_export():
    kind = request.args.get("kind", "pages")
    if kind not in stats.FIELDS:
        abort(400)
    try:
        day_from, day_to = stats.parse_range(request.args.get("from"), request.args.get("to"), utcnow().date())
    except stats.BadRange:
        abort(400)
    body = stats.partner_csv(kind, day_from, day_to)
    reference = f"{kind} {day_from.isoformat()}..{day_to.isoformat()}"
    disclose("advertising_partner", stats.FIELDS[kind], recipient_name=stats.PARTNERS, reference=reference,
             staff_id=current_user.id)
    audit.record("export", actor_id=current_user.id, detail=reference)
    db.session.commit()
    filename = f"{kind}-{day_from.isoformat()}-{day_to.isoformat()}.csv"
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Content-Type": "text/csv; charset=utf-8"})
