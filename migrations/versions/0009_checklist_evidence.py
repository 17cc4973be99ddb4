"""the Kasi's acknowledgement of a day's FM-02; missed rounds of the old clock count as told

- checklist_acknowledgement: one row per day the Kasi PDSI acknowledged ("Mengetahui"): who
  and when. Until this revision the print showed the Kasi's name on every day.
- checklist_round.missed_notified_at: the clock now claims a missed round's notice through
  this column. The old clock told every missed round at once without setting it, so the
  missed rounds already stored are marked as told (at their creation), lest the first pass
  after the upgrade send them all again.

Revision ID: 0009_checklist_evidence
Revises: 0008
Create Date: 2026-12-02 14:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0009_checklist_evidence'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'checklist_acknowledgement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('acknowledged_by_id', sa.Integer(), nullable=False),
        sa.Column('acknowledged_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['acknowledged_by_id'], ['ab_user.id'],
                                name='fk_checklist_acknowledgement_acknowledged_by_id'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('date'),
    )
    op.execute("UPDATE checklist_round SET missed_notified_at = created_at "
               "WHERE status = 'missed' AND missed_notified_at IS NULL")


def downgrade():
    op.drop_table('checklist_acknowledgement')
