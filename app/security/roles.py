"""Roles of SPEC §2 and their permissions, in code; `flask init-roles` syncs them.

Views group their endpoints under one permission name per domain object
(`class_permission_name`) and a small vocabulary of verbs (Airflow's layout).
"""

from __future__ import annotations

from flask import current_app

from app.extensions import db

# Role names, exactly as SPEC §2.
ADMIN = "Admin"
PEMOHON = "Pemohon"
KEPALA_UNIT = "Kepala Unit"
KASI = "Kasi PDSI"
KABID = "Kabid Dalak"
PETUGAS_IT = "Petugas IT"
PIMPINAN = "Pimpinan"
ALL_ROLES = (ADMIN, PEMOHON, KEPALA_UNIT, KASI, KABID, PETUGAS_IT, PIMPINAN)
# Roles that see every request (SPEC §2).
SEE_ALL_REQUESTS = frozenset({ADMIN, KASI, KABID, PIMPINAN})
# Officials who may head a unit or act for its head (Plh.): a Kepala Bidang or Sub Bagian, and
# the Kasi PDSI and Kabid Dalak, who head their own section and division.
HEAD_ROLES = (KEPALA_UNIT, KASI, KABID)

# Verbs (FAB prefixes "can_").
READ, WRITE, DELETE, ACT = "can_read", "can_write", "can_delete", "can_act"
MENU = "menu_access"

# Verb maps for views and APIs.
VIEW_VERBS = {
    "list": "read", "show": "read", "attachment": "read",
    "add": "write", "edit": "write", "attach": "write",
    "delete": "delete",
    "act": "act",
    "resolve": "act",
}
API_VERBS = {
    "get": "read", "get_list": "read", "info": "read", "related": "read",
    "post": "write", "put": "write",
    "delete": "delete",
    "perform_action": "act",
    "submit_round": "act",
    "resolve": "act",
}

# Permission objects (class_permission_name).
IMPROVEMENT = "ImprovementRequest"
SUPPORT = "SupportRequest"
ABSENCE = "Absence"
ROUND = "ChecklistRound"
INCIDENT = "Incident"
CHECK_ITEM = "CheckItem"
MASTER = "MasterData"
REPORTS = "Reports"
OUTBOX = "Outbox"
SECURITY_LOG = "SecurityLog"
DASHBOARD = "Dashboard"
ASSET = "Asset"  # the IT equipment register (issue 22)

# Menu entries (view-menu names; labels are translated separately).
M_REQUESTS = "Requests"
M_IMPROVEMENT = "Improvement requests"
M_SUPPORT = "Support requests"
M_ABSENCE = "Absences"
M_CHECKLIST = "Checklist"
M_ROUNDS = "Checklist rounds"
M_CHECKLIST_TODAY = "Today's checklist"
M_CHECKLIST_MONTH = "Checklist month"
M_INCIDENTS = "Incidents"
M_REPORTS = "Reports"
M_MASTER = "Master data"
M_UNITS = "Units"
M_SYSTEMS = "SIM systems"
M_SUPPORT_TYPES = "Support types"
M_CHECK_ITEMS = "Check items"
M_HOLIDAYS = "Holidays"
M_OUTBOX = "Outbox"
M_DASHBOARD = "Dashboard"
M_ASSETS = "IT assets"

# What every logged-in user needs for their own profile and password.
_SELF_SERVICE = {
    # The user views are our AppUserDBModelView (app/security/manager.py), named after it.
    ("can_userinfo", "AppUserDBModelView"),
    ("resetmypassword", "AppUserDBModelView"),
    ("can_this_form_get", "ResetMyPasswordView"),
    ("can_this_form_post", "ResetMyPasswordView"),
    ("can_this_form_get", "UserInfoEditView"),
    ("can_this_form_post", "UserInfoEditView"),
}


def _grant(obj: str, *verbs: str) -> set[tuple[str, str]]:
    return {(verb, obj) for verb in verbs}


def _menus(*names: str) -> set[tuple[str, str]]:
    return {(MENU, name) for name in names}


_REQUESTS_MENU = _menus(M_REQUESTS, M_IMPROVEMENT, M_SUPPORT)
# The supervisors' charts (SPEC §7): Pimpinan, Kasi PDSI, Kabid Dalak (and Admin, who holds all).
_DASHBOARD = _grant(DASHBOARD, READ) | _menus(M_DASHBOARD)
# Issue 22: everyone reads the assets of their unit (the see-all roles every asset); the Kasi
# manages the register; IT officers change an asset's condition (act).
_ASSETS_READ = _grant(ASSET, READ) | _menus(M_ASSETS)

