"""Every admin URL, each of its methods, is in one of the access matrices (so none escapes the role checks)."""

import importlib
from collections import defaultdict

from werkzeug.exceptions import HTTPException

MATRICES = ("test_access", "test_catalogue_access", "test_orders_access", "test_support_access",
            "test_customers_access")


def routes_in_matrices(app) -> set[tuple[str, str]]:
    adapter = app.url_map.bind("localhost")
    tested = set()
    for module_name in MATRICES:
        module = importlib.import_module(f"tests.admin.{module_name}")
        for method, template, _data in module.REQUESTS.values():
            path = template.format_map(defaultdict(lambda: "1", lang="en")).split("?")[0]
            try:
                endpoint, _args = adapter.match(path, method=method)
            except HTTPException as error:  # a matrix entry that names no route is a mistake too
                raise AssertionError(f"{module_name}: {method} {template} matches no route ({error})") from None
            tested.add((endpoint, method))
    return tested


def admin_routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_admin_route_and_method_is_in_an_access_matrix(app):
    routes = admin_routes(app)
    assert len(routes) > 20  # the areas are registered: a broken import would leave few
    missing = routes - routes_in_matrices(app)
    assert not missing, f"admin routes without an access-matrix entry: {sorted(missing)}"
