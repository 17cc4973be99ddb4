"""FM-01 category (penyempurnaan / inovasi), the requester's acknowledgement of the result,
verification codes of printed forms, the letterhead's logo (issue 19)

Existing requests are all improvements of an existing SIM module: they get `penyempurnaan`.

Revision ID: 0010_innovation_verification
Revises: 0008
Create Date: 2026-12-02 14:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0010_innovation_verification'
down_revision = '0009_checklist_evidence'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('service_request', sa.Column('category', sa.String(length=20), nullable=False,
                                               server_default='penyempurnaan'))
    op.add_column('service_request', sa.Column('acknowledged_at', sa.DateTime(), nullable=True))
    op.create_table(
        'verification_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('reference', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
        sa.UniqueConstraint('kind', 'reference', name='uq_verification_reference'),
    )
    op.create_table(
        'letterhead_logo',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['ab_user.id']),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade():
    op.drop_table('letterhead_logo')
    op.drop_table('verification_code')
    # Plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): a batch copy of service_request would
    # drop the table that assignments, history and attachments point at.
    op.execute('ALTER TABLE service_request DROP COLUMN acknowledged_at')
    op.execute('ALTER TABLE service_request DROP COLUMN category')
