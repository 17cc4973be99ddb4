"""partial index over open requests for the home page (issue 9)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 22:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

OPEN = sa.text("status NOT IN ('done', 'rejected', 'cancelled')")


def upgrade():
    op.create_index('ix_request_open', 'service_request',
                    ['status', 'target_date', 'id', 'requester_id', 'officer_id', 'unit_id',
                     'kind'], unique=False, postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade():
    op.drop_index('ix_request_open', table_name='service_request')
