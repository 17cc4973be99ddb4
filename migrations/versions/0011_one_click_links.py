"""one-click decision links from email: the token ids already used; an index for the
dashboard's requests finished in a period (issue 20)

A link in an approval email acts once: its token id is written here in the transaction of the
decision, under a unique constraint, so a second click (or two at once) is refused.

Revision ID: 0011_one_click_links
Revises: 0008
Create Date: 2026-12-02 14:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0011_one_click_links'
down_revision = '0010_innovation_verification'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'one_click_use',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_id', sa.String(length=40), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id']),
        sa.ForeignKeyConstraint(['request_id'], ['service_request.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_id'),
    )
    op.create_index('ix_request_kind_closed', 'service_request', ['kind', 'closed_at'],
                    unique=False)


def downgrade():
    op.drop_index('ix_request_kind_closed', table_name='service_request')
    op.drop_table('one_click_use')
