"""Migrations match the models on both databases; the demo seed is idempotent (issue #2)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_appbuilder import Model
from sqlalchemy import func, select

from app.checklist.models import CheckItem, Holiday
from app.extensions import db
from app.requests.models import RequestHistory, ServiceRequest, SimSystem
from app.requests.search import include_object
from app.security.models import AppUser, Unit

SEEDED = (Unit, AppUser, SimSystem, CheckItem, Holiday, ServiceRequest, RequestHistory)


def test_migrations_match_the_models(app):
    with app.app_context():
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"include_object": include_object}),
                Model.metadata)
    assert diff == []


def _counts():
    return {m.__name__: db.session.execute(select(func.count()).select_from(m)).scalar_one()
            for m in SEEDED}


def test_seed_demo_twice_gives_the_same_rows(app):
    runner = app.test_cli_runner()
    with app.app_context():
        before = _counts()
        db.session.remove()
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    assert "samples_added=0" in result.output and "holidays_added=0" in result.output
    with app.app_context():
        assert _counts() == before
        assert before["Unit"] >= 6 and before["AppUser"] >= 10 and before["Holiday"] > 50


def test_demo_users_have_their_roles_and_units(ctx):
    rows = {u.username: u for u in db.session.execute(select(AppUser)).scalars()}
    assert {r.name for r in rows["kabid.dalak"].roles} == {"Kabid Dalak", "Kepala Unit", "Pemohon"}
    assert rows["pemohon"].unit.name == "Bidang Pelayanan Perizinan"
    assert rows["pemohon2"].unit.name == "Sub Bagian Umum dan Kepegawaian"
    assert all(len(u.nip) == 18 for u in rows.values() if u.nip)
    heads = {u.name: u.head.username for u in db.session.execute(select(Unit)).scalars() if u.head}
    assert heads["Bidang Pelayanan Perizinan"] == "kabid.pelayanan"
