"""absences can be withdrawn; 'decided alone' and its reason as history columns (issue 13)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 09:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# The stamp the workflow wrote until this revision, e.g.
# "Diputuskan Kasi PDSI — Kabid Dalak berhalangan hadir (Dinas luar ke Jakarta)".
OLD_STAMP_MARK = 'berhalangan hadir'


def upgrade():
    with op.batch_alter_table('absence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_absence_withdrawn_by_id', 'ab_user',
                                    ['withdrawn_by_id'], ['id'])
    op.add_column('request_history', sa.Column('decided_alone', sa.Boolean(), nullable=False,
                                               server_default=sa.false()))
    op.add_column('request_history', sa.Column('absence_reason', sa.Text(), nullable=True))

    conn = op.get_bind()
    history = sa.table('request_history', sa.column('id', sa.Integer),
                       sa.column('stamp', sa.Text), sa.column('decided_alone', sa.Boolean),
                       sa.column('absence_reason', sa.Text))
    rows = conn.execute(sa.select(history.c.id, history.c.stamp)
                        .where(history.c.stamp.like(f'%{OLD_STAMP_MARK}%'))).all()
    for row_id, stamp in rows:
        head, bracket, reason = stamp.rstrip(')').rpartition('(')
        conn.execute(history.update().where(history.c.id == row_id).values(
            decided_alone=True,
            absence_reason=reason.strip() if bracket and head and reason.strip() else None))


def downgrade():
    op.drop_column('request_history', 'absence_reason')
    op.drop_column('request_history', 'decided_alone')
    with op.batch_alter_table('absence', schema=None) as batch_op:
        batch_op.drop_constraint('fk_absence_withdrawn_by_id', type_='foreignkey')
        batch_op.drop_column('withdrawn_by_id')
        batch_op.drop_column('withdrawn_at')
