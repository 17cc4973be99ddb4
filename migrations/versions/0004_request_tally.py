"""request tally: counts per kind and state kept by triggers (issue 9)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 21:45:00

See app/requests/tally.py. The table is filled from the requests already there. The SQL is
written out here, frozen: this is history, and the application's code may change after it.
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

SQLITE_DDL = [
    'CREATE TABLE request_tally (kind VARCHAR(20) NOT NULL, status VARCHAR(32) NOT NULL, n INTEGER NOT NULL)',
    'CREATE INDEX ix_request_tally_key ON request_tally (kind, status)',
    'CREATE TRIGGER request_tally_ai AFTER INSERT ON service_request BEGIN INSERT INTO request_tally VALUES (new.kind, new.status, 1); END',
    'CREATE TRIGGER request_tally_ad AFTER DELETE ON service_request BEGIN INSERT INTO request_tally VALUES (old.kind, old.status, -1); END',
    'CREATE TRIGGER request_tally_au AFTER UPDATE OF kind, status ON service_request WHEN old.kind IS NOT new.kind OR old.status IS NOT new.status BEGIN INSERT INTO request_tally VALUES (old.kind, old.status, -1); INSERT INTO request_tally VALUES (new.kind, new.status, 1); END',
    'INSERT INTO request_tally (kind, status, n) SELECT kind, status, count(*) FROM service_request GROUP BY kind, status',
]
SQLITE_DROP = [
    'DROP TRIGGER IF EXISTS request_tally_au',
    'DROP TRIGGER IF EXISTS request_tally_ad',
    'DROP TRIGGER IF EXISTS request_tally_ai',
    'DROP TABLE IF EXISTS request_tally',
]
POSTGRESQL_DDL = [
    'CREATE TABLE request_tally (kind VARCHAR(20) NOT NULL, status VARCHAR(32) NOT NULL, n INTEGER NOT NULL)',
    'CREATE INDEX ix_request_tally_key ON request_tally (kind, status)',
    "CREATE FUNCTION request_tally_change() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    IF TG_OP IN ('UPDATE', 'DELETE') THEN\n        INSERT INTO request_tally VALUES (OLD.kind, OLD.status, -1);\n    END IF;\n    IF TG_OP IN ('UPDATE', 'INSERT') THEN\n        INSERT INTO request_tally VALUES (NEW.kind, NEW.status, 1);\n    END IF;\n    RETURN NULL;\nEND $$",
    'CREATE TRIGGER request_tally_insert_delete AFTER INSERT OR DELETE ON service_request FOR EACH ROW EXECUTE FUNCTION request_tally_change()',
    'CREATE TRIGGER request_tally_update AFTER UPDATE OF kind, status ON service_request FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind OR OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION request_tally_change()',
    'INSERT INTO request_tally (kind, status, n) SELECT kind, status, count(*) FROM service_request GROUP BY kind, status',
]
POSTGRESQL_DROP = [
    'DROP TRIGGER IF EXISTS request_tally_update ON service_request',
    'DROP TRIGGER IF EXISTS request_tally_insert_delete ON service_request',
    'DROP FUNCTION IF EXISTS request_tally_change()',
    'DROP TABLE IF EXISTS request_tally',
]


def upgrade():
    statements = {"sqlite": SQLITE_DDL, "postgresql": POSTGRESQL_DDL}
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)
