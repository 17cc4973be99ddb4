"""Who is who by role (SPEC §2). Relations to a request — unit heads and their Plh, the
Kabid's absence, row visibility — are in `app.workflow.relations`."""

from __future__ import annotations

from flask_appbuilder.security.sqla.models import Role
from sqlalchemy import select, true

from app.extensions import db
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


def users_with_role(name: str) -> list[AppUser]:
    return list(
        db.session.execute(
            select(AppUser).join(AppUser.roles).where(Role.name == name, AppUser.active == true())
            .order_by(AppUser.id)
        ).scalars()
    )
