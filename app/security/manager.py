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
from flask_babel import lazy_gettext as _l

from app.errors import token_refused
from app.fab_overrides import (
    CachedPermissions,
    DescribedApi,
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
            _l("User info"),
            {"fields": ["first_name", "last_name", "username", "nip", "position", "unit",
                        "active", "roles", "login_count"]},
        ),
        (_l("Personal Info"), {"fields": ["email"], "expanded": True}),
        (
            _l("Audit Info"),
            {"fields": ["last_login", "fail_login_count", "created_on", "created_by",
                        "changed_on", "changed_by"], "expanded": False},
        ),
    ]
    user_show_fieldsets = [
        (_l("User info"), {"fields": ["first_name", "last_name", "username", "nip", "position",
                                      "unit", "roles"]}),
        (_l("Personal Info"), {"fields": ["email"], "expanded": True}),
    ]
    add_columns = [
        "first_name", "last_name", "username", "nip", "position", "unit", "active",
        "email", "roles", "password", "conf_password",
    ]
    edit_columns = [
        "first_name", "last_name", "username", "nip", "position", "unit", "active",
        "email", "roles",
    ]
    # FAB's own search form offers its date columns pre-filled with the time of the page.
    search_columns = ["first_name", "last_name", "username", "nip", "position", "unit", "email",
                      "active", "roles"]
    label_columns = {
        **UserDBModelView.label_columns,
        "nip": _l("NIP"),
        "position": _l("Position"),
        "unit": _l("Unit"),
        "active": _l("Active"),
        "roles": _l("Roles"),
    }
    # FAB's hints speak of LDAP and OpenID, which the office does not use.
    description_columns = {
        "first_name": _l("With the titles before the name, as printed on the forms."),
        "last_name": _l("With the titles after the name, as printed on the forms."),
        "username": _l("The name the user signs in with."),
        "nip": _l("The civil servant number (18 digits), printed under the signature."),
        "position": _l("The position printed above the signature."),
        "unit": _l("The unit whose requests the user files and sees."),
        "active": _l("Deactivate a user who leaves instead of deleting them: their history "
                     "stays."),
        "email": _l("Notifications and reminders are sent to this address."),
        "roles": _l("What the user may see and do; a user may hold several roles."),
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
# FAB labels the security APIs' columns by prettifying their names ("Fail Login Count"):
# the words an Indonesian `_info` and GET answer use instead.
SECURITY_API_LABELS = {
    "id": _l("Id"), "name": _l("Name"), "roles": _l("Roles"), "roles.id": _l("Roles"),
    "roles.name": _l("Roles"), "groups": _l("Groups"), "users": _l("Users"),
    "permissions": _l("Permissions"), "first_name": _l("First Name"),
    "last_name": _l("Last Name"), "username": _l("User Name"), "email": _l("Email"),
    "active": _l("Active"), "password": _l("Password"), "created_on": _l("Created on"),
    "changed_on": _l("Changed on"), "created_by.id": _l("Created by"),
    "changed_by.id": _l("Changed by"), "last_login": _l("Last login"),
    "login_count": _l("Login count"), "fail_login_count": _l("Failed logins"),
    "permission.name": _l("Permission"), "view_menu.name": _l("View/menu"),
    "permission_id": _l("Permission"), "view_menu_id": _l("View/menu"),
    "label": _l("Label"), "description": _l("Description"),
}
SECURITY_API_TITLES = {
    "permission_api": _l("Permissions"), "role_api": _l("Roles"), "user_api": _l("Users"),
    "view_menu_api": _l("Views/menus"), "permission_view_menu_api": _l("Permissions on views"),
    "group_api": _l("Groups"),
}


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
            bases = (DescribedApi, *bases)  # Indonesian `_info`, WITA date-times
            title = SECURITY_API_TITLES[name]
            setattr(self, name, type(api.__name__, bases, {
                "allow_browser_login": False, "label_columns": dict(SECURITY_API_LABELS),
                "list_title": title, "show_title": title, "add_title": title,
                "edit_title": title}))
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
        token_refused(jwt_manager)

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
