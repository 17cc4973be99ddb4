"""The request lists: which rows a user sees, and counts from the tally (SPEC §2, §7)."""

from __future__ import annotations

from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterEqual
from sqlalchemy import and_, case, func, or_

from app.fab_overrides import EagerSQLAInterface
from app.requests import tally
from app.requests.search import FilterNumberOrTitle, capped_count
from app.security import access
from app.security import roles as R
from app.security.access import current_actor
from app.timeutil import today_wita
from app.workflow import relations


class VisibleRequestsFilter(BaseFilter):
    """Row-level visibility of requests (SPEC §2/§7); FAB applies it to list, show, edit, API."""

    name = "Visible to the current user"
    arg_name = "visible"

    def apply(self, query, value):
        return query.filter(relations.request_visibility(current_actor(), today_wita()))


VISIBLE_REQUESTS = [["id", VisibleRequestsFilter, lambda: None]]
# The relations a list page shows, loaded with the page (no query per row).
LIST_EAGER = ("unit", "requester", "officer")


def _searching(filters) -> bool:
    """Whether a text search (the search box or "title contains") narrows the list."""
    if not filters:
        return False
    return any(getattr(flt, "capped", False) and str(_single(value) or "").strip()
               for flt, value in zip(filters.filters, filters.values, strict=True))


def _single(value):
    return value[0] if isinstance(value, list) and len(value) == 1 else value


class RequestInterface(EagerSQLAInterface):
    """A request kind's list: the COUNT of a whole kind, or of one state, for a user who sees
    every request comes from the tally the database keeps (tally.py). The title's filters end
    with "number or title contains", the list's search box."""

    extra_filters = {"title": [FilterNumberOrTitle]}

    def fast_count(self, filters) -> int | None:
        if _searching(filters):
            # A search counts its matches up to SEARCH_CAP, then says "more than 10,000".
            return capped_count(self.apply_filters(self.session.query(self.obj.id), filters))
        return self._tallied_count(filters)

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

