"""The home page: what waits for this user, overdue work first (SPEC §7); a requester's own
requests with their target dates (SOP 9.3.1); the supervisors' summary of the work.

Every list here is one query for its page of rows (relations loaded with them), whatever the
number of rows: no query per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app, g, url_for
from flask_appbuilder import IndexView, expose
from flask_appbuilder.models.sqla.filters import FilterEqual
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from app.checklist.home import home_panels, month_compliance
from app.extensions import db
from app.notify.models import Outbox
from app.requests.models import OPEN_CONDITION, REQUEST_KINDS, Assignment, ServiceRequest
from app.requests.views import LIST_VIEWS, show_url
from app.security import access
from app.security import roles as R
from app.timeutil import today_wita, utcnow
from app.workflow import relations
from app.workflow.rules import FINAL_STATES, STATES
from app.workflow.vocabulary import Approval, State

HOME_LIMIT = 50
OWN_LIMIT = 20
# A requester still sees a request that ended this many days ago (its outcome, SOP 9.3.1).
OWN_RECENT_DAYS = 30
# Who sees the summary of the work: the head of office and the division head above the Kasi.
SUMMARY_ROLES = (R.PIMPINAN, R.KABID)
# The states of a submitted request still being worked on, in the order of the procedure.
OPEN_STATES = [state for state in STATES if state not in FINAL_STATES and state != State.DRAFT]
def waiting_for(user, day, limit: int = HOME_LIMIT):
    """The first `limit` requests waiting for this user: their ids from the open-requests
    index alone, then those rows with their unit and requester."""
    overdue_first = case((ServiceRequest.overdue_on(day), 0), else_=1)
    ids = list(db.session.execute(
        select(ServiceRequest.id).where(relations.waiting_condition(user, day))
        .order_by(overdue_first, ServiceRequest.target_date.asc().nulls_last(),
                  ServiceRequest.id.asc())
        .limit(limit)
    ).scalars())
    if not ids:
        return []
    rows = {req.id: req for req in db.session.execute(
        select(ServiceRequest).where(ServiceRequest.id.in_(ids))
        .options(joinedload(ServiceRequest.unit), joinedload(ServiceRequest.requester))
    ).scalars()}
    return [rows[pk] for pk in ids if pk in rows]


def pending_proposals(items) -> dict[int, Assignment]:
    """The Kasi's proposed assignment of each request waiting for the Kabid, by request id,
    with its officer: what the Kabid approves, on his home list (SPEC §3)."""
    ids = [req.id for req in items if req.status == State.PENDING_KABID_APPROVAL]
    if not ids:
        return {}
    return {a.request_id: a for a in db.session.execute(
        select(Assignment).where(Assignment.request_id.in_(ids),
                                 Assignment.approval == Approval.PENDING)
        .options(joinedload(Assignment.officer)).order_by(Assignment.id)
    ).scalars()}


def own_requests(user, day, limit: int = OWN_LIMIT):
    """The requester's own submitted requests still running, and those ended lately, with
    their state, officer and target date: overdue first, then by target date (SOP 9.3.1)."""
    since = utcnow() - dt.timedelta(days=OWN_RECENT_DAYS)
    overdue_first = case((ServiceRequest.overdue_on(day), 0), else_=1)
    still_open = case((OPEN_CONDITION, 0), else_=1)
    return list(db.session.execute(
        select(ServiceRequest)
        .where(ServiceRequest.kind.in_(REQUEST_KINDS), ServiceRequest.requester_id == user.id,
               ServiceRequest.status != State.DRAFT,
               or_(OPEN_CONDITION, ServiceRequest.closed_at >= since))
        .options(joinedload(ServiceRequest.officer))
        .order_by(overdue_first, still_open, ServiceRequest.target_date.asc().nulls_last(),
                  ServiceRequest.id.desc())
        .limit(limit)
    ).scalars())


def to_acknowledge(user, limit: int = OWN_LIMIT):
    """The requester's requests done lately whose result they have not yet confirmed as
    received (action `acknowledge`, SOP 9.3): newest first."""
    since = utcnow() - dt.timedelta(days=OWN_RECENT_DAYS)
    return list(db.session.execute(
        select(ServiceRequest)
        .where(ServiceRequest.kind.in_(REQUEST_KINDS), ServiceRequest.requester_id == user.id,
               ServiceRequest.status == State.DONE, ServiceRequest.acknowledged_at.is_(None),
               ServiceRequest.closed_at >= since)
        .options(joinedload(ServiceRequest.officer))
        .order_by(ServiceRequest.closed_at.desc(), ServiceRequest.id.desc())
        .limit(limit)
    ).scalars())


# --- the supervisors' summary ----------------------------------------------------------------

@dataclass(frozen=True)
class StateCount:
    state: str
    counts: dict[str, int]  # by kind
    links: dict[str, str]  # the kind's list filtered to this state

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _state_filter_arg(view_name: str) -> str | None:
    """The URL argument of a request list's "Status equals" filter (FAB numbers a column's
    filters from 0)."""
    view = next((v for v in current_app.appbuilder.baseviews
                 if type(v).__name__ == view_name), None)
    if view is None:
        return None
    filters = view._filters.get_search_filters().get("status", [])
    index = next((i for i, f in enumerate(filters) if type(f) is FilterEqual), None)
    return None if index is None else f"_flt_{index}_status"


def open_by_state() -> list[StateCount]:
    """Submitted requests still being worked on, per state and kind: one grouped count over
    the open-requests index."""
    counted = {(kind, state): n for kind, state, n in db.session.execute(
        select(ServiceRequest.kind, ServiceRequest.status, func.count())
        .where(OPEN_CONDITION, ServiceRequest.kind.in_(REQUEST_KINDS),
               ServiceRequest.status.in_(OPEN_STATES))
        .group_by(ServiceRequest.kind, ServiceRequest.status)
    ).all()}
    args = {kind: _state_filter_arg(view) for kind, view in LIST_VIEWS.items()}
    rows = []
    for state in OPEN_STATES:
        counts = {kind: counted.get((kind, state), 0) for kind in LIST_VIEWS}
        links = {kind: url_for(f"{view}.list") + (f"?{args[kind]}={state}" if args[kind] else "")
                 for kind, view in LIST_VIEWS.items()}
        rows.append(StateCount(state, counts, links))
    return rows


def overdue_now(day, limit: int = HOME_LIMIT) -> tuple[int, list]:
    """How many requests are overdue today, and the first `limit` of them, longest late first."""
    condition = and_(OPEN_CONDITION, ServiceRequest.kind.in_(REQUEST_KINDS),
                     ServiceRequest.overdue_on(day))
    count = db.session.execute(select(func.count()).select_from(ServiceRequest)
                               .where(condition)).scalar()
    if not count:
        return 0, []
    rows = list(db.session.execute(
        select(ServiceRequest).where(condition)
        .options(joinedload(ServiceRequest.unit), joinedload(ServiceRequest.officer))
        .order_by(ServiceRequest.target_date, ServiceRequest.id).limit(limit)
    ).scalars())
    return count, rows


def dashboard_url() -> str | None:
    """The supervisors' charts (SPEC §7), once that page exists."""
    for rule in current_app.url_map.iter_rules():
        if rule.rule.rstrip("/") == "/dashboard" and "GET" in (rule.methods or ()):
            return rule.rule
    return None


