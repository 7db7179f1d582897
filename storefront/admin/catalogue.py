"""Admin: the catalogue: products (texts in both languages, images, stock, archive) and categories."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from storefront.admin.catalogue_forms import CategoryForm, ImageForm, MoveForm, ProductFilterForm, ProductForm
from storefront.admin.forms import ActionForm
from storefront.account.services import MAX_ID
from storefront.admin.views import bp
from storefront.cart.services import was_ordered
from storefront.catalog import images, services
from storefront.database import parse_page
from storefront.extensions import db
from storefront.requests import body_limit

PRODUCTS_PER_PAGE = 25

# The shop's product page renders descriptions with this filter. It belongs with the catalog
# blueprint; it is registered here until catalog/views.py takes it over (issue #6).


# Products ----------------------------------------------------------------------------------------------


@bp.get("/products")
def products():
    form = ProductFilterForm(request.args)
    form.fill_choices(services.list_all_categories())
    listing = services.list_products_for_staff(
        query=form.q.data or "", category_id=form.category_id(), status=form.status_key(),
        low_stock=bool(form.low_stock.data), page=parse_page(request.args.get("page")), per_page=PRODUCTS_PER_PAGE)
    missing = {product.id: services.missing_languages(product) for product in listing.items}
    args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template("admin/products.html", form=form, listing=listing, missing=missing, args=args,
                           low_stock=services.LOW_STOCK)


@bp.route("/products/new", methods=["GET", "POST"])
def new_product():
    form = ProductForm(data=ProductForm.values_of(None))
    form.fill_choices(services.list_all_categories())
    if form.validate_on_submit():
        data = form.to_data()
        product = _saved(form, lambda: services.save_product(None, data),
                         lambda: services.find_product_clashes(data, None))
        if product is not None:
            flash(_("The product is saved. You can add pictures now."), "success")
            return redirect(url_for("admin.edit_product", product_id=product.id), 303)
    page = render_template("admin/product_form.html", form=form, product=None)
    return page, 422 if form.is_submitted() else 200


@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
def edit_product(product_id: int):
    product = _product_or_404(product_id)
    form = ProductForm(data=ProductForm.values_of(product))
    form.fill_choices(services.list_all_categories())
    if form.validate_on_submit():
        data = form.to_data()
        if _saved(form, lambda: services.save_product(product, data),
                  lambda: services.find_product_clashes(data, product_id)) is not None:
            flash(_("The product is saved."), "success")
            return redirect(url_for("admin.edit_product", product_id=product_id), 303)
        product = _product_or_404(product_id)  # the failed save expired it
    return _edit_page(product, form=form), 422 if form.is_submitted() else 200


@bp.post("/products/<int:product_id>/images")
@body_limit(images.MAX_REQUEST_BYTES)  # from the first read of the body, the CSRF check's included
def upload_image(product_id: int):
    product = _product_or_404(product_id)
    form = ImageForm()
    if form.validate_on_submit():
        try:
            stored = images.add_picture(product, form.image.data.stream, current_app.config["UPLOAD_DIR"])
        except images.TooLarge:
            abort(413)
        except images.ImageRejected as error:
            form.image.errors = [*form.image.errors, str(error)]
        else:
            _commit_or_remove(images.stored_files(stored))
            flash(_("The picture is added."), "success")
            return redirect(url_for("admin.edit_product", product_id=product_id, _anchor="pictures"), 303)
    return _edit_page(product, image_form=form), 422


@bp.post("/products/<int:product_id>/images/<int:image_id>/move")
def move_image(product_id: int, image_id: int):
    direction = _direction_or_400()
    product = _product_or_404(product_id)
    _id_or_404(image_id)
    try:
        images.move_picture(product, image_id, direction)
    except services.NotFound:
        abort(404)
    db.session.commit()
    return redirect(url_for("admin.edit_product", product_id=product_id, _anchor="pictures"), 303)


@bp.post("/products/<int:product_id>/images/<int:image_id>/delete")
def delete_image(product_id: int, image_id: int):
    _action_or_400()
    product = _product_or_404(product_id)
    _id_or_404(image_id)
    try:
        names = images.delete_picture(product, image_id)
    except services.NotFound:
        abort(404)
    db.session.commit()
    images.remove_files(names, current_app.config["UPLOAD_DIR"])
    flash(_("The picture is deleted."), "success")
    return redirect(url_for("admin.edit_product", product_id=product_id, _anchor="pictures"), 303)


@bp.post("/products/<int:product_id>/archive")
def archive_product(product_id: int):
    _action_or_400()
    services.archive_product(_product_or_404(product_id))
    db.session.commit()
    flash(_("The product is archived: it has left the shop, and orders still show it."), "success")
    return redirect(url_for("admin.edit_product", product_id=product_id), 303)


@bp.post("/products/<int:product_id>/restore")
def restore_product(product_id: int):
    _action_or_400()
    services.restore_product(_product_or_404(product_id))
    db.session.commit()
    flash(_("The product is restored. It stays hidden from the shop until you make it active."), "success")
    return redirect(url_for("admin.edit_product", product_id=product_id), 303)


@bp.post("/products/<int:product_id>/delete")
def delete_product(product_id: int):
    _action_or_400()
    product = _product_or_404(product_id)
    if was_ordered(product_id):
        refusal = _("This product has been ordered, so it cannot be deleted. Archive it instead.")
        return _edit_page(product, refusal=refusal), 409
    names = services.delete_product(product)
    db.session.commit()
    images.remove_files(names, current_app.config["UPLOAD_DIR"])
    flash(_("The product is deleted."), "success")
    return redirect(url_for("admin.products"), 303)


def _edit_page(product, *, form=None, image_form=None, refusal=None) -> str:
    if form is None:
        form = ProductForm(formdata=None, data=ProductForm.values_of(product))
        form.fill_choices(services.list_all_categories())
    previews = {code: services.description_html(row.description)
                for code, row in product.translations.items() if row.description}
    return render_template(
        "admin/product_form.html", product=product, form=form, image_form=image_form or ImageForm(formdata=None),
        action=ActionForm(formdata=None), previews=previews, ordered=was_ordered(product.id),
        missing=services.missing_languages(product), refusal=refusal)



def _product_or_404(product_id: int):
    _id_or_404(product_id)
    try:
        return services.get_any_product(product_id)
    except services.NotFound:
        abort(404)


def _commit_or_remove(names: list[str]) -> None:
    """Commit the new picture's row; if that fails, its files must not stay behind."""
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        images.remove_files(names, current_app.config["UPLOAD_DIR"])
        raise


