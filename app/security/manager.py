"""FAB's security manager with our user model and a per-request permission cache."""

from __future__ import annotations

import json

from flask import g, has_request_context, request
from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.decorators import permission_name, protect
from flask_appbuilder.security.sqla.apis import (
    PermissionViewMenuApi as FabPermissionViewMenuApi,
)
from flask_appbuilder.security.sqla.apis import UserApi as FabUserApi
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager
from flask_appbuilder.security.views import UserDBModelView

from app.fab_overrides import (
    CachedPermissions,
    RowCheckedActions,
    RowCheckedRoleModelView,
    drop_unused_routes,
)
from app.security import login_limits, sessions
from app.security.hardening import log_security_event
from app.security.models import AppUser
from app.security.passwords import password_problems


class AppUserDBModelView(RowCheckedActions, UserDBModelView):
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


class UniqueNameChecks:
    """For FAB's role, resource, permission and group APIs: an empty, too long or taken
    name is 400 with a message (FAB answers 500 for the IntegrityError)."""

    def _name_errors(self, pk=None) -> dict | None:
        data = request.get_json(silent=True)
        if not isinstance(data, dict) or "name" not in data:
            return None
        name = data.get("name")
        column = self.datamodel.obj.__table__.c.name
        if not isinstance(name, str) or not name.strip():
            return {"name": ["Nama wajib diisi."]}
        if column.type.length and len(name) > column.type.length:
            return {"name": [f"Nama paling panjang {column.type.length} karakter."]}
        taken = self.datamodel.session.query(self.datamodel.obj).filter(
            column == name).first()
        if taken is not None and str(taken.id) != str(pk):
            return {"name": ["Nama sudah dipakai."]}
        return None

    def post_headless(self):
        errors = self._name_errors()
        return self.response_400(message=errors) if errors else super().post_headless()

    def put_headless(self, pk):
        errors = self._name_errors(pk)
        return self.response_400(message=errors) if errors else super().put_headless(pk)


NAMED_APIS = ("permission_api", "role_api", "view_menu_api", "group_api")


def _without_password(response):
    """FAB's user API echoes the request body, the plain password included: drop it."""
    data = response.get_json(silent=True) if response.is_json else None
    result = data.get("result") if isinstance(data, dict) else None
    if isinstance(result, dict) and ("password" in result or "conf_password" in result):
        result.pop("password", None)
        result.pop("conf_password", None)
        response.set_data(json.dumps(data))
    return response


class UserApi(FabUserApi):
    """FAB's user API answers 500 for an unknown id on PUT (404 here), and never says the
    password back."""

    @expose("/<pk>", methods=["PUT"])
    @protect()
    @safe
    @permission_name("put")
    def put(self, pk):
        if self.datamodel.get(pk, self._base_filters) is None:
            return self.response_404()
        return _without_password(FabUserApi.put.__wrapped__(self, pk))

    put.__doc__ = FabUserApi.put.__doc__

    @expose("/", methods=["POST"])
    @protect()
    @safe
    @permission_name("post")
    def post(self):
        return _without_password(FabUserApi.post.__wrapped__(self))

    post.__doc__ = FabUserApi.post.__doc__


SECURITY_APIS = ("permission_api", "role_api", "user_api", "view_menu_api",
                 "permission_view_menu_api", "group_api")


class SecurityManager(CachedPermissions, FabSecurityManager):
    user_model = AppUser
    userdbmodelview = AppUserDBModelView
    rolemodelview = RowCheckedRoleModelView
    permission_view_menu_api = PermissionViewMenuApi
    user_api = UserApi
    userstatschartview = None  # FAB's login-count chart: not needed, and it 500s on bad input

    def register_views(self) -> None:
        for view in (self.userdbmodelview, self.rolemodelview, self.groupmodelview,
                     self.permissionmodelview, self.viewmenumodelview,
                     self.permissionviewmodelview):
            drop_unused_routes(view)
        # FAB's security APIs accept the browser's session cookie without a CSRF token
        # (allow_browser_login): the REST API takes JWT only (SPEC §7, STYLE.md fact 12).
        for name in SECURITY_APIS:
            api = getattr(self, name)
            bases = (UniqueNameChecks, api) if name in NAMED_APIS else (api,)
            setattr(self, name, type(api.__name__, bases, {"allow_browser_login": False}))
        super().register_views()

    def auth_user_db(self, username, password):
        """FAB's check, plus a security-log row for every success and failure; a success
        takes back the count its attempt made (login_limits.py)."""
        user = super().auth_user_db(username, password)
        if has_request_context():
            log_security_event("login_success" if user else "login_failure",
                               (username or "")[:128])
            if user:
                login_limits.record_success()
        return user

    # --- sessions and tokens that end (sessions.py) ------------------------------------

    def load_user(self, pk):
        user = super().load_user(pk)
        if user is not None and not sessions.browser_session_is_current(user):
            return None
        return user

    def load_user_jwt(self, _jwt_header, jwt_data):
        """FAB's, without our `load_user`'s browser-session check (a token has no session;
        its own version was checked by the blocklist loader below)."""
        user = super().load_user(jwt_data["sub"])
        if user is not None:
            g.user = user
        return user

    def create_jwt_manager(self, app):
        jwt_manager = super().create_jwt_manager(app)
        jwt_manager.additional_claims_loader(sessions.claims_for)

        @jwt_manager.token_in_blocklist_loader
        def _ended(_jwt_header, jwt_data) -> bool:
            """Every token, refresh tokens too, is checked here before its user is loaded:
            one issued before a password, role or active change is dead."""
            user = super(SecurityManager, self).load_user(jwt_data["sub"])
            return user is None or not sessions.token_is_current(user, jwt_data)

        return jwt_manager

    def add_user(self, username, first_name, last_name, email, role=None, password="",
                 hashed_password="", groups=None, commit=True):
        """Every way a user is made (UI, API, CLI, seed) meets the password policy."""
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
