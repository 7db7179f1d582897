"""Policy pages: the privacy policy and its versions, consent settings, my-data, transparency; and
the terms of sale, shipping and returns."""

from flask import Blueprint, abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from storefront.database import utcnow
from storefront.extensions import db, limiter
from storefront.i18n import LANG_PREFIX, money, request_language, safe_next
from storefront.payments.processors import processor_display_name
from storefront.policy import tracking
from storefront.policy.forms import ConsentForm, NextForm
from storefront.policy.services import LANGUAGE_NAMES, idle_minutes, policy_values
from storefront.privacy import consent as ledger
from storefront.privacy import legal, visits
from storefront.privacy.policy import (
    PolicyVersion,
    acknowledge as record_acknowledgement, all_versions, current_version, diff_texts, get_version,
    needs_acknowledgement, render_text, summary_html,
)

bp = Blueprint("policy", __name__, template_folder="templates", url_prefix=LANG_PREFIX)

STATIC_PAGES = {
    "terms": _l("Terms of sale"),
    "shipping": _l("Shipping"),
    "returns": _l("Returns and warranty"),
}

bp.after_app_request(tracking.count_page_view)


@bp.app_context_processor
def privacy_globals():
    return {"consent_banner": consent_banner, "policy_reminder": policy_reminder,
            "policy_state": tracking.current_policy_state, "policy_summary": summary_html,
            "language_name": lambda code: LANGUAGE_NAMES.get(code, code)}


def consent_banner() -> bool:
    """Show the banner: no decision that still counts, no GPC/DNT signal, not on the settings page."""
    return request.endpoint != "policy.consent" and tracking.consent_state().show_banner


def policy_reminder() -> bool:
    """A signed-in customer has not yet acknowledged the newest material version."""
    if not current_user.is_authenticated:
        return False
    if "policy_reminder" not in g:
        g.policy_reminder = needs_acknowledgement(current_user.id, current_user.created_at,
                                                  tracking.current_policy_state())
    return g.policy_reminder


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


# The privacy policy -------------------------------------------------------------------------------


@bp.get("/privacy")
def privacy():
    version = current_version()
    if version is None:
        abort(404)
    return _policy_page(version, in_force=True)


@bp.get("/privacy/versions")
def versions():
    return render_template("policy/versions.html", versions=all_versions(), lang=request_language(),
                           current=tracking.current_policy_state().current)


MAX_VERSION = 2**31 - 1  # beyond any column's integer: no such version, and no overflow to ask about


def _version_or_none(number: int):
    return get_version(number) if 0 < number <= MAX_VERSION else None


@bp.get("/privacy/versions/<int:number>")
def version(number: int):
    shown = _version_or_none(number)
    if shown is None:
        abort(404)
    diff_arg = request.args.get("diff")
    if diff_arg is None:
        return _policy_page(shown, in_force=shown.number == tracking.current_policy_state().current)
    other = _version_or_none(int(diff_arg)) if diff_arg.isascii() and diff_arg.isdigit() and len(diff_arg) < 12 else None
    if other is None:
        abort(404)
    lang = request_language()
    older, newer = sorted((other, shown), key=lambda v: v.number)
    changes = diff_texts(older.text(lang), newer.text(lang), policy_values(lang))
    return render_template("policy/diff.html", older=older, newer=newer, changes=changes, lang=lang)


def _other_numbers(version) -> list[int]:
    """The versions a page can be compared with: every other published number."""
    return [n for n in db.session.scalars(select(PolicyVersion.number).order_by(PolicyVersion.number.desc()))
            if n != version.number]


def _policy_page(version, *, in_force: bool):
    lang = request_language()
    text = version.text(lang)
    prevailing = current_app.config["PREVAILING_LOCALE"]
    return render_template(
        "policy/privacy.html", version=version, text=text, body=render_text(text, policy_values(text.locale)),
        in_force=in_force, upcoming=version.effective_at > utcnow(), others=_other_numbers(version), prevailing=prevailing, show_prevailing_notice=lang != prevailing,
        ack_form=NextForm(next=request.full_path.rstrip("?")) if in_force and policy_reminder() else None,
    )


@bp.post("/privacy/acknowledge")
def acknowledge():
    form = NextForm()
    if not current_user.is_authenticated:
        abort(403)
    if not form.validate_on_submit():
        abort(400)
    if record_acknowledgement(current_user.id, tracking.current_policy_state()):
        db.session.commit()
    flash(_("Thank you: you have acknowledged the current privacy policy."), "success")
    return redirect(safe_next(form.next.data, url_for("policy.privacy")), 303)