# Categories ---------------------------------------------------------------------------------------------


@bp.get("/categories")
def categories():
    return _categories_page()


@bp.route("/categories/new", methods=["GET", "POST"])
def new_category():
    form = CategoryForm(data=CategoryForm.values_of(None))
    if form.validate_on_submit():
        data = form.to_data()
        if _saved(form, lambda: services.save_category(None, data),
                  lambda: services.find_category_clashes(data, None)) is not None:
            flash(_("The category is saved."), "success")
            return redirect(url_for("admin.categories"), 303)
    page = render_template("admin/category_form.html", form=form, category=None)
    return page, 422 if form.is_submitted() else 200


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
def edit_category(category_id: int):
    category = _category_or_404(category_id)
    form = CategoryForm(data=CategoryForm.values_of(category))
    if form.validate_on_submit():
        data = form.to_data()
        if _saved(form, lambda: services.save_category(category, data),
                  lambda: services.find_category_clashes(data, category_id)) is not None:
            flash(_("The category is saved."), "success")
            return redirect(url_for("admin.categories"), 303)
        category = _category_or_404(category_id)
    page = render_template("admin/category_form.html", form=form, category=category)
    return page, 422 if form.is_submitted() else 200


@bp.post("/categories/<int:category_id>/move")
def move_category(category_id: int):
    direction = _direction_or_400()
    services.move_category(_category_or_404(category_id), direction)
    db.session.commit()
    return redirect(url_for("admin.categories"), 303)


@bp.post("/categories/<int:category_id>/delete")
def delete_category(category_id: int):
    _action_or_400()
    try:
        services.delete_category(_category_or_404(category_id))
    except services.InUse as refusal:
        return _categories_page(refusal=str(refusal)), 409
    db.session.commit()
    flash(_("The category is deleted."), "success")
    return redirect(url_for("admin.categories"), 303)


def _categories_page(refusal: str | None = None) -> str:
    return render_template("admin/categories.html", categories=services.list_all_categories(),
                           counts=services.category_product_counts(), action=ActionForm(formdata=None),
                           refusal=refusal)


def _category_or_404(category_id: int):
    _id_or_404(category_id)
    try:
        return services.get_any_category(category_id)
    except services.NotFound:
        abort(404)


# Shared -------------------------------------------------------------------------------------------------


def _saved(form, save, find_clashes):
    """Run save() and commit; the saved row, or None with the refusal shown beside the form's fields.

    A slug or SKU taken by another request between the check and the write fails the write
    (IntegrityError): the transaction is rolled back and the clash found again to be shown.
    """
    try:
        saved = save()
        db.session.commit()
        return saved
    except services.EditError as error:
        db.session.rollback()
        form.add_errors(error.errors)
    except IntegrityError:
        db.session.rollback()
        form.add_errors(find_clashes() or {"slug": services.RACED})
    return None


def _id_or_404(row_id: int) -> None:
    """An id from the URL beyond any INTEGER column is simply not found (never an overflow and a 500)."""
    if not 0 < row_id < MAX_ID:
        abort(404)


def _action_or_400() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


def _direction_or_400() -> str:
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    return form.direction.data
