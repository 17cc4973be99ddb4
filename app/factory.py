"""The web app factory: configuration, extensions, FAB and our views, the CLI."""

from __future__ import annotations

import logging
import os

from flask import Flask, has_request_context, request
from flask_appbuilder import AppBuilder
from flask_migrate import Migrate

from app import timeutil, values
from app.errors import init_errors
from app.extensions import csrf, db, mail
from app.fab_overrides import navbar_menu
from app.health import bp as health_bp
from app.input_guard import init_input_guard
from app.request_log import init_request_log
from app.security import audit  # noqa: F401 — registers the security log's flush listener
from app.security.hardening import init_hardening
from app.security.login_limits import init_login_limits
from app.security.passwords import validate_password
from app.security.sessions import init_sessions
from app.settings import configure, init_database
from app.views import page_texts, register_views
from app.workflow.rules import STATES
from app.workflow.vocabulary import APPROVAL_LABELS, OUTCOME_LABELS, Approval, Outcome


def create_app(config: object | str = "config.Config", **overrides) -> Flask:
    # FAB's own security API warns about filters it cannot build for relation columns.
    logging.getLogger("flask_appbuilder.models.filters").setLevel(logging.ERROR)
    # INSTANCE_PATH (tests): another instance folder than the project's instance/.
    app = Flask("app", instance_relative_config=True,
                instance_path=overrides.pop("INSTANCE_PATH", None))
    configure(app, config, overrides)
    app.config["FAB_PASSWORD_COMPLEXITY_VALIDATOR"] = validate_password
    _init_extensions(app)
    with app.app_context():
        appbuilder = AppBuilder(update_perms=False)
        appbuilder.init_app(app, db.session)
        _register_views(appbuilder)
        appbuilder.post_init()
        _register_template_helpers(app)
        _api_speaks_indonesian(app)
    _register_blueprints(app)
    _register_cli(app)
    app.after_request(_static_files_cached)
    return app


def _api_speaks_indonesian(app: Flask) -> None:
    """Every API answer is Indonesian (SPEC §7), whatever a session or `_l_` asks the screens
    to speak: FAB's locale selector is asked only outside /api/."""
    babel = app.extensions["babel"]
    chosen = babel.locale_selector

    def select_locale():
        if has_request_context() and request.path.startswith("/api/"):
            return app.config["BABEL_DEFAULT_LOCALE"]
        return chosen() if chosen else None

    babel.locale_selector = select_locale


STATIC_ENDPOINTS = ("static", "appbuilder.static")
STATIC_MAX_AGE = 3600  # seconds: a page's 25 scripts and styles are not asked for again


def _static_files_cached(response):
    """Scripts, styles and fonts (ours and FAB's) are kept by the browser for an hour instead
    of being revalidated on every page (Flask's default); nothing personal is static."""
    if request.endpoint in STATIC_ENDPOINTS and response.status_code in (200, 304):
        response.cache_control.public = True
        response.cache_control.max_age = STATIC_MAX_AGE
        response.cache_control.no_cache = None
    return response


def _init_extensions(app: Flask) -> None:
    init_database(app)
    csrf.init_app(app)
    init_hardening(app)
    init_input_guard(app)  # first: what later hooks read is sane by then
    init_login_limits(app)
    init_sessions(app)
    init_request_log(app)
    init_errors(app)
    mail.init_app(app)
    Migrate(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))


def _register_views(appbuilder: AppBuilder) -> None:
    register_views(appbuilder)


def _register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["tanggal"] = timeutil.format_date
    app.jinja_env.filters["jam"] = timeutil.format_time
    app.jinja_env.filters["waktu"] = timeutil.format_datetime
    app.jinja_env.filters["slot"] = timeutil.format_slot
    app.jinja_env.filters["shown"] = values.shown
    app.jinja_env.globals["list_rows"] = values.list_rows
    app.jinja_env.globals["navbar_menu"] = navbar_menu  # FAB's menu, once per permission set
    app.jinja_env.globals["STATE_LABELS"] = STATES
    app.jinja_env.globals["page_texts"] = page_texts  # FAB's scripts in the reader's language
    app.jinja_env.globals.update(Approval=Approval, Outcome=Outcome,
                                 APPROVAL_LABELS=APPROVAL_LABELS, OUTCOME_LABELS=OUTCOME_LABELS)


def _register_blueprints(app: Flask) -> None:
    app.register_blueprint(health_bp)
    csrf.exempt(health_bp)


def _register_cli(app: Flask) -> None:
    # Imported here on purpose: the CLI is the top of the tree (it imports reports/ and seeds/,
    # which import app), so importing it while `app` itself loads would close a circle.
    from app.cli import register_cli

    register_cli(app)
