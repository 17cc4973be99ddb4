"""What we override in Flask-AppBuilder still matches the FAB we run (app/fab_overrides.py)."""

from __future__ import annotations

import importlib
import inspect
from importlib.metadata import version

import pytest

from app.fab_overrides import FAB_VERSION, OVERRIDDEN, RowCheckedActions

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


def test_every_view_with_actions_checks_their_rows(app):
    """FAB's @action routes fetch any id (STYLE.md fact 2): each view that has one re-checks."""
    with_actions = [view for view in app.appbuilder.baseviews if getattr(view, "actions", None)]
    assert {type(view).__name__ for view in with_actions} >= {"OutboxView", "AppUserDBModelView"}
    unchecked = [type(view).__name__ for view in with_actions
                 if not isinstance(view, RowCheckedActions)]
    assert unchecked == []