def summary(day) -> dict:
    count, overdue = overdue_now(day)
    return {"by_state": open_by_state(), "overdue_count": count, "overdue": overdue,
            "compliance": month_compliance(day), "dashboard_url": dashboard_url()}


class HomeView(IndexView):
    index_template = "home.html"

    @expose("/")
    def index(self):
        user = g.user if g.user is not None and g.user.is_authenticated else None
        day = today_wita()
        items = waiting_for(user, day) if user else []
        extra = {}
        if user is not None:
            extra = self._panels(user, day)
            extra["proposals"] = pending_proposals(items)
        return self.render_template(self.index_template, appbuilder=self.appbuilder,
                                    items=items, today=day, show_url=show_url, **extra)

    @staticmethod
    def _panels(user, day) -> dict:
        extra = home_panels(user, day)
        if access.has_role(user, R.ADMIN):
            extra["units_without_head"] = relations.units_without_head()
            extra["failed_mail"] = db.session.execute(
                select(func.count()).select_from(Outbox).where(Outbox.status == "failed")
            ).scalar()
        if access.has_role(user, R.KASI):
            extra["kabid_absence"] = relations.kabid_absence(day)
        if access.has_role(user, R.PEMOHON):
            own = own_requests(user, day)
            # An official files requests now and then: the list when there is something in it.
            if own or not access.has_role(user, *R.SEE_ALL_REQUESTS, R.PETUGAS_IT):
                extra["own"] = own
            extra["to_acknowledge"] = to_acknowledge(user)
        if access.has_role(user, *SUMMARY_ROLES):
            extra["summary"] = summary(day)
        return extra
