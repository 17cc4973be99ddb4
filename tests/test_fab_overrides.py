"""What we override in Flask-AppBuilder still matches the FAB we run (app/fab_overrides.py)."""

from __future__ import annotations

import hashlib
import importlib
import inspect
from importlib.metadata import version
from pathlib import Path

import flask_appbuilder
import pytest

from app.fab_overrides import COPIED, FAB_VERSION, OVERRIDDEN, RowCheckedActions

# Written here, not read from the module: the release the overrides were checked against.
CHECKED_RELEASE = "5.3.0"


def test_fab_is_the_release_the_overrides_were_checked_against():
    assert FAB_VERSION == CHECKED_RELEASE
    assert version("flask-appbuilder") == CHECKED_RELEASE, (
        "Flask-AppBuilder changed: re-read app/fab_overrides.py against the new release, then "
        "update FAB_VERSION and this test")


@pytest.mark.parametrize("where", sorted(OVERRIDDEN), ids=lambda w: ".".join(w[1:]))
def test_each_overridden_fab_method_keeps_its_signature(where):
    module, cls, method = where
    fab_method = getattr(getattr(importlib.import_module(module), cls), method)
    assert str(inspect.signature(fab_method)) == OVERRIDDEN[where]


@pytest.mark.parametrize("copy", sorted(COPIED))
def test_each_copied_fab_file_is_still_what_fab_ships(copy):
    """A copy of FAB's template or script is stale when FAB's original changes."""
    original, digest = COPIED[copy]
    assert (Path(__file__).parent.parent / copy).is_file()
    data = (Path(flask_appbuilder.__file__).parent / original).read_bytes()
    assert hashlib.sha256(data).hexdigest().startswith(digest), (
        f"FAB changed {original}: merge the change into {copy}, then update its digest")


def test_every_copied_fab_file_is_listed():
    """Every template of ours that stands in for one of FAB's (same path) is in COPIED."""
    root = Path(__file__).parent.parent
    fab = Path(flask_appbuilder.__file__).parent
    copies = {str(p.relative_to(root)) for p in (root / "app/templates/appbuilder").rglob("*")
              if p.is_file() and (fab / "templates" / p.relative_to(root / "app/templates"))
              .is_file()}
    copies |= {f"app/static/js/{name}" for name in ("ab.js", "ab_actions.js", "ab_filters.js")
               if (root / "app/static/js" / name).exists()}
    assert copies <= set(COPIED)


def test_every_view_with_actions_checks_their_rows(app):
    """FAB's @action routes fetch any id (STYLE.md fact 2): each view that has one re-checks."""
    with_actions = [view for view in app.appbuilder.baseviews if getattr(view, "actions", None)]
    assert {type(view).__name__ for view in with_actions} >= {"OutboxView", "AppUserDBModelView"}
    unchecked = [type(view).__name__ for view in with_actions
                 if not isinstance(view, RowCheckedActions)]
    assert unchecked == []


def test_the_menu_is_each_permission_sets_own(app, login_as, ctx):
    """The menu is written once per language and set of permissions (navbar_menu): a user
    never gets another role's entries, and a permission taken from a role shows at once."""
    from app.extensions import db
    from app.security import roles as R

    kasi, pemohon = login_as("kasi.pdsi"), login_as("pemohon")
    assert 'href="/dashboard/"' in kasi.get("/").get_data(as_text=True)
    page = pemohon.get("/").get_data(as_text=True)
    assert 'href="/dashboard/"' not in page and 'href="/improvementrequestview/list/"' in page
    assert 'href="/dashboard/"' in kasi.get("/").get_data(as_text=True)
    sm = app.appbuilder.sm
    role = sm.find_role(R.KASI)
    menu = sm.find_permission_view_menu("menu_access", R.M_DASHBOARD)
    sm.del_permission_role(role, menu)
    try:
        assert 'href="/dashboard/"' not in kasi.get("/").get_data(as_text=True)
    finally:
        sm.add_permission_role(role, menu)
        db.session.commit()
    assert 'href="/dashboard/"' in kasi.get("/").get_data(as_text=True)
