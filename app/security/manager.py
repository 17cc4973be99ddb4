"""FAB's security manager with our user model and a per-request permission cache."""

from __future__ import annotations

from flask import g, has_request_context, request
from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.decorators import permission_name, protect
from flask_appbuilder.security.sqla.apis import (
    PermissionViewMenuApi as FabPermissionViewMenuApi,
)
from flask_appbuilder.security.sqla.apis import UserApi as FabUserApi
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


class PermissionViewMenuApi(FabPermissionViewMenuApi):
    """FAB's API answers 500 when ids are missing (an IntegrityError); answer 400 instead."""

    def post_headless(self):
        data = request.get_json(silent=True)
        if isinstance(data, dict):
            errors = {name: ["Kolom ini wajib diisi (angka)."]
                      for name in ("permission_id", "view_menu_id")
                      if not isinstance(data.get(name), int) or isinstance(data.get(name), bool)}
            if errors:
                return self.response_400(message=errors)
        return super().post_headless()


class UserApi(FabUserApi):
    """FAB's user API answers 500 for an unknown id on PUT; answer 404."""

    @expose("/<pk>", methods=["PUT"])
    @protect()
    @safe
    @permission_name("put")
    def put(self, pk):
        if self.datamodel.get(pk, self._base_filters) is None:
            return self.response_404()
        return FabUserApi.put.__wrapped__(self, pk)

    put.__doc__ = FabUserApi.put.__doc__


class SecurityManager(FabSecurityManager):
    user_model = AppUser
    userdbmodelview = AppUserDBModelView
    permission_view_menu_api = PermissionViewMenuApi
    user_api = UserApi
    userstatschartview = None  # FAB's login-count chart: not needed, and it 500s on bad input

    def register_views(self) -> None:
        from app.common import drop_unused_routes

        for view in (self.userdbmodelview, self.rolemodelview, self.groupmodelview,
                     self.permissionmodelview, self.viewmenumodelview,
                     self.permissionviewmodelview):
            drop_unused_routes(view)
        super().register_views()

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
