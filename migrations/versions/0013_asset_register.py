"""the IT equipment register: assets, their condition history, and the optional asset of an
FM-03 request, an incident and a check item (issue 22)

Revision ID: 0013_asset_register
Revises: 0008
Create Date: 2026-12-02 14:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0013_asset_register'
down_revision = '0012_report_jobs'
branch_labels = None
depends_on = None

LINKED = (('service_request', 'fk_service_request_asset_id', 'ix_service_request_asset_id'),
          ('incident', 'fk_incident_asset_id', 'ix_incident_asset_id'),
          ('check_item', 'fk_check_item_asset_id', 'ix_check_item_asset_id'))


def upgrade():
    op.create_table(
        'asset',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('inventory_number', sa.String(length=60), nullable=False),
        sa.Column('goods_code', sa.String(length=40), nullable=True),
        sa.Column('category', sa.String(length=40), nullable=False),
        sa.Column('brand_type', sa.String(length=120), nullable=False),
        sa.Column('serial_number', sa.String(length=80), nullable=True),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('room', sa.String(length=120), nullable=True),
        sa.Column('holder_id', sa.Integer(), nullable=True),
        sa.Column('year_acquired', sa.Integer(), nullable=True),
        sa.Column('condition', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('notes', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['holder_id'], ['ab_user.id']),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('inventory_number'),
    )
    for column in ('category', 'condition', 'holder_id', 'unit_id'):
        op.create_index(f'ix_asset_{column}', 'asset', [column])
    op.create_table(
        'asset_condition_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('asset_id', sa.Integer(), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.Column('from_condition', sa.String(length=20), nullable=False),
        sa.Column('to_condition', sa.String(length=20), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['asset_id'], ['asset.id']),
        sa.ForeignKeyConstraint(['changed_by_id'], ['ab_user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_asset_condition_change_asset_id', 'asset_condition_change', ['asset_id'])
    # SQLite takes the reference inline (a batch copy would drop the request table's tally
    # triggers and partial indexes); PostgreSQL gets a named constraint.
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, fk, index in LINKED:
        if sqlite:
            op.add_column(table, sa.Column('asset_id', sa.Integer(), sa.ForeignKey('asset.id'),
                                           nullable=True), inline_references=True)
        else:
            op.add_column(table, sa.Column('asset_id', sa.Integer(), nullable=True))
            op.create_foreign_key(fk, table, 'asset', ['asset_id'], ['id'])
        op.create_index(index, table, ['asset_id'])


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, fk, index in LINKED:
        op.drop_index(index, table)
        if not sqlite:
            op.drop_constraint(fk, table, type_='foreignkey')
        op.drop_column(table, 'asset_id')  # SQLite 3.35+ drops a column with its reference
    op.drop_index('ix_asset_condition_change_asset_id', 'asset_condition_change')
    op.drop_table('asset_condition_change')
    for column in ('category', 'condition', 'holder_id', 'unit_id'):
        op.drop_index(f'ix_asset_{column}', 'asset')
    op.drop_table('asset')
