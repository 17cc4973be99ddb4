"""Layanan TI: the IT-work procedure of DPMPTSP Kota Denpasar as a Flask-AppBuilder app."""

from __future__ import annotations

import logging
import os
import secrets

from flask import Flask, has_request_context, request
from flask_appbuilder import AppBuilder
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from app import timeutil
from app.errors import init_errors
from app.extensions import csrf, db, mail, migrate
from app.health import bp as health_bp
from app.input_guard import init_input_guard
from app.request_log import init_request_log
from app.security import audit  # noqa: F401 — registers the security log's flush listener
from app.security.hardening import init_hardening
from app.security.login_limits import init_login_limits
from app.security.passwords import validate_password
from app.security.sessions import init_sessions
from app.views import page_texts, register_views
from app.workflow.rules import STATES
from app.workflow.vocabulary import APPROVAL_LABELS, OUTCOME_LABELS, Approval, Outcome

log = logging.getLogger(__name__)


def create_app(config: object | str = "config.Config", **overrides) -> Flask:
    # FAB's own security API warns about filters it cannot build for relation columns.
    logging.getLogger("flask_appbuilder.models.filters").setLevel(logging.ERROR)
    # INSTANCE_PATH (tests): another instance folder than the project's instance/.
    app = Flask(__name__, instance_relative_config=True,
                instance_path=overrides.pop("INSTANCE_PATH", None))
    _configure(app, config, overrides)
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


def _configure(app: Flask, config, overrides: dict) -> None:
    app.config.from_object(config)
    app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    _secret_key(app)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:  # the client's address and scheme as the nginx in front saw them
        # Host comes from nginx's own Host header; X-Forwarded-Host would be the client's.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = os.path.join(app.instance_path, "layanan.db")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    app.config.setdefault(
        "ATTACHMENT_FOLDER", os.path.join(app.instance_path, "attachments")
    )
    # FAB's own file/image fields (unused, but its views expose downloads that read these).
    app.config.setdefault("UPLOAD_FOLDER", os.path.join(app.instance_path, "fab_uploads"))
    app.config.setdefault("IMG_UPLOAD_FOLDER", os.path.join(app.instance_path, "fab_images"))
    app.config["FAB_PASSWORD_COMPLEXITY_VALIDATOR"] = validate_password
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Concurrent readers while one writer works; wait instead of failing on a lock.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}


SECRET_KEY_FILE = "secret_key"
MIN_SECRET_KEY_LENGTH = 32


def _secret_key(app: Flask) -> None:
    """No built-in key (SPEC §7): a configured key must be long; without one, a random key is
    made once in the instance folder and kept, so sessions survive a restart."""
    key = app.config.get("SECRET_KEY")
    if key:
        if len(key) < MIN_SECRET_KEY_LENGTH:
            raise RuntimeError(f"SECRET_KEY kurang dari {MIN_SECRET_KEY_LENGTH} karakter; "
                               "buat dengan: python3 -c 'import secrets; "
                               "print(secrets.token_hex(32))'")
        return
    path = os.path.join(app.instance_path, SECRET_KEY_FILE)
    if not os.path.exists(path):
        # Written whole under another name, then linked into place: of several gunicorn
        # workers starting at once, one key wins and every worker reads a complete file.
        draft = f"{path}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    with open(path) as kept:
        key = kept.read().strip()
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise RuntimeError(f"{path} tidak berisi kunci yang sah; hapus berkas itu atau atur "
                           "SECRET_KEY.")
    app.config["SECRET_KEY"] = key
    app.config["SECRET_KEY_GENERATED"] = True


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    csrf.init_app(app)
    init_hardening(app)
    init_input_guard(app)  # first: what later hooks read is sane by then
    init_login_limits(app)
    init_sessions(app)
    init_request_log(app)
    init_errors(app)
    mail.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            @event.listens_for(db.engine, "connect")
            def _sqlite_pragmas(dbapi_connection, _record):
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA busy_timeout=30000")
                cursor.close()


def _register_views(appbuilder: AppBuilder) -> None:
    register_views(appbuilder)


def _register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["tanggal"] = timeutil.format_date
    app.jinja_env.filters["jam"] = timeutil.format_time
    app.jinja_env.filters["waktu"] = timeutil.format_datetime
    app.jinja_env.filters["slot"] = timeutil.format_slot
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
