"""The home page: what waits for this user, overdue work first (SPEC §7)."""

from __future__ import annotations

from flask import g
from flask_appbuilder import IndexView, expose
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from app.checklist.home import home_panels
from app.extensions import db
from app.notify.models import Outbox
from app.requests.models import ServiceRequest
from app.security import access
from app.security import roles as R
from app.timeutil import today_wita
from app.workflow import relations

HOME_LIMIT = 50


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


class HomeView(IndexView):
    index_template = "home.html"

    @expose("/")
    def index(self):
        user = g.user if g.user is not None and g.user.is_authenticated else None
        day = today_wita()
        items = waiting_for(user, day) if user else []
        extra = {}
        if user is not None:
            extra = home_panels(user, day)
            if access.has_role(user, R.ADMIN):
                extra["units_without_head"] = relations.units_without_head()
                extra["failed_mail"] = db.session.execute(
                    select(func.count()).select_from(Outbox).where(Outbox.status == "failed")
                ).scalar()
            if access.has_role(user, R.KASI):
                extra["kabid_absence"] = relations.kabid_absence(day)
        return self.render_template(self.index_template, appbuilder=self.appbuilder,
                                    items=items, today=day, **extra)
