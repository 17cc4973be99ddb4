"""Small pieces the views and APIs share: the current user, eager loading, row filters."""

from __future__ import annotations

from flask import current_app, request
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import and_, case, func, or_
from sqlalchemy.orm import joinedload, selectinload

from app.requests import tally
from app.requests.search import ColumnFilters, SearchFilterConverter
from app.security import access
from app.security import roles as R
from app.timeutil import today_wita
from app.workflow import relations


def error_response(api, err):
    """A domain error (status, message, per-field errors) as the API's JSON answer (SPEC §7)."""
    body = {"message": err.message}
    if err.errors:
        body["errors"] = err.errors
    return api.response(err.status, **body)


class CheckedWritesMixin:
    """For a ModelRestApi: POST and PUT answer 404, 403/409 (an edit this user may not make)
    or 400 with a message per field in Indonesian before FAB writes anything."""

    def write_errors(self, data, item) -> dict[str, list[str]]:
        """Per-field problems of a create (`item` None) or an edit of `item`."""
        return {}

    def edit_refusal(self, item) -> tuple[int, str] | None:
        """(status, message) when this user may not edit `item` at all."""
        return None

    def post_headless(self):
        errors = self.write_errors(request.get_json(silent=True), None)
        if errors:
            return self.response_400(message=errors)
        return super().post_headless()

    def put_headless(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return self.response_404()
        refusal = self.edit_refusal(item)
        if refusal:
            return self.response(refusal[0], message=refusal[1])
        errors = self.write_errors(request.get_json(silent=True), item)
        if errors:
            return self.response_400(message=errors)
        return super().put_headless(pk)


def current_actor():
    """The logged-in user, from the browser session or the API's JWT."""
    return current_app.appbuilder.sm.current_user


class EagerSQLAInterface(SQLAInterface):
    """FAB's SQLAInterface, with the list queries a big table needs.

    - A page is found from the indexes first (its ids, in a subquery), then only its rows
      are read, with the relations named in `eager`: many-to-one ones joined into the same
      statement, others in one statement per relation (no query per row).
    - The COUNT of a whole kind, or of one state, for a user who sees every request comes
      from the tally the database keeps (tally.py); any other COUNT runs over the filtered
      table alone, without the joins of the API's dotted columns (all many-to-one, so they
      cannot change the count).
    - "Contains" on a request's number or title is answered by a trigram index (search.py).
    - A page past the middle is read from the other end: the order is reversed (FAB adds the
      primary key as a tie-breaker, so the order is total and NULLs flip with it on SQLite
      and PostgreSQL), the offset counted from the end, and the rows turned back. The last
      page costs what the first does instead of reading every row before it.
    """

    filter_converter_class = SearchFilterConverter

    def __init__(self, obj, eager: tuple[str, ...] = (), session=None):
        super().__init__(obj, session=session)
        self.eager = eager

    def get_filters(self, search_columns=None, search_filters=None):
        return ColumnFilters(self.filter_converter_class, self,
                             search_columns=search_columns or [], search_filters=search_filters)

    def apply_all(self, query, *args, **kwargs):
        select_columns = kwargs.get("select_columns") or (args[5] if len(args) > 5 else None)
        query = super().apply_all(query, *args, **kwargs)
        # With select_columns (the REST API) FAB joins the relations itself.
        return query if select_columns else self._with_eager(query)

    def _with_eager(self, query):
        if not self.eager:
            return query
        return query.options(*(
            joinedload(getattr(self.obj, rel)) if self.is_relation_many_to_one(rel)
            else selectinload(getattr(self.obj, rel))
            for rel in self.eager
        ))

    def query_count(self, query, filters=None, select_columns=None) -> int:
        tallied = self._tallied_count(filters)
        if tallied is not None:
            return tallied
        counted = self.session.query(func.count()).select_from(self.obj)
        return self.apply_filters(counted, filters).scalar()

    def _tallied_count(self, filters) -> int | None:
        """The count from the request tally (tally.py), when the list is a kind of request
        seen whole, or filtered by state equality only; None when it must be counted.

        A see-all user sees every submitted request and their own drafts (SPEC §2): the
        tally gives the first (less the drafts others cancelled unsent), the open-requests
        index counts the second."""
        kind = self.obj.__mapper__.polymorphic_identity
        user = current_actor()
        if kind is None or not access.role_names(user) & R.SEE_ALL_REQUESTS:
            return None
        status = None
        pairs = zip(filters.filters, filters.values, strict=True) if filters else ()
        for flt, value in pairs:
            if isinstance(flt, VisibleRequestsFilter):
                continue  # submitted or own, counted below
            if isinstance(value, list) and len(value) == 1:  # FAB keeps URL values in lists
                value = value[0]
            if (type(flt) is FilterEqual and flt.column_name == "status"
                    and isinstance(value, str) and status is None):
                status = value
                continue
            return None
        if status not in (None, "draft", "cancelled"):
            return tally.count(kind, status)
        # What the tally cannot tell, in one statement: this user's drafts, and the drafts
        # others cancelled before ever submitting them (theirs alone as well).
        model = self.obj
        mine = and_(model.status == "draft", model.requester_id == user.id)
        unsent = and_(model.status == "cancelled", model.submitted_at.is_(None),
                      model.requester_id != user.id)
        own_drafts, others_unsent = self.session.query(
            func.coalesce(func.sum(case((mine, 1), else_=0)), 0),
            func.coalesce(func.sum(case((unsent, 1), else_=0)), 0),
        ).filter(model.kind == kind, or_(mine, unsent)).one()
        if status == "draft":
            return own_drafts
        if status == "cancelled":
            return tally.count(kind, "cancelled") - others_unsent
        return tally.count(kind, except_status="draft") - others_unsent + own_drafts

    def query(self, filters=None, order_column="", order_direction="", page=None,
              page_size=None, select_columns=None, outer_default_load=False):
        count = self.query_count(None, filters, select_columns)
        if select_columns and self.exists_col_to_many(select_columns):
            # FAB pages an inner query and joins the collections outside it: leave it be.
            return count, self._rows(super().apply_all(
                self.session.query(self.obj), filters, order_column, order_direction, page,
                page_size, select_columns, outer_default_load))
        direction, offset, limit, backwards = self._page_plan(
            count, order_column, order_direction, page, page_size)
        if select_columns:  # the REST API: FAB's own joins for the dotted columns
            query = super().apply_all(self.session.query(self.obj), filters, order_column,
                                      direction, None, None, select_columns, outer_default_load)
            query = self._paginate(query, offset, limit)
        else:
            # A deferred join: the page's ids come from the indexes alone, then only those
            # rows are read, with their many-to-one relations joined.
            ids = super().apply_all(self.session.query(self.obj.id), filters, order_column,
                                    direction)
            ids = self._paginate(ids, offset, limit).subquery()
            query = self.session.query(self.obj).join(ids, ids.c.id == self.obj.id)
            query = self.apply_order_by(query, order_column, direction, add_pk=True)
            query = self._with_eager(query)
        rows = self._rows(query)
        return count, rows[::-1] if backwards else rows

    @staticmethod
    def _page_plan(count, order_column, order_direction, page, page_size):
        """(direction, offset, limit, backwards): past the middle, read from the other end."""
        offset = (page or 0) * (page_size or 0)
        if page_size and order_column and count // 2 < offset < count:
            after = count - offset - page_size  # rows after this page in the asked order
            reverse = "desc" if order_direction == "asc" else "asc"
            return reverse, max(after, 0), page_size + min(after, 0), True
        return order_direction, offset, page_size, False

    @staticmethod
    def _paginate(query, offset, limit):
        if offset:
            query = query.offset(offset)
        if limit:
            query = query.limit(limit)
        return query

    def _rows(self, query) -> list:
        rows = query.all()
        name = self.obj.__name__
        if rows and hasattr(rows[0], name):
            return [getattr(row, name) for row in rows]
        return rows


class VisibleRequestsFilter(BaseFilter):
    """Row-level visibility of requests (SPEC §2/§7); FAB applies it to list, show, edit, API."""

    name = "Visible to the current user"
    arg_name = "visible"

    def apply(self, query, value):
        return query.filter(relations.request_visibility(current_actor(), today_wita()))


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
