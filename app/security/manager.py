"""FAB's security manager with our user model and a per-request permission cache."""

from __future__ import annotations

import json
import logging
import re

import click
from flask import g, has_request_context, redirect, request, url_for
from flask_appbuilder.api import expose, safe
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget, Select2ManyWidget
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.decorators import permission_name, protect
from flask_appbuilder.security.sqla.apis import (
    PermissionViewMenuApi as FabPermissionViewMenuApi,
)
from flask_appbuilder.security.sqla.apis import UserApi as FabUserApi
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager
from flask_appbuilder.security.sqla.models import Role
from flask_appbuilder.security.views import ResetMyPasswordView as FabResetMyPasswordView
from flask_appbuilder.security.views import ResetPasswordView as FabResetPasswordView
from flask_appbuilder.security.views import UserDBModelView
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, StopValidation

from app.errors import token_refused
from app.extensions import db
from app.fab_overrides import (
    CachedPermissions,
    DescribedApi,
    RowCheckedActions,
    RowCheckedRoleModelView,
    drop_unused_routes,
)
from app.i18n import office_language
from app.security import login_limits, sessions
from app.security.hardening import log_security_event
from app.security.models import AppUser
from app.security.passwords import MIN_LENGTH, password_problems

log = logging.getLogger(__name__)


# --- the user forms: the password policy and a role, beside their fields (SPEC §8) ----------

POLICY_HINT = _l("At least %(n)s characters, without the user name, and not a common "
                 "password. Several words with spaces are easy to remember.", n=MIN_LENGTH)


def policy_refusal(password, username) -> str | None:
    """Why `password` may not be `username`'s (every broken rule, in the reader's language),
    or None."""
    return " ".join(password_problems(password, username)) or None


class PasswordPolicy:
    """passwords.py as a field validator; `username_of(form)` names whose password it is."""

    def __init__(self, username_of):
        self.username_of = username_of

    def __call__(self, form, field):
        refusal = policy_refusal(field.data, self.username_of(form))
        if refusal:
            raise StopValidation(refusal)


class KeptPasswordWidget(BS3PasswordFieldWidget):
    """A form shown again for another field's error keeps the password typed into it (nothing
    typed is lost); a refused one is emptied, to be chosen again."""

    def __init__(self):
        super().__init__(hide_value=False)

    def __call__(self, field, **kwargs):
        if field.errors:
            kwargs["value"] = ""
        kwargs.setdefault("autocomplete", "new-password")
        return super().__call__(field, **kwargs)


class KeepsTypedPasswords:
    """With a refused password, its confirmation goes too."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators=extra_validators)
        if self.password.errors:
            self.conf_password.data = ""
        return valid


def password_fields(username_of) -> tuple[PasswordField, PasswordField]:
    """A new password and its confirmation, under the policy for `username_of(form)`."""
    return (
        PasswordField(_l("Password"), description=POLICY_HINT, widget=KeptPasswordWidget(),
                      validators=[DataRequired(), PasswordPolicy(username_of)]),
        PasswordField(_l("Confirm Password"), widget=KeptPasswordWidget(),
                      description=_l("Please rewrite the password to confirm"),
                      validators=[DataRequired(),
                                  EqualTo("password", message=_l("Passwords must match"))]),
    )


class RoleRequired:
    """A user holds at least one role (the office uses no groups); the flag puts FAB's red star
    beside "Peran"."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        if not field.data:
            raise StopValidation(gettext("Choose at least one role."))


class RolesWidget(Select2ManyWidget):
    """FAB's select2 box without the browser's own `required` check: the hidden <select> it
    would check cannot show a message, so the form would just not send. The server's message
    beside the field says it instead."""

    validation_attrs = ["disabled"]


class EmailAddress:
    """Notifications go to this address: it must be one (FAB takes any text)."""

    def __call__(self, form, field):
        if field.data and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", field.data.strip()):
            raise StopValidation(gettext("Enter a valid email address, e.g. "
                                         "nama@denpasarkota.go.id."))


