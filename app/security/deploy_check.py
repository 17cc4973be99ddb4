"""`flask check-deploy`: refuse a production start with unsafe settings (issue #7)."""

from __future__ import annotations

from flask import Flask


def deploy_problems(app: Flask) -> list[str]:
    config = app.config
    problems = []
    if config.get("SECRET_KEY_GENERATED"):
        problems.append("SECRET_KEY dibuat otomatis di folder instance; atur SECRET_KEY yang "
                        "sama di setiap server aplikasi (lihat docs/DEPLOY.md).")
    if config.get("RATELIMIT_STORAGE_URI", "").startswith("memory://"):
        problems.append("RATELIMIT_STORAGE_URI memory:// menghitung per proses; gunakan "
                        "database:// atau redis:// untuk beberapa worker.")
    if app.debug or config.get("DEBUG"):
        problems.append("Mode debug menyala (FLASK_DEBUG); matikan di produksi.")
    if not config.get("SESSION_COOKIE_SECURE"):
        problems.append("SESSION_COOKIE_SECURE belum menyala; layani lewat HTTPS lalu set 1.")
    if not config.get("MAIL_SERVER"):
        problems.append("MAIL_SERVER belum diatur; notifikasi email tidak akan terkirim.")
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        problems.append("Basis data masih SQLite; gunakan PostgreSQL (DATABASE_URL) di produksi.")
    if not config.get("WTF_CSRF_ENABLED", True):
        problems.append("Perlindungan CSRF dimatikan.")
    if "localhost" in config.get("APP_BASE_URL", "") or "127.0.0.1" in config.get(
            "APP_BASE_URL", ""):
        problems.append("APP_BASE_URL masih alamat lokal; tautan di email tidak akan bisa dibuka.")
    return problems
