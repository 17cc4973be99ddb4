"""date-times people typed were stored as if they were UTC: move them to the UTC they meant

Until issue 16 a date-time typed in a form or sent to the API without an offset was stored as
it was typed, while every other column holds UTC and every screen adds eight hours to show
WITA. The typed columns are:

- incident.occurred_at (the incident form and POST/PUT /api/v1/incident/),
- service_request.needed_from and service_request.needed_until (FM-03 form and API).

Each stored value is a WITA wall-clock time, so the UTC instant it meant is eight hours
earlier (Asia/Makassar has no daylight saving). No other column was typed by a person:
the rest are set by the app from its clock (already UTC) or are dates.

Rows that `flask seed demo` made were already UTC; in a demo database that existed before this
revision they move eight hours too (demo data only; the office's own rows were all typed).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 08:00:00

"""
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

TYPED = (("incident", "occurred_at"), ("service_request", "needed_from"),
         ("service_request", "needed_until"))


def _shift(hours: int) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column in TYPED:
        if sqlite:
            # SQLAlchemy stores 'YYYY-MM-DD HH:MM:SS.ffffff': shift the first 19 characters,
            # keep the fraction.
            moved = (f"strftime('%Y-%m-%d %H:%M:%S', {column}, '{hours:+d} hours') "
                     f"|| substr({column}, 20)")
        else:
            moved = f"{column} + interval '{hours} hours'"
        op.execute(f"UPDATE {table} SET {column} = {moved} WHERE {column} IS NOT NULL")


def upgrade():
    _shift(-8)


def downgrade():
    _shift(+8)
