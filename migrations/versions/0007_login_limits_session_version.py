"""failed-login counters; a per-user session version that ends sessions and tokens; when a
mail was first tried, so a long outage does not make it give up after one try (issue 14)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 11:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_limit',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    op.add_column('ab_user', sa.Column('session_version', sa.Integer(), nullable=False,
                                       server_default='0'))
    op.add_column('ab_user', sa.Column('ended_sessions', sa.Text(), nullable=True))
    op.add_column('outbox', sa.Column('first_attempt_at', sa.DateTime(), nullable=True))
    # Drafts cancelled unsent are their authors' alone; the see-all lists count them here.
    unsent = sa.text("status = 'cancelled' AND submitted_at IS NULL")
    op.create_index('ix_request_unsent_cancelled', 'service_request', ['kind', 'requester_id'],
                    unique=False, postgresql_where=unsent, sqlite_where=unsent)


def downgrade():
    op.drop_index('ix_request_unsent_cancelled', table_name='service_request')
    op.drop_column('outbox', 'first_attempt_at')
    op.drop_column('ab_user', 'ended_sessions')
    op.drop_column('ab_user', 'session_version')
    op.drop_table('login_limit')
