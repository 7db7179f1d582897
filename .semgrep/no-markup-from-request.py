import nh3
from flask import Blueprint, render_template, render_template_string, request
from markupsafe import Markup, escape

bp = Blueprint("shop", __name__)


@bp.get("/a")
def search_echo():
    # ruleid: no-markup-from-request
    return render_template("search.html", heading=Markup(request.args.get("q", "")))


@bp.post("/b")
def preview():
    body = request.form["body"]
    # ruleid: no-markup-from-request
    return render_template("preview.html", body=Markup(f"<p>{body}</p>"))


@bp.get("/c")
def greeting():
    name = request.cookies.get("name", "")
    # ruleid: no-markup-from-request
    return render_template_string("<h1>Hello " + name + "</h1>")


@bp.post("/d")
def from_json():
    # ruleid: no-markup-from-request
    return render_template("x.html", note=Markup(request.get_json()["note"]))


@bp.get("/e")
def header_echo():
    # ruleid: no-markup-from-request
    return render_template("x.html", agent=Markup(request.headers.get("User-Agent")))


@bp.get("/ok1")
def escaped_first():
    # ok: no-markup-from-request
    return render_template("x.html", q=Markup("<b>{}</b>").format(request.args.get("q", "")))


@bp.get("/ok2")
def escaped_by_hand():
    # ok: no-markup-from-request
    return render_template("x.html", q=Markup("<b>" + escape(request.args.get("q", "")) + "</b>"))


@bp.post("/ok3")
def cleaned_by_nh3():
    # ok: no-markup-from-request
    return render_template("x.html", body=Markup(nh3.clean(request.form["body"], tags={"p", "em"})))


@bp.get("/ok4")
def values_for_a_fixed_template():
    # ok: no-markup-from-request
    return render_template_string("<h1>{{ q }}</h1>", q=request.args.get("q", ""))
