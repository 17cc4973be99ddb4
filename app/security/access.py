"""Who is who: roles of a user, unit heads and their Plh, absences (SPEC §2)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, exists, false, or_, select, true

from app.extensions import db
from app.requests.models import Assignment, ServiceRequest
from app.security import roles as R
from app.security.models import Absence, AppUser, Unit


def role_names(user) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", True):
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(role.name for role in user.roles)
        try:
            user._role_names = cached
        except AttributeError:
            pass
    return cached


def has_role(user, *names: str) -> bool:
    return bool(role_names(user) & set(names))


def acting_for(user_id: int, day: dt.date) -> list[int]:
    """Ids of the officials whose Plh this user is on `day`."""
    rows = db.session.execute(
        select(Absence.user_id).where(
            Absence.acting_user_id == user_id,
            Absence.start_date <= day,
            Absence.end_date >= day,
        )
    ).scalars()
    return list(rows)


def headed_unit_ids(user, day: dt.date) -> dict[int, int | None]:
    """Units this user may approve for: unit id -> on whose behalf (None when the head)."""
    if not has_role(user, R.KEPALA_UNIT):
        return {}
    result: dict[int, int | None] = {
        uid: None
        for uid in db.session.execute(select(Unit.id).where(Unit.head_id == user.id)).scalars()
    }
    principals = acting_for(user.id, day)
    if principals:
        for unit_id, head_id in db.session.execute(
            select(Unit.id, Unit.head_id).where(Unit.head_id.in_(principals))
        ):
            result.setdefault(unit_id, head_id)
    return result


def is_absent(user_id: int, day: dt.date) -> bool:
    return db.session.execute(
        select(exists().where(
            Absence.user_id == user_id, Absence.start_date <= day, Absence.end_date >= day
        ))
    ).scalar()


def users_with_role(name: str) -> list[AppUser]:
    from flask_appbuilder.security.sqla.models import Role

    return list(
        db.session.execute(
            select(AppUser).join(AppUser.roles).where(Role.name == name, AppUser.active == true())
            .order_by(AppUser.id)
        ).scalars()
    )


def kabid_absent(day: dt.date) -> bool:
    """An absence of a Kabid Dalak covering the day is on record (SOP 9.2.5)."""
    return any(is_absent(user.id, day) for user in users_with_role(R.KABID))


def request_visibility(user, day: dt.date, model=ServiceRequest):
    """SQL condition for the requests this user may see; the same in UI, API, reports, print."""
    names = role_names(user)
    if names & R.SEE_ALL_REQUESTS:
        return true()
    conditions = []
    if R.PEMOHON in names:
        conditions.append(model.requester_id == user.id)
        if getattr(user, "unit_id", None):
            conditions.append(model.unit_id == user.unit_id)
    if R.KEPALA_UNIT in names:
        units = list(headed_unit_ids(user, day))
        if units:
            conditions.append(model.unit_id.in_(units))
    if R.PETUGAS_IT in names:
        conditions.append(model.officer_id == user.id)
        conditions.append(
            exists().where(and_(Assignment.request_id == model.id, Assignment.officer_id == user.id))
        )
    return or_(*conditions) if conditions else false()
