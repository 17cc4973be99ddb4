"""Small pieces the views and APIs share: the current user, eager loading, row filters."""

from __future__ import annotations

from flask import current_app
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy.orm import selectinload

from app.security import access
from app.timeutil import today_wita


def error_response(api, err):
    """A domain error (status, message, per-field errors) as the API's JSON answer (SPEC §7)."""
    body = {"message": err.message}
    if err.errors:
        body["errors"] = err.errors
    return api.response(err.status, **body)


def current_actor():
    """The logged-in user, from the browser session or the API's JWT."""
    return current_app.appbuilder.sm.current_user


class EagerSQLAInterface(SQLAInterface):
    """SQLAInterface that loads the named relations in one query per relation (no N+1)."""

    def __init__(self, obj, eager: tuple[str, ...] = (), session=None):
        super().__init__(obj, session=session)
        self.eager = eager

    def apply_all(self, query, *args, **kwargs):
        select_columns = kwargs.get("select_columns") or (args[5] if len(args) > 5 else None)
        query = super().apply_all(query, *args, **kwargs)
        # With select_columns (the REST API) FAB joins the relations itself.
        if self.eager and not select_columns:
            query = query.options(*(selectinload(getattr(self.obj, rel)) for rel in self.eager))
        return query


class VisibleRequestsFilter(BaseFilter):
    """Row-level visibility of requests (SPEC §2/§7); FAB applies it to list, show, edit, API."""

    name = "Visible to the current user"
    arg_name = "visible"

    def apply(self, query, value):
        return query.filter(access.request_visibility(current_actor(), today_wita()))


VISIBLE_REQUESTS = [["id", VisibleRequestsFilter, lambda: None]]


def drop_unused_routes(view_class):
    """Turn off FAB routes a view does not use; they answer 500 to names they do not know.

    /download/<filename> serves FAB file columns (we have none); /action and /action_post
    serve @action methods, so they stay only on views that declare one.
    """
    has_actions = any(getattr(getattr(view_class, name, None), "_action", None)
                      for name in dir(view_class))
    unused = {"download"} | (set() if has_actions else {"action", "action_post"})
    view_class.exclude_route_methods = set(view_class.exclude_route_methods) | unused
    return view_class


def guard_actions(app) -> None:
    """FAB's @action routes fetch rows without `base_filters` and crash on unknown ids
    (STYLE.md fact 2). Before any action runs, every id must be a row this user may see."""
    from flask import abort, request

    suffixes = (".action", ".action_post")

    @app.before_request
    def _check_action_rows():
        endpoint = request.endpoint or ""
        if not endpoint.endswith(suffixes):
            return None
        view_name = endpoint.rsplit(".", 1)[0]
        view = next((v for v in app.appbuilder.baseviews
                     if v.__class__.__name__ == view_name), None)
        if view is None or not hasattr(view, "datamodel"):
            return None
        is_post = endpoint.endswith(".action_post")
        name = request.form.get("action") if is_post else (request.view_args or {}).get("name")
        if name not in getattr(view, "actions", {}):
            abort(404)
        permission = view.get_action_permission_name(name)
        if not app.appbuilder.sm.has_access(permission, view.class_permission_name):
            # FAB would flash and redirect; answer plainly instead.
            from flask_login import current_user

            if not current_user.is_authenticated:
                from flask import redirect, url_for

                return redirect(url_for(app.appbuilder.sm.auth_view.endpoint + ".login"))
            abort(403)
        ids = (request.form.getlist("rowid") if is_post
               else [(request.view_args or {}).get("pk")])
        if not ids or any(view.datamodel.get(pk, view._base_filters) is None for pk in ids):
            abort(404)
        return None
