"""How many requests there are per kind and state, without counting a million rows.

The Kasi, the Kabid and the supervisors see every request, so their list's COUNT(*) reads the
whole table on every page (about 300 ms at 700,000 FM-01 rows on PostgreSQL, nearly all of
the page's time). Database triggers (migration 0004) keep a tally instead: every insert,
delete or change of kind/state of a request appends a +1/-1 row to `request_tally`, in the
same transaction as the change, so the tally is as exact as the table. Appending never
waits on another transaction (no hot counter row to lock), and `compact()` (run by each
`flask jobs run-due` pass) folds the rows into one per (kind, state) atomically.

The tally answers the count of an unfiltered list or one filtered by state equality, for a
user who sees all requests; anything else is counted from the table as before.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, column, func, select, table, text

from app.extensions import db

TALLY_TABLE = "request_tally"

_tally = table(TALLY_TABLE, column("kind", String), column("status", String),
               column("n", Integer))


def count(kind: str, status: str | None = None, *, except_status: str | None = None) -> int:
    """Requests of a kind: all, in one state, or in every state but one."""
    query = select(func.coalesce(func.sum(_tally.c.n), 0)).where(_tally.c.kind == kind)
    if status is not None:
        query = query.where(_tally.c.status == status)
    if except_status is not None:
        query = query.where(_tally.c.status != except_status)
    return int(db.session.execute(query).scalar())


def compact() -> None:
    """Fold the tally into one row per (kind, state); safe while others write or compact."""
    rows = db.session.execute(select(func.count()).select_from(_tally)).scalar()
    keys = db.session.execute(select(func.count()).select_from(
        select(_tally.c.kind, _tally.c.status).distinct().subquery())).scalar()
    if rows == keys:
        return  # one row per key already (a row appended meanwhile waits for the next pass)
    if db.session.get_bind().dialect.name == "postgresql":
        # One statement: rows appended meanwhile are not in its snapshot and stay; a second
        # compactor waits on the deleted rows, then finds them gone and skips them.
        db.session.execute(text(
            f"WITH gone AS (DELETE FROM {TALLY_TABLE} RETURNING kind, status, n) "
            f"INSERT INTO {TALLY_TABLE} (kind, status, n) "
            "SELECT kind, status, sum(n) FROM gone GROUP BY kind, status HAVING sum(n) <> 0"))
    else:
        # SQLite has one writer at a time: with its lock taken first, the read, the delete
        # and the rewrite below see one state that nobody changes in between.
        _take_sqlite_write_lock()
        sums = db.session.execute(
            select(_tally.c.kind, _tally.c.status, func.sum(_tally.c.n))
            .group_by(_tally.c.kind, _tally.c.status)).all()
        db.session.execute(_tally.delete())
        folded = [{"kind": k, "status": s, "n": n} for k, s, n in sums if n]
        if folded:
            db.session.execute(_tally.insert(), folded)
    db.session.commit()


def _take_sqlite_write_lock() -> None:
    """A real write (a zero row, folded away or deleted after) starts SQLite's write
    transaction; a plain BEGIN would let another writer in before this one writes."""
    db.session.execute(_tally.insert().values(kind="", status="", n=0))


_BACKFILL = (f"INSERT INTO {TALLY_TABLE} (kind, status, n) "
             "SELECT kind, status, count(*) FROM service_request GROUP BY kind, status")


def rebuild() -> int:
    """Recount from `service_request` in one transaction, for a tally made wrong by SQL that
    fires no row triggers (PostgreSQL's TRUNCATE, a load with triggers disabled)."""
    if db.session.get_bind().dialect.name == "postgresql":
        # Writers wait for this transaction; readers and the tally's own appends go on after.
        db.session.execute(text("LOCK TABLE service_request IN SHARE MODE"))
    else:
        _take_sqlite_write_lock()
    db.session.execute(_tally.delete())
    db.session.execute(text(_BACKFILL))
    rows = db.session.execute(select(func.count()).select_from(_tally)).scalar()
    db.session.commit()
    return rows
