"""`flask check-deploy`: refuse a production start with unsafe settings (issue #7)."""

from __future__ import annotations

from flask import Flask

from config import DEFAULT_SECRET_KEY


def deploy_problems(app: Flask) -> list[str]:
    config = app.config
    problems = []
    key = config.get("SECRET_KEY") or ""
    if key == DEFAULT_SECRET_KEY or len(key) < 32:
        problems.append("SECRET_KEY masih bawaan atau kurang dari 32 karakter.")
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
    if config.get("ACTION_PAUSE_SECONDS"):
        problems.append("LAYANAN_TEST_ACTION_PAUSE menyala; itu hanya untuk pengujian.")
    return problems
