"""trigram text search on request number and title (issue 9)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 21:30:00

PostgreSQL: GIN trigram indexes (pg_trgm, a trusted extension that a database owner may
create). Where the extension cannot be created, the upgrade goes on without the indexes and
says so; searching still works, only slower. SQLite: an FTS5 trigram table kept by triggers.
See app/requests/search.py.
"""
import logging

from alembic import op
from sqlalchemy.exc import DBAPIError

from app.requests import search

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in search.SQLITE_DDL:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        try:
            with bind.begin_nested():
                bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DBAPIError as err:
            log.warning("pg_trgm not available (%s); text search stays unindexed. "
                        "A superuser can run CREATE EXTENSION pg_trgm and upgrade again.",
                        str(err).splitlines()[0])
            return
        for statement in search.POSTGRESQL_DDL:
            op.execute(statement)


def downgrade():
    bind = op.get_bind()
    statements = {"sqlite": search.SQLITE_DROP, "postgresql": search.POSTGRESQL_DROP}
    for statement in statements.get(bind.dialect.name, []):
        op.execute(statement)
