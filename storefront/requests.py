"""The application's request class: a view may declare a lower body size limit of its own.

Flask-WTF's CSRF check reads the form in an app-level before_request, ahead of the blueprint's hooks
and the view, so a limit set there comes too late: the body has been read under the global
MAX_CONTENT_LENGTH. This class looks the view's limit up from the matched endpoint, so it holds
from the first read of the body, whoever reads it.
"""

from collections.abc import Callable
from typing import TypeVar

from flask import Request as FlaskRequest
from flask import current_app

View = TypeVar("View", bound=Callable)


def body_limit(max_bytes: int) -> Callable[[View], View]:
    """Decorate a view (below its route decorator) to accept bodies of at most max_bytes."""

    def declare(view: View) -> View:
        view.max_content_length = max_bytes
        return view

    return declare


class Request(FlaskRequest):
    @property
    def max_content_length(self) -> int | None:
        """The limit set on this request, else the view's own (never above the app's), else the app's."""
        if self._max_content_length is not None or not current_app or self.url_rule is None:
            return super().max_content_length
        view = current_app.view_functions.get(self.url_rule.endpoint)
        own = getattr(view, "max_content_length", None)
        app_wide = super().max_content_length
        if own is None:
            return app_wide
        return own if app_wide is None else min(own, app_wide)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value
