"""The home page: what waits for this user, overdue work first (SPEC §7)."""

from __future__ import annotations

from flask import g
from flask_appbuilder import IndexView, expose
from sqlalchemy import and_, case, false, or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.requests.models import OPEN_CONDITION, REQUEST_KINDS, ServiceRequest
from app.security import access
from app.security import roles as R
from app.timeutil import today_wita
from app.workflow.rules import WAITING_ON

HOME_LIMIT = 50


def waiting_condition(user, day):
    """Requests whose next move belongs to this user, derived from rules.WAITING_ON."""
    units = list(access.headed_unit_ids(user, day))
    relation = {
        "requester": ServiceRequest.requester_id == user.id,
        "unit_head": ServiceRequest.unit_id.in_(units) if units else false(),
        "kasi": None if access.has_role(user, R.KASI) else false(),
        "kabid": None if access.has_role(user, R.KABID) else false(),
        "officer": ServiceRequest.officer_id == user.id,
    }
    parts = []
    for state, actor in WAITING_ON.items():
        cond = relation[actor]
        if cond is false():
            continue
        parts.append(ServiceRequest.status == state if cond is None
                     else and_(ServiceRequest.status == state, cond))
    if access.has_role(user, R.KASI):
        parts.append(and_(ServiceRequest.status == "in_progress", ServiceRequest.target_date < day))
    if not parts:
        return false()
    # Only open requests wait for anyone; saying so (and naming both kinds) lets the
    # partial index ix_request_open answer the whole condition.
    return and_(OPEN_CONDITION, ServiceRequest.kind.in_(REQUEST_KINDS), or_(*parts))


def waiting_for(user, day, limit: int = HOME_LIMIT):
    """The first `limit` requests waiting for this user: their ids from the open-requests
    index alone, then those rows with their unit and requester."""
    overdue_first = case(
        (and_(ServiceRequest.status == "in_progress", ServiceRequest.target_date < day), 0),
        else_=1,
    )
    ids = list(db.session.execute(
        select(ServiceRequest.id).where(waiting_condition(user, day))
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


class HomeView(IndexView):
    index_template = "home.html"

    @expose("/")
    def index(self):
        user = g.user if g.user is not None and g.user.is_authenticated else None
        day = today_wita()
        items = waiting_for(user, day) if user else []
        extra = {}
        if user is not None:
            from app.checklist.home import home_panels

            extra = home_panels(user, day)
        return self.render_template(self.index_template, appbuilder=self.appbuilder,
                                    items=items, today=day, **extra)
