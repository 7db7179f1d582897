"""The account blueprint: one `bp` for the pages in auth, profile, addresses and privacy."""

from flask import Blueprint, render_template

from storefront.i18n import LANG_PREFIX

bp = Blueprint("account", __name__, template_folder="../templates", url_prefix=f"{LANG_PREFIX}/account")


@bp.after_request
def never_cache(response):
    # Account pages show personal data: no browser or proxy may keep a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


def show_form(template: str, form, **context):
    """The page with its form: 422 when the form was submitted and refused, else 200."""
    return render_template(template, form=form, **context), 422 if form.is_submitted() else 200
