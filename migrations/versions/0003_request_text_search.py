"""trigram text search on request number and title (issue 9)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 21:30:00

PostgreSQL: GIN trigram indexes (pg_trgm, a trusted extension that a database owner may
create). Where the extension cannot be created, the upgrade goes on without the indexes and
says so; searching still works, only slower, and `flask repair-search` adds them later.
SQLite: an FTS5 trigram table kept by triggers. The SQL is written out here, frozen: this is
history, and the application's code may change after it.
"""
import logging

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

SQLITE_DDL = [
    "CREATE VIRTUAL TABLE request_search USING fts5(number, title, content='service_request', content_rowid='id', tokenize='trigram')",
    'CREATE TRIGGER request_search_ai AFTER INSERT ON service_request BEGIN INSERT INTO request_search(rowid, number, title) VALUES (new.id, new.number, new.title); END',
    "CREATE TRIGGER request_search_ad AFTER DELETE ON service_request BEGIN INSERT INTO request_search(request_search, rowid, number, title) VALUES ('delete', old.id, old.number, old.title); END",
    "CREATE TRIGGER request_search_au AFTER UPDATE OF number, title ON service_request BEGIN INSERT INTO request_search(request_search, rowid, number, title) VALUES ('delete', old.id, old.number, old.title); INSERT INTO request_search(rowid, number, title) VALUES (new.id, new.number, new.title); END",
    "INSERT INTO request_search(request_search) VALUES ('rebuild')",
]
SQLITE_DROP = [
    'DROP TRIGGER IF EXISTS request_search_au',
    'DROP TRIGGER IF EXISTS request_search_ad',
    'DROP TRIGGER IF EXISTS request_search_ai',
    'DROP TABLE IF EXISTS request_search',
]
POSTGRESQL_DDL = [
    'CREATE INDEX IF NOT EXISTS ix_request_number_trgm ON service_request USING gin (number gin_trgm_ops)',
    'CREATE INDEX IF NOT EXISTS ix_request_title_trgm ON service_request USING gin (title gin_trgm_ops)',
]
POSTGRESQL_DROP = [
    'DROP INDEX IF EXISTS ix_request_number_trgm',
    'DROP INDEX IF EXISTS ix_request_title_trgm',
]


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_DDL:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        try:
            with bind.begin_nested():
                bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DBAPIError as err:
            log.warning("pg_trgm not available (%s); text search stays unindexed. "
                        "A superuser can run CREATE EXTENSION pg_trgm, then "
                        "`flask repair-search` adds the indexes.",
                        str(err).splitlines()[0])
            return
        for statement in POSTGRESQL_DDL:
            op.execute(statement)


def downgrade():
    bind = op.get_bind()
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}
    for statement in statements.get(bind.dialect.name, []):
        op.execute(statement)
