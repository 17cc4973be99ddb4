"""Small pieces the views and APIs share: the current user, eager loading, row filters."""

from __future__ import annotations

from flask import current_app
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy.orm import selectinload

from app.security import access
from app.timeutil import today_wita


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
