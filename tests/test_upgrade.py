"""`flask db upgrade` from the first migration, with demo data, to head without loss (issue #8)."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import inspect

from app.extensions import db
from tests.conftest import create_pg_database, drop_pg_database, make_app
from tests.test_backup import snapshot

FIRST = "0001"


def test_upgrade_from_the_first_migration_keeps_every_row(backend, tmp_path):
    name = None
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'lama.db'}"
    else:
        name, url = create_pg_database()
    try:
        app = make_app(url)
        with app.app_context():
            upgrade(revision=FIRST)
            from app.cli import sync_all_roles
            from seeds.loader import load_demo

            sync_all_roles()
            load_demo()
            db.session.remove()
        before = snapshot(app)
        assert sum(len(rows) for rows in before.values()) > 200
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            indexes = {i["name"] for i in inspect(db.engine).get_indexes("assignment")}
            assert "ix_assignment_assigned_at" in indexes
            head = db.session.execute(db.text("SELECT version_num FROM alembic_version")).scalar()
            db.session.remove()
            db.engine.dispose()
        assert head != FIRST
        after = snapshot(app)
        after.pop("alembic_version", None)
        before.pop("alembic_version", None)
        assert after == before
    finally:
        if name:
            drop_pg_database(name)
