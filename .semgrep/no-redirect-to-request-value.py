from flask import Blueprint, redirect, request, url_for

from storefront.i18n import safe_next

bp = Blueprint("shop", __name__)


@bp.get("/a")
def straight_from_the_query():
    # ruleid: no-redirect-to-request-value
    return redirect(request.args.get("next"))


@bp.post("/b")
def straight_from_the_form():
    # ruleid: no-redirect-to-request-value
    return redirect(request.form["next"], 303)


@bp.get("/c")
def from_values():
    # ruleid: no-redirect-to-request-value
    return redirect(request.values.get("to", "/"))


@bp.get("/d")
def back_to_the_referrer():
    # ruleid: no-redirect-to-request-value
    return redirect(request.referrer or "/")


@bp.get("/e")
def through_a_variable():
    target = request.args.get("next", "")
    if not target:
        target = "/"
    # ruleid: no-redirect-to-request-value
    return redirect(target)


@bp.get("/f")
def through_an_f_string():
    lang = request.args["lang"]
    # ruleid: no-redirect-to-request-value
    return redirect(f"/{lang}/")


@bp.post("/g")
def from_a_form_field(form):
    # ruleid: no-redirect-to-request-value
    return redirect(form.next.data)


@bp.get("/h")
def through_a_location_header(response):
    # ruleid: no-redirect-to-request-value
    response.headers["Location"] = request.args["next"]
    return response


@bp.get("/ok1")
def checked_same_site():
    # ok: no-redirect-to-request-value
    return redirect(safe_next(request.args.get("next"), url_for("shop.straight_from_the_query")))


@bp.post("/ok2")
def checked_through_a_variable(form):
    target = safe_next(form.next.data, "/")
    # ok: no-redirect-to-request-value
    return redirect(target, 303)


@bp.get("/ok3")
def built_by_url_for():
    # ok: no-redirect-to-request-value
    return redirect(url_for("shop.from_values", page=request.args.get("page")))


@bp.get("/ok4")
def a_fixed_address():
    # ok: no-redirect-to-request-value
    return redirect("/en/", 302)
