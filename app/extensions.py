"""Extension singletons, bound to the app in create_app (Superset's layout)."""

from flask_appbuilder.models.sqla.base import SQLA
from flask_mail import Mail
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

db = SQLA()
csrf = CSRFProtect()
mail = Mail()
migrate = Migrate()