# Consent -------------------------------------------------------------------------------------------


# Per client address: a person changes their mind a few times; a script filling the ledger stops here.
DECISION_LIMIT = "60 per hour"


@bp.route("/privacy/consent", methods=["GET", "POST"])
@limiter.limit(DECISION_LIMIT, methods=["POST"])
def consent():
    state = tracking.consent_state()
    form = ConsentForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"), "")
        if state.decided:
            form.analytics.data = "yes" if state.analytics else "no"
    elif form.validate_on_submit():
        return _decide(form, state)
    page = render_template("policy/consent.html", form=form, state=state, idle_minutes=idle_minutes(),
                           record=visits.visit_record(tracking.visitor_token()))
    return _no_store(current_app.make_response((page, 422 if form.is_submitted() else 200)))


def _decide(form: ConsentForm, state: tracking.ConsentState):
    analytics = form.analytics.data == "yes"
    policy = tracking.current_policy_state()
    consent_id = state.consent_id or tracking.new_consent_id()
    entry = _record(consent_id, analytics, "banner" if form.source.data == "banner" else "settings")
    db.session.commit()
    if analytics:
        flash(_("Thank you. We will record your visits; you can change this at any time."), "success")
    else:
        flash(_("We will not record your visits. You can change this at any time."), "success")
    response = redirect(safe_next(form.next.data, url_for("policy.consent")), 303)
    tracking.set_decision(response, consent_id=consent_id, analytics=analytics, version=policy.current,
                          decided_at=entry.created_at)
    return response


def _record(consent_id: str | None, analytics: bool | None, source: str):
    return ledger.record_decision(
        visitor=consent_id, analytics=analytics, visitor_token=tracking.visitor_token(),
        policy_version=tracking.current_policy_state().current, shown_language=request_language(),
        prevailing_language=current_app.config["PREVAILING_LOCALE"], source=source,
        user_id=current_user.id if current_user.is_authenticated else None,
    )


# What we know about this browser ------------------------------------------------------------------


def _my_data(record) -> dict:
    state = tracking.consent_state()
    decided = state.decided
    return {
        "consent": {
            "analytics": state.effective,
            "policy_version": state.version if decided else None,
            "decided_at": visits.iso_utc(state.decided_at) if decided else None,
        },
        "visitor": visits.as_dict(record),
    }


@bp.get("/privacy/my-data")
def my_data():
    record = visits.visit_record(tracking.visitor_token())
    page = render_template("policy/my_data.html", data=_my_data(record), record=record,
                           state=tracking.consent_state(), form=NextForm())
    return _no_store(current_app.make_response(page))


@bp.get("/privacy/my-data.json")
def my_data_json():
    return _no_store(jsonify(_my_data(visits.visit_record(tracking.visitor_token()))))


@bp.post("/privacy/forget")
@limiter.limit(DECISION_LIMIT)
def forget():
    form = NextForm()
    if not form.validate_on_submit():
        abort(400)
    _record(tracking.consent_state().consent_id, None, "forget")
    db.session.commit()
    flash(_("This browser's visit record is deleted and your privacy choice is reset."), "success")
    response = redirect(url_for("policy.my_data"), 303)
    tracking.forget_decision(response)
    return response


@bp.get("/privacy/transparency")
def transparency():
    return render_template("policy/transparency.html", years=legal.yearly_counts())


# Terms, shipping, returns ----------------------------------------------------------------------------


def _static_page(name: str):
    config = current_app.config
    return render_template(
        f"policy/{name}_{request_language()}.html",
        page_title=STATIC_PAGES[name],
        shop_name=config["SHOP_NAME"],
        shop_email=config["SHOP_EMAIL"],
        shop_address=config["SHOP_ADDRESS"],
        shipping_flat=money(config["SHIPPING_FLAT"]),
        free_shipping_from=money(config["FREE_SHIPPING_FROM"]),
        logistics_company=config["LOGISTICS_COMPANY"],
        payment_processor=processor_display_name(),
        # The contact form (#6) lives at this contract URL.
        contact_url=f"/{request_language()}/contact",
        privacy_url=url_for("policy.privacy"),
    )


@bp.get("/terms")
def terms():
    return _static_page("terms")


@bp.get("/shipping")
def shipping():
    return _static_page("shipping")


@bp.get("/returns")
def returns():
    return _static_page("returns")
