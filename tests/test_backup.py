"""Backup then restore into an empty database gives the same rows, on both databases (issue #8)."""

from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import select

from app.extensions import db
from tests.conftest import create_pg_database, drop_pg_database, make_app


def snapshot(app) -> dict[str, list]:
    with app.app_context():
        rows = {}
        for table in Model.metadata.sorted_tables:
            rows[table.name] = sorted(
                (tuple(str(v) for v in row) for row in db.session.execute(select(table))),
            )
        db.session.remove()
        return rows


def test_backup_and_restore_into_an_empty_database(app, backend, tmp_path):
    archive = tmp_path / "cadangan.tar.gz"
    result = app.test_cli_runner().invoke(args=["backup", "create", "--output", str(archive)])
    assert result.exit_code == 0, result.output
    before = snapshot(app)

    if backend == "sqlite":
        name, url = None, f"sqlite:///{tmp_path / 'kosong.db'}"
    else:
        name, url = create_pg_database()
    try:
        target = make_app(url, ATTACHMENT_FOLDER=str(tmp_path / "lampiran"))
        runner = target.test_cli_runner()
        result = runner.invoke(args=["backup", "restore", str(archive)])
        assert result.exit_code == 0, result.output
        after = snapshot(target)
        assert after == before
        # A second restore over data refuses without --force, and works with it.
        result = runner.invoke(args=["backup", "restore", str(archive)])
        assert result.exit_code != 0 and "--force" in result.output
        result = runner.invoke(args=["backup", "restore", str(archive), "--force"])
        assert result.exit_code == 0, result.output
        assert snapshot(target) == before
        with target.app_context():
            db.engine.dispose()
    finally:
        if name:
            drop_pg_database(name)
