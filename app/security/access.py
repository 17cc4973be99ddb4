"""Who is who by role (SPEC §2). Relations to a request — unit heads and their Plh, the
Kabid's absence, row visibility — are in `app.workflow.relations`."""

from __future__ import annotations

from flask import current_app, g, has_request_context
from flask_appbuilder.security.sqla.models import Role
from sqlalchemy import select

from app.extensions import db
from app.security import roles as R
from app.security.models import AppUser


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


def active_user_ids(*names: str):
    """SQL: the ids of active users holding any of these roles (for IN and NOT IN)."""
    return (select(AppUser.id).join(AppUser.roles)
            .where(Role.name.in_(names), AppUser.active.is_(True)))


def user_ids_with_role(name: str) -> frozenset[int]:
    """The ids of active users holding the role; asked per row on some lists, so a request
    reads them once."""
    cache = g.setdefault("_ids_with_role", {}) if has_request_context() else {}
    if name not in cache:
        cache[name] = frozenset(db.session.execute(active_user_ids(name)).scalars())
    return cache[name]


def users_with_role(name: str) -> list[AppUser]:
    return list(db.session.execute(
        select(AppUser).where(AppUser.id.in_(active_user_ids(name))).order_by(AppUser.id)
    ).scalars())


def first_kasi() -> AppUser | None:
    """The Kasi PDSI who signs a printed form's 'Mengetahui' while no decision names one."""
    kasis = users_with_role(R.KASI)
    return kasis[0] if kasis else None


def current_actor():
    """The logged-in user, from the browser session or the API's JWT."""
    return current_app.appbuilder.sm.current_user
