"""The outbox page for the Admin and the Kasi (queued, sent, failing)."""

import re

from flask import abort, flash, redirect
from flask_appbuilder import ModelView
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from app.fab_overrides import RowCheckedActions
from app.notify.models import Outbox
from app.notify.sender import retry_now
from app.security import roles as R
from app.timeutil import format_datetime

# The outbox's states as the page names them (app/notify/sender.py moves a row through them).
STATUS_LABELS = {"queued": _l("Queued"), "sending": _l("Sending"), "sent": _l("Sent"),
                 "failed": _l("Given up")}
# What a failed delivery's stored error means, in words (the error itself is the mail library's
# English): the first pattern found in it wins.
DELIVERY_ERRORS = [
    (re.compile(r"Errno 111|Connection refused", re.I),
     _l("The mail server refused the connection.")),
    (re.compile(r"timed out|timeout", re.I), _l("The mail server did not answer in time.")),
    (re.compile(r"Name or service not known|getaddrinfo|nodename", re.I),
     _l("The mail server's name is unknown.")),
    (re.compile(r"Authentication|\b535\b", re.I), _l("The mail server refused the login.")),
    (re.compile(r"Recipient|\b55[0-4]\b", re.I), _l("The mail server refused the recipient.")),
    (re.compile(r"SSL|TLS|certificate", re.I), _l("The secure connection to the mail server "
                                                  "failed.")),
]


def delivery_error(text: str | None) -> str:
    if not text:
        return "-"
    return str(next((label for pattern, label in DELIVERY_ERRORS if pattern.search(text)),
                    _l("The mail server could not take the message.")))


class OutboxView(RowCheckedActions, ModelView):
    datamodel = SQLAInterface(Outbox)
    class_permission_name = R.OUTBOX
    method_permission_name = {**R.VIEW_VERBS, "send_now": "act"}
    base_permissions = ["can_read", "can_act"]
    base_order = ("id", "desc")
    list_title = _l("Outgoing mail")
    list_columns = ["created_at", "recipient_email", "subject", "status", "attempts", "last_error"]
    show_columns = ["created_at", "recipient_email", "subject", "body_text", "status",
                    "attempts", "next_attempt_at", "sent_at", "last_error"]
    search_columns = ["status", "recipient_email", "subject"]
    search_form_extra_fields = {"status": SelectField(_l("Status"),
                                                      choices=list(STATUS_LABELS.items()))}
    show_title = _l("Outgoing email")
    label_columns = {"created_at": _l("Queued at"), "recipient_email": _l("Recipient"),
                     "subject": _l("Subject"), "status": _l("Status"), "attempts": _l("Attempts"),
                     "last_error": _l("Last error"), "body_text": _l("Message"),
                     "sent_at": _l("Sent at"), "next_attempt_at": _l("Next attempt"),
                     "event": _l("Event")}
    formatters_columns = {"created_at": format_datetime, "sent_at": format_datetime,
                          "next_attempt_at": format_datetime,
                          "status": lambda s: STATUS_LABELS.get(s, s),
                          "last_error": delivery_error}

    @action("send_now", _l("Send now"), confirmation=None, icon="fa-paper-plane",
            multiple=True)
    def send_now(self, items):
        rows = [row for row in (items if isinstance(items, list) else [items]) if row]
        if not rows:
            abort(404)
        counts = retry_now([row.id for row in rows])
        flash(gettext("Sent: %(sent)s, failed: %(failed)s", sent=counts["sent"],
                      failed=counts["failed"] + counts["given_up"]), "info")
        return redirect(self.get_redirect())
