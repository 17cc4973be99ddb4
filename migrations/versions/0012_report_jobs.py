"""report jobs: reports asked for on the web are built by a worker (issue 21)

Revision ID: 0012_report_jobs
Revises: 0008
Create Date: 2026-12-02 14:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0012_report_jobs'
down_revision = '0011_one_click_links'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('active_key', sa.String(length=200), nullable=True),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('start', sa.Date(), nullable=False),
        sa.Column('end', sa.Date(), nullable=False),
        sa.Column('scope', sa.String(length=40), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('rows_done', sa.Integer(), nullable=False),
        sa.Column('rows_total', sa.Integer(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('lease_until', sa.DateTime(), nullable=True),
        sa.Column('worker', sa.String(length=80), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('asked_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('active_key'),
    )
    op.create_index('ix_report_job_status', 'report_job', ['status', 'created_at'],
                    unique=False)


def downgrade():
    op.drop_index('ix_report_job_status', table_name='report_job')
    op.drop_table('report_job')