ROLE_PERMISSIONS: dict[str, set[tuple[str, str]]] = {
    PEMOHON: _SELF_SERVICE
    | _ASSETS_READ
    | _grant(IMPROVEMENT, READ, WRITE, ACT)
    | _grant(SUPPORT, READ, WRITE, ACT)
    | _grant(INCIDENT, READ, WRITE)
    | _REQUESTS_MENU
    | _menus(M_INCIDENTS),
    KEPALA_UNIT: _SELF_SERVICE
    | _ASSETS_READ
    | _grant(IMPROVEMENT, READ, ACT)
    | _grant(SUPPORT, READ, ACT)
    | _grant(ABSENCE, READ, WRITE)
    | _grant(REPORTS, READ)  # only the registers, of their own units (app/reports)
    | _REQUESTS_MENU
    | _menus(M_ABSENCE, M_REPORTS),
    KASI: _SELF_SERVICE
    | _DASHBOARD
    | _ASSETS_READ | _grant(ASSET, WRITE, ACT)
    | _grant(IMPROVEMENT, READ, ACT)
    | _grant(SUPPORT, READ, ACT)
    | _grant(ABSENCE, READ, WRITE)
    | _grant(ROUND, READ)
    | _grant(INCIDENT, READ, WRITE, ACT)
    | _grant(CHECK_ITEM, READ)
    | _grant(REPORTS, READ)
    | _grant(OUTBOX, READ, ACT)
    | _REQUESTS_MENU
    | _menus(M_ABSENCE, M_CHECKLIST, M_CHECKLIST_TODAY, M_CHECKLIST_MONTH, M_ROUNDS,
             M_INCIDENTS, M_REPORTS, M_OUTBOX),
    KABID: _SELF_SERVICE
    | _DASHBOARD
    | _ASSETS_READ
    | _grant(IMPROVEMENT, READ, ACT)
    | _grant(SUPPORT, READ, ACT)
    | _grant(ABSENCE, READ, WRITE)
    | _grant(ROUND, READ)
    | _grant(INCIDENT, READ)
    | _grant(REPORTS, READ)
    | _REQUESTS_MENU
    | _menus(M_ABSENCE, M_CHECKLIST, M_CHECKLIST_TODAY, M_CHECKLIST_MONTH, M_ROUNDS,
             M_INCIDENTS, M_REPORTS),
    PETUGAS_IT: _SELF_SERVICE
    | _ASSETS_READ | _grant(ASSET, ACT)
    | _grant(IMPROVEMENT, READ, ACT)
    | _grant(SUPPORT, READ, ACT)
    | _grant(ROUND, READ, ACT)
    | _grant(INCIDENT, READ, WRITE, ACT)
    | _grant(CHECK_ITEM, READ)
    | _REQUESTS_MENU
    | _menus(M_CHECKLIST, M_CHECKLIST_TODAY, M_CHECKLIST_MONTH, M_ROUNDS, M_INCIDENTS),
    PIMPINAN: _SELF_SERVICE
    | _DASHBOARD
    | _ASSETS_READ
    | _grant(IMPROVEMENT, READ)
    | _grant(SUPPORT, READ)
    | _grant(ABSENCE, READ)
    | _grant(ROUND, READ)
    | _grant(INCIDENT, READ)
    | _grant(REPORTS, READ)
    | _REQUESTS_MENU
    | _menus(M_ABSENCE, M_CHECKLIST, M_CHECKLIST_TODAY, M_CHECKLIST_MONTH, M_ROUNDS,
             M_INCIDENTS, M_REPORTS),
}


def sync_roles(sm, exact: bool = False) -> dict[str, int]:
    """Create the roles and grant their permissions; idempotent.

    With `exact`, permissions an admin added to these roles in the UI are removed again.
    Returns the number of permissions added per role.
    """
    added: dict[str, int] = {}
    for name in ALL_ROLES:
        role = sm.find_role(name) or sm.add_role(name)
        if name == ADMIN:
            continue  # FAB grants the admin role every permission itself.
        wanted = ROLE_PERMISSIONS[name]
        have = {(pv.permission.name, pv.view_menu.name): pv for pv in role.permissions}
        count = 0
        for perm, view in sorted(wanted - set(have)):
            pv = sm.add_permission_view_menu(perm, view)
            sm.add_permission_role(role, pv)
            count += 1
        if exact:
            for key in set(have) - wanted:
                sm.del_permission_role(role, have[key])
        added[name] = count
    return added


def sync_all_roles(exact: bool = False) -> dict[str, int]:
    """FAB's permissions for every view, then our roles on top of them."""
    appbuilder = current_app.appbuilder
    sm = appbuilder.sm
    # FAB grants every permission to the admin role it finds; make sure it exists first.
    for name in (sm.auth_role_admin, sm.auth_role_public):
        sm.find_role(name) or sm.add_role(name)
    appbuilder.add_permissions(update_perms=True)
    added = sync_roles(appbuilder.sm, exact=exact)
    db.session.commit()
    return added
