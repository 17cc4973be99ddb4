"""`flask db upgrade` from the first migration, with demo data, to head without loss (issue #8).

The demo is seeded with today's code at head, the schema taken down to the first migration
(the data as a first-wave installation held it), then brought up again with `flask db
upgrade`: every row and every old column must come through unchanged. Reading the tables
by reflection, not through the models, lets the old schema be read as it was.
"""

from __future__ import annotations

import datetime as dt

from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, inspect, select, text

from app.extensions import db
from tests.conftest import create_pg_database, drop_pg_database, make_app

FIRST = "0001"
OLD_STAMP = "Diputuskan Kasi PDSI — Kabid Dalak berhalangan hadir (Dinas luar ke Jakarta)"


# 0008: the columns people typed held WITA wall-clock times; they now hold UTC, 8 hours less.
TYPED = {"incident": ("occurred_at",), "service_request": ("needed_from", "needed_until")}


def reflected(app, typed_shift: dt.timedelta = dt.timedelta(0)
              ) -> dict[str, tuple[list[str], list[tuple]]]:
    """table -> (columns, sorted rows as text), as the database holds them; the typed
    columns moved by `typed_shift`."""
    with app.app_context():
        meta = MetaData()
        meta.reflect(db.engine)
        tables = {}
        for table in sorted(meta.tables.values(), key=lambda t: t.name):
            if table.name == "alembic_version":
                continue
            columns = [c.name for c in table.columns]
            shifted = [columns.index(c) for c in TYPED.get(table.name, ())]
            rows = sorted(tuple(str(v + typed_shift if i in shifted and v is not None else v)
                                for i, v in enumerate(row))
                          for row in db.session.execute(select(table)))
            tables[table.name] = (columns, rows)
        db.session.remove()
        return tables


def test_upgrade_from_the_first_migration_keeps_every_row(backend, tmp_path):
    name = None
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'lama.db'}"
    else:
        name, url = create_pg_database()
    try:
        app = make_app(url)
        with app.app_context():
            upgrade()
            from app.security.roles import sync_all_roles
            from seeds.loader import load_demo

            sync_all_roles()
            load_demo()
            db.session.remove()
            downgrade(revision=FIRST)
            # A Kasi's decision without the Kabid, as the first wave stamped it.
            first = db.session.execute(text("SELECT min(id) FROM request_history")).scalar()
            db.session.execute(text("UPDATE request_history SET stamp = :s WHERE id = :i"),
                               {"s": OLD_STAMP, "i": first})
            db.session.commit()
            db.session.remove()
        before = reflected(app)
        assert sum(len(rows) for _, rows in before.values()) > 200
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            indexes = {i["name"] for i in inspect(db.engine).get_indexes("assignment")}
            assert "ix_assignment_assigned_at" in indexes
            head = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
            decided = db.session.execute(text(
                "SELECT decided_alone, absence_reason FROM request_history WHERE id = :i"),
                {"i": first}).one()
            marked = db.session.execute(text(
                "SELECT count(*) FROM request_history WHERE stamp LIKE '%berhalangan hadir%'"
            )).scalar()
            flagged = db.session.execute(text(
                "SELECT count(*) FROM request_history WHERE decided_alone")).scalar()
            db.session.remove()
            db.engine.dispose()
        assert head != FIRST
        # 0006 read the old stamps into the new columns, and no other row.
        assert bool(decided[0]) is True and decided[1] == "Dinas luar ke Jakarta"
        assert flagged == marked >= 1
        after = reflected(app, typed_shift=dt.timedelta(hours=8))  # back to what was typed
        for table, (columns, rows) in before.items():
            new_columns, new_rows = after[table]
            keep = [new_columns.index(c) for c in columns]
            assert sorted(tuple(row[i] for i in keep) for row in new_rows) == rows, table
        # ...and they did move: unshifted, the FM-03 rows differ.
        assert reflected(app)["service_request"][1] != before["service_request"][1]
    finally:
        if name:
            drop_pg_database(name)
