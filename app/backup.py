"""`flask backup create|restore`: the database and the attachments in one archive (issue #8).

SQLite is copied with its online backup API (consistent while the app runs); PostgreSQL with
pg_dump/pg_restore in custom format. A restore refuses to overwrite a database that holds data
unless told to (`--force`).
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile

from flask import current_app
from sqlalchemy import inspect, make_url, text

from app.extensions import db

DB_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(RuntimeError):
    pass


def _url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _backend() -> str:
    return "postgresql" if _url().get_backend_name() == "postgresql" else "sqlite"


def _pg_env_and_args() -> tuple[dict, list[str]]:
    url = _url()
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    args = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
            "-U", url.username or "postgres", "-d", url.database]
    return env, args


def _dump_database(target: str) -> None:
    if _backend() == "sqlite":
        source = sqlite3.connect(_url().database)
        dest = sqlite3.connect(target)
        with dest:
            source.backup(dest)
        dest.close()
        source.close()
        return
    env, args = _pg_env_and_args()
    result = subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", target, *args], env=env,
                            capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"pg_dump gagal: {result.stderr.strip()}")


def create(output: str | None = None, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.timezone.utc)
    backend = _backend()
    output = output or os.path.join(current_app.instance_path, "backups",
                                    f"layanan-{now:%Y%m%d-%H%M%S}.tar.gz")
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        dump = os.path.join(work, DB_MEMBER[backend])
        _dump_database(dump)
        manifest = {"backend": backend, "created_at": now.isoformat(),
                    "schema": db.session.execute(
                        text("SELECT version_num FROM alembic_version")).scalar()}
        with open(os.path.join(work, "manifest.json"), "w") as handle:
            json.dump(manifest, handle)
        with tarfile.open(output, "w:gz") as archive:
            archive.add(os.path.join(work, "manifest.json"), "manifest.json")
            archive.add(dump, DB_MEMBER[backend])
            folder = current_app.config["ATTACHMENT_FOLDER"]
            if os.path.isdir(folder):
                archive.add(folder, "attachments")
    return output


def _has_data() -> bool:
    tables = inspect(db.engine).get_table_names()
    if "ab_user" not in tables:
        return False
    return bool(db.session.execute(text("SELECT COUNT(*) FROM ab_user")).scalar())


def restore(archive_path: str, force: bool = False) -> dict:
    if _has_data() and not force:
        raise BackupError("Basis data tujuan sudah berisi data; gunakan --force untuk menimpanya.")
    backend = _backend()
    with tempfile.TemporaryDirectory() as work:
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(work, filter="data")
        with open(os.path.join(work, "manifest.json")) as handle:
            manifest = json.load(handle)
        if manifest["backend"] != backend:
            raise BackupError(f"Cadangan dari {manifest['backend']} tidak dapat dipulihkan ke "
                              f"{backend}.")
        db.session.remove()
        db.engine.dispose()
        dump = os.path.join(work, DB_MEMBER[backend])
        if backend == "sqlite":
            source = sqlite3.connect(dump)
            dest = sqlite3.connect(_url().database)
            with dest:
                source.backup(dest)
            dest.close()
            source.close()
        else:
            env, args = _pg_env_and_args()
            result = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner",
                                     "--single-transaction", *args, dump],
                                    env=env, capture_output=True, text=True)
            if result.returncode:
                raise BackupError(f"pg_restore gagal: {result.stderr.strip()}")
        folder = current_app.config["ATTACHMENT_FOLDER"]
        saved = os.path.join(work, "attachments")
        if os.path.isdir(saved):
            os.makedirs(folder, exist_ok=True)
            for name in os.listdir(saved):
                shutil.copy2(os.path.join(saved, name), os.path.join(folder, name))
    return manifest


def prune(folder: str, keep: int) -> list[str]:
    """Keep the newest `keep` archives in the folder (for the scheduled daily backup)."""
    archives = sorted(glob.glob(os.path.join(folder, "layanan-*.tar.gz")))
    removed = archives[:-keep] if keep > 0 else []
    for path in removed:
        os.remove(path)
    return removed
