"""FAB's security manager with our user model and a per-request permission cache."""

from __future__ import annotations

from flask import g, has_request_context
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager
from flask_appbuilder.security.sqla.models import PermissionView, Role
from flask_appbuilder.security.views import UserDBModelView

from app.security.models import AppUser


class AppUserDBModelView(UserDBModelView):
    list_columns = ["first_name", "last_name", "username", "unit", "roles", "active"]
    show_fieldsets = [
        (
            "User info",
            {"fields": ["first_name", "last_name", "username", "nip", "position", "unit",
                        "active", "roles", "login_count"]},
        ),
        ("Personal Info", {"fields": ["email"], "expanded": True}),
        (
            "Audit Info",
            {"fields": ["last_login", "fail_login_count", "created_on", "created_by",
                        "changed_on", "changed_by"], "expanded": False},
        ),
    ]
    add_columns = [
        "first_name", "last_name", "username", "nip", "position", "unit", "active",
        "email", "roles", "password", "conf_password",
    ]
    edit_columns = [
        "first_name", "last_name", "username", "nip", "position", "unit", "active",
        "email", "roles",
    ]
    label_columns = {
        **UserDBModelView.label_columns,
        "nip": "NIP",
        "position": "Position",
        "unit": "Unit",
    }


class SecurityManager(FabSecurityManager):
    user_model = AppUser
    userdbmodelview = AppUserDBModelView

    def auth_user_db(self, username, password):
        """FAB's check, plus a security-log row for every success and failure (issue #7)."""
        from app.security.hardening import log_security_event

        user = super().auth_user_db(username, password)
        if has_request_context():
            log_security_event("login_success" if user else "login_failure",
                               (username or "")[:128])
        return user

    def add_user(self, username, first_name, last_name, email, role=None, password="",
                 hashed_password="", groups=None, commit=True):
        """Every way a user is made (UI, API, CLI, seed) meets the password policy."""
        from app.security.passwords import password_problems

        if password and not hashed_password:
            problems = password_problems(password, username)
            if problems:
                import logging

                logging.getLogger(__name__).error("User %s not created: %s", username,
                                                  " ".join(problems))
                return False
        return super().add_user(username, first_name, last_name, email, role,
                                password=password, hashed_password=hashed_password,
                                groups=groups, commit=commit)

    def _role_permissions(self, roles) -> set[tuple[str, str]]:
        """All (permission, view) pairs of the roles, once per request (FAB asks per menu entry)."""
        role_ids = tuple(sorted(role.id for role in roles if role.name not in self.builtin_roles))
        cache = g.setdefault("_perm_cache", {}) if has_request_context() else {}
        if role_ids not in cache:
            rows = (
                self.session.query(self.permission_model.name, self.viewmenu_model.name)
                .select_from(PermissionView)
                .join(PermissionView.permission)
                .join(PermissionView.view_menu)
                .join(PermissionView.role)
                .filter(Role.id.in_(role_ids))
                .all()
            ) if role_ids else []
            cache[role_ids] = {(perm, view) for perm, view in rows}
        return cache[role_ids]

    def _has_view_access(self, user, permission_name: str, view_name: str) -> bool:
        roles = self.get_user_roles(user)
        if any(
            role.name in self.builtin_roles
            and self._has_access_builtin_roles(role, permission_name, view_name)
            for role in roles
        ):
            return True
        return (permission_name, view_name) in self._role_permissions(roles)

    def _get_user_permission_view_menus(self, user, permission_name, view_menus_name):
        roles = [self.get_public_role()] if user is None else self.get_user_roles(user)
        roles = [role for role in roles if role is not None]
        granted = self._role_permissions(roles)
        names = view_menus_name or {view for _, view in granted}
        return {name for name in names if (permission_name, name) in granted}
