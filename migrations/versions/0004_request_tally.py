"""request tally: counts per kind and state kept by triggers (issue 9)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 21:45:00

See app/requests/tally.py. The table is filled from the requests already there.
"""
from alembic import op

from app.requests import tally

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    statements = {"sqlite": tally.SQLITE_DDL, "postgresql": tally.POSTGRESQL_DDL}
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    statements = {"sqlite": tally.SQLITE_DROP, "postgresql": tally.POSTGRESQL_DROP}
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)