class NipDigits:
    """A civil servant number is 18 digits (printed under the signature)."""

    def __call__(self, form, field):
        if field.data and not re.fullmatch(r"\d{18}", field.data.strip()):
            raise StopValidation(gettext("The NIP has 18 digits."))


class PerFormLists(dict):
    """FAB appends its own validators to the list it gets for a column: each form gets a copy,
    or the add form would carry the edit form's checks too (and say each message twice)."""

    def get(self, key, default=None):
        value = super().get(key, default)
        return list(value) if isinstance(value, list) else value


def _reset_target(form=None) -> str:
    """The user whose password the Admin resets (`?pk=`), by name; none is a field error."""
    pk = request.args.get("pk", type=int)
    user = db.session.get(AppUser, pk) if pk is not None and 0 < pk < 2**31 else None
    if user is None:
        raise StopValidation(gettext("User not found."))
    return user.username


class AdminResetPasswordForm(DynamicForm):
    password, conf_password = password_fields(_reset_target)


class CurrentPassword:
    """One's own change needs the password in use now (OWASP ASVS 2.1.6)."""

    def __call__(self, form, field):
        if not check_password_hash(g.user.password or "", field.data or ""):
            raise StopValidation(gettext("This is not your current password."))


class OwnPasswordForm(KeepsTypedPasswords, DynamicForm):
    current_password = PasswordField(_l("Current password"), widget=BS3PasswordFieldWidget(),
                                     validators=[DataRequired(), CurrentPassword()])
    password, conf_password = password_fields(lambda form: g.user.username)


class ResetPasswordView(FabResetPasswordView):
    """The Admin's reset of a user's password: the policy with that user's name."""

    form = AdminResetPasswordForm
    form_template = "appbuilder/users/edit.html"


class ResetMyPasswordView(FabResetMyPasswordView):
    """A user's change of their own password: the current one, then the policy."""

    form = OwnPasswordForm
    form_template = "appbuilder/users/edit.html"


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
    add_template = "appbuilder/users/add.html"
    edit_template = "appbuilder/users/edit.html"
    # FAB's own check of roles asks for a "groups" field the office's form does not have (a
    # KeyError, the bare "Internal Server Error").
    validators_columns = PerFormLists(roles=[RoleRequired()], email=[EmailAddress()],
                                      nip=[NipDigits()])
    add_form_extra_fields = dict(zip(("password", "conf_password"),
                                     password_fields(lambda form: form.username.data),
                                     strict=True))

    def _init_forms(self):
        super()._init_forms()
        for form in (self.add_form, self.edit_form):
            form.roles.kwargs["widget"] = RolesWidget()
        self.add_form = type(self.add_form.__name__, (KeepsTypedPasswords, self.add_form), {})

    def pre_add(self, item):
        item.nip = item.nip or None  # an empty NIP is no NIP: two of them are not a clash
        super().pre_add(item)

    def post_add(self, item):
        super().post_add(item)
        g._added_user_id = item.id

    def post_add_redirect(self):
        """After adding a user, their page: the roles to check, the password reset at hand."""
        pk = g.pop("_added_user_id", None)
        if pk is None:
            return super().post_add_redirect()
        return redirect(url_for(f"{type(self).__name__}.show", pk=pk))

    def pre_update(self, item):
        item.nip = item.nip or None
        super().pre_update(item)


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


# FAB's schema-wide English refusal of a user without roles; said per field instead.
FAB_NO_ROLE = "At least one of 'roles' or 'groups' must be provided and non-empty."
NO_ROLE = "Pilih paling sedikit satu peran."


def _password_errors(data: dict, username) -> dict:
    """The policy with the user's name: FAB's schema checks the password without it."""
    password = data.get("password")
    if not isinstance(password, str):
        return {}
    problems = password_problems(password, username if isinstance(username, str) else None)
    return {"password": problems} if problems else {}


