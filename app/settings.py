"""Configuration and the database, shared by the web app (app.factory) and the dedicated report
worker (app.reports.worker): nothing here imports FAB's views or our screens."""

from __future__ import annotations

import os
import secrets

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from app.extensions import db


def configure(app: Flask, config, overrides: dict) -> None:
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


def init_database(app: Flask) -> None:
    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            @event.listens_for(db.engine, "connect")
            def _sqlite_pragmas(dbapi_connection, _record):
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA busy_timeout=30000")
                cursor.close()
