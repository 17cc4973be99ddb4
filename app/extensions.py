"""Extension singletons, bound to the app in create_app (Superset's layout).

Flask-Migrate (Alembic, 9 MB) is bound in app.factory only: the report worker, which imports
this module, never migrates."""

from flask_appbuilder.models.sqla.base import SQLA
from flask_mail import Mail
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.dialects import postgresql, sqlite

db = SQLA()
csrf = CSRFProtect()
mail = Mail()


def upsert_insert(entity):
    """INSERT for the database in use, with ON CONFLICT (PostgreSQL's or SQLite's)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(entity)