def _role_errors(roles, has_groups: bool) -> dict:
    """At least one role (or group), and only roles that exist; in Indonesian (FAB answers a
    missing role in English, and an unknown one with an English 404)."""
    if not roles and not has_groups:
        return {"roles": [NO_ROLE]}
    if not isinstance(roles, list) or not roles or not all(type(i) is int for i in roles):
        return {}  # the schema says what is wrong with the shape
    in_range = [i for i in roles if 0 < i < 2**31]  # beyond the column: no such role
    found = set(db.session.execute(db.select(Role.id).where(Role.id.in_(in_range))).scalars())
    missing = sorted(set(roles) - found)
    return {"roles": [f"Peran dengan id {missing} tidak ditemukan."]} if missing else {}


def _merged(ours: dict, schema_errors: dict) -> dict:
    """Our messages per field over the schema's (ours say more); FAB's English one dropped."""
    errors = {key: value for key, value in schema_errors.items()
              if not (key == "_schema" and value == [FAB_NO_ROLE])}
    return {**errors, **ours}


class UserApi(FabUserApi):
    """FAB's user API answers 500 for an unknown id on PUT (404 here), never says the
    password back, and checks the password with the user's name and the roles beside their
    fields, in Indonesian."""

    @expose("/<pk>", methods=["PUT"])
    @protect()
    @safe
    @permission_name("put")
    def put(self, pk):
        user = self.datamodel.get(pk, self._base_filters)
        if user is None:
            return self.response_404()
        data = request.get_json(silent=True)
        if isinstance(data, dict):
            ours = _password_errors(data, data.get("username", user.username))
            if "roles" in data:
                has_groups = bool(data["groups"] if "groups" in data else user.groups)
                ours |= _role_errors(data["roles"], has_groups)
            if ours:
                return self.response_400(
                    message=_merged(ours, self.edit_model_schema.validate(data)))
        return _without_password(FabUserApi.put.__wrapped__(self, pk))

    put.__doc__ = FabUserApi.put.__doc__

    @expose("/", methods=["POST"])
    @protect()
    @safe
    @permission_name("post")
    def post(self):
        data = request.get_json(silent=True)
        if isinstance(data, dict):
            ours = (_password_errors(data, data.get("username"))
                    | _role_errors(data.get("roles"), bool(data.get("groups"))))
            if ours:
                return self.response_400(
                    message=_merged(ours, self.add_model_schema.validate(data)))
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
    resetpasswordview = ResetPasswordView
    resetmypasswordview = ResetMyPasswordView
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
            problems = _said(password_problems, password, username)
            if problems:
                message = f"Pengguna {username} tidak dibuat: {' '.join(problems)}"
                if has_request_context():
                    log.error(message)
                else:  # `flask fab create-user` says why
                    click.echo(message, err=True)
                return False
        return super().add_user(username, first_name, last_name, email, role,
                                password=password, hashed_password=hashed_password,
                                groups=groups, commit=commit)

    def reset_password(self, userid, password):
        """Every reset and change (the forms, `flask fab reset-password`) meets the policy,
        with the user's own name; the forms check first and say it beside the field."""
        user = self.get_user_by_id(userid)
        if user is None:
            raise PasswordRefused(_said(gettext, "User not found."))
        problems = _said(password_problems, password, user.username)
        if problems:
            raise PasswordRefused(" ".join(problems))
        super().reset_password(userid, password)


def _said(produce, *args):
    """A message produced in the reader's language during a request, else (the CLI, the seed)
    in the office's."""
    if has_request_context():
        return produce(*args)
    with office_language():
        return produce(*args)


class PasswordRefused(click.ClickException):
    """A password the policy refuses, reaching `reset_password` past the forms: the CLI prints
    the message and exits 1."""
