"""Configuration, read from the environment (SPEC §7)."""

import os
from datetime import timedelta

from flask_appbuilder.const import AUTH_DB

BASE_DIR = os.path.abspath(os.path.dirname(__file__))


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


class Config:
    APP_NAME = "Layanan TI"
    APP_ICON = None
    # No built-in key: without one the app makes a random key once in the instance folder
    # (create_app); a configured key shorter than 32 characters is refused at start.
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    # None means "SQLite in the instance folder", resolved in create_app.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or None
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Flask-AppBuilder: schema comes from Alembic, roles from `flask init-roles`.
    FAB_CREATE_DB = False
    FAB_UPDATE_PERMS = False
    FAB_ADD_SECURITY_API = True
    FAB_API_SWAGGER_UI = True
    FAB_API_MAX_PAGE_SIZE = 100
    FAB_SECURITY_MANAGER_CLASS = "app.security.manager.SecurityManager"
    FAB_INDEX_VIEW = "app.home.HomeView"
    FAB_BASE_TEMPLATE = "layanan_base.html"
    AUTH_TYPE = AUTH_DB
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"
    AUTH_USER_REGISTRATION = False
    # FAB's own login limit counts every POST per address; ours counts failures per name and
    # per address, on the form and the API (app/security/login_limits.py).
    AUTH_RATE_LIMITED = False
    RATELIMIT_ENABLED = False
    LOGIN_LIMIT_ENABLED = _bool("LOGIN_LIMIT_ENABLED", True)
    LOGIN_FAILURE_LIMIT = os.environ.get("LOGIN_FAILURE_LIMIT", "10 per 5 minutes")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "database://")
    # How many reverse proxies stand in front and set X-Forwarded-For/-Proto (SPEC §7).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    FAB_PASSWORD_COMPLEXITY_ENABLED = True
    # FAB_PASSWORD_COMPLEXITY_VALIDATOR is set to a callable in create_app.

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    PERMANENT_SESSION_LIFETIME = timedelta(
        hours=float(os.environ.get("SESSION_IDLE_HOURS", "8"))
    )

    # Indonesian first (SPEC §7), English available.
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Makassar"
    BABEL_TRANSLATION_DIRECTORIES = os.path.join(BASE_DIR, "app", "translations")
    LANGUAGES = {
        "id": {"flag": "id", "name": "Bahasa Indonesia"},
        "en": {"flag": "gb", "name": "English"},
    }

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Layanan TI DPMPTSP <layanan-ti@dpmptsp.denpasarkota.go.id>"
    )
    APP_BASE_URL = os.environ.get("APP_BASE_URL", "http://127.0.0.1:8080").rstrip("/")

    # The office's procedure, configurable where the SOP leaves room.
    OFFICE_TIMEZONE = "Asia/Makassar"
    CHECKLIST_SLOTS = os.environ.get("CHECKLIST_SLOTS", "08:00,13:00").split(",")
    CHECKLIST_GRACE_MINUTES = int(os.environ.get("CHECKLIST_GRACE_MINUTES", "60"))
    REMINDER_TIME = os.environ.get("REMINDER_TIME", "07:30")
    APPROVAL_REMINDER_WORKING_DAYS = int(os.environ.get("APPROVAL_REMINDER_WORKING_DAYS", "2"))
    REQUEST_NUMBER_FORMAT = {
        "improvement": os.environ.get(
            "NUMBER_FORMAT_IMPROVEMENT", "{seq:03d}/PPS-TI/DPMPTSP/{month_roman}/{year}"
        ),
        "support": os.environ.get(
            "NUMBER_FORMAT_SUPPORT", "{seq:03d}/PDT-TI/DPMPTSP/{month_roman}/{year}"
        ),
    }
    # The printed forms' letterhead and document control (SPEC §6); the emblem is uploaded by
    # the Admin (Kop Surat), at most LOGO_MAX_BYTES, PNG or JPEG.
    OFFICE_ADDRESS = os.environ.get(
        "OFFICE_ADDRESS", "GRAHA SEWAKA DHARMA, JL. MAJAPAHIT, LUMINTANG, DENPASAR")
    OFFICE_PHONE = os.environ.get("OFFICE_PHONE", "(0361) 223925")
    OFFICE_EMAIL = os.environ.get("OFFICE_EMAIL", "dpmptsp@denpasarkota.go.id")
    OFFICE_WEBSITE = os.environ.get("OFFICE_WEBSITE", "dpmptsp.denpasarkota.go.id")
    FORM_REVISION = os.environ.get("FORM_REVISION", "00")
    FORM_EFFECTIVE_DATE = os.environ.get("FORM_EFFECTIVE_DATE", "2026-01-02")  # YYYY-MM-DD
    LOGO_MAX_BYTES = int(os.environ.get("LOGO_MAX_BYTES", str(512 * 1024)))
    # Public verification page of a printed form (GET /verify/<code>): look-ups per address.
    VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "30 per minute")
    # Electronic signature (PAdES) of every print, when a PKCS#12 file is configured.
    SIGNING_CERT = os.environ.get("SIGNING_CERT") or None
    SIGNING_CERT_PASSWORD = os.environ.get("SIGNING_CERT_PASSWORD") or None
    ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(5 * 1024 * 1024)))
    MAX_CONTENT_LENGTH = ATTACHMENT_MAX_BYTES + 1024 * 1024
    # Reports are built by a worker (app/reports/jobs.py): GET /reports/<name>.xlsx waits this
    # long for the file, then answers 202 with a Location to poll. Files are kept in
    # REPORT_FOLDER (default: instance/reports) for REPORT_KEEP_SECONDS; an identical request
    # within REPORT_FRESH_SECONDS gets the same file. REPORT_INPROCESS_WORKER: each web process
    # builds in a thread of its own (off when `flask reports work` runs beside it).
    REPORT_WAIT_SECONDS = float(os.environ.get("REPORT_WAIT_SECONDS", "25"))
    REPORT_FOLDER = os.environ.get("REPORT_FOLDER") or None
    REPORT_KEEP_SECONDS = int(os.environ.get("REPORT_KEEP_SECONDS", "3600"))
    REPORT_FRESH_SECONDS = int(os.environ.get("REPORT_FRESH_SECONDS", "300"))
    REPORT_INPROCESS_WORKER = os.environ.get("REPORT_INPROCESS_WORKER", "1") == "1"
    # Builds at once across all workers: on the office's 2 cores one build leaves the web
    # workers their CPU; later requests wait in the queue.
    REPORT_CONCURRENCY = int(os.environ.get("REPORT_CONCURRENCY", "1"))

    # One-click decisions from email (SPEC §5, issue 20): the off switch and the links' life.
    ONE_CLICK_ENABLED = _bool("ONE_CLICK_ENABLED", True)
    ONE_CLICK_HOURS = float(os.environ.get("ONE_CLICK_HOURS", "72"))


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-that-is-long-enough-for-hs256"
    WTF_CSRF_ENABLED = False
    LOGIN_LIMIT_ENABLED = False  # the login-limit tests turn it on
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 1  # nothing listens: mail tests start a real SMTP server and point here
    MAIL_SUPPRESS_SEND = False  # Flask-Mail would otherwise drop mail when TESTING
    MAIL_DEFAULT_SENDER = "layanan-ti@test.local"
    APP_BASE_URL = "http://layanan.test"
