"""The page a one-click link opens (app/notify/one_click.py): GET shows, POST decides.

No login: the signed link stands for its person. GET never acts (mail scanners prefetch
links); the decision is the page's CSRF-protected form, taken through the workflow service as
that person. Every use, taken or refused, is written to the security log.
"""

from __future__ import annotations

from flask import current_app, request
from flask_appbuilder import BaseView, expose
from flask_babel import gettext
from sqlalchemy import select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.i18n import office_language
from app.notify import one_click
from app.requests.labels import DETAIL_FIELDS
from app.requests.models import Assignment, ServiceRequest
from app.requests.views import RequestView, button_label, show_url, status_label
from app.security.access import current_actor
from app.security.hardening import log_security_event
from app.security.models import AppUser
from app.timeutil import utcnow
from app.workflow import rules, service
from app.workflow.vocabulary import KIND_LABELS, Approval


def _load(request_id: int) -> ServiceRequest | None:
    return db.session.execute(
        select(ServiceRequest).where(ServiceRequest.id == request_id).options(
            selectinload(ServiceRequest.assignments).selectinload(Assignment.officer))
    ).scalar_one_or_none()


def _log(event: str, username: str | None, link: one_click.Link | None, req, text: str) -> None:
    """The security log, in the office's language, with the link's person as the actor."""
    viewer = current_actor()
    with office_language():
        about = (gettext("Request %(number)s, %(action)s", number=req.number or f"#{req.id}",
                         action=gettext(rules.ACTIONS[link.action].label))
                 if link is not None and req is not None else "-")
        seen_by = (gettext("opened in the session of %(user)s", user=viewer.username)
                   if getattr(viewer, "is_authenticated", False)
                   and viewer.username != username else "")
    detail = "; ".join(part for part in (about, text, seen_by) if part)
    log_security_event(event, username, detail[:2000], commit=False)


class OneClickView(BaseView):
    """`/one-click/<token>`: open to anyone holding the link; the link is the credential."""

    route_base = "/one-click"
    default_view = "confirm"

    @expose("/<token>", methods=["GET"])
    def confirm(self, token):
        now = utcnow()
        try:
            link, person, req = self._check(token, now)
        except one_click.Refusal as refused:
            return self._refused(refused)
        return self._page(link, req, person)

    @expose("/<token>", methods=["POST"])
    def decide(self, token):
        now = utcnow()
        try:
            link, person, req = self._check(token, now, lock=True)
            note = (request.form.get("note") or "").strip()
            one_click.mark_used(link)
            db.session.flush()  # a second use of the token stops here (unique token id)
            _log("one_click_decision", person.username, link, req, "")
            service.perform(req, link.action, person, {"note": note} if note else {}, now=now,
                            number_formats=current_app.config["REQUEST_NUMBER_FORMAT"],
                            expected_version=link.version)
        except IntegrityError:
            db.session.rollback()
            return self._refused(one_click.refusal(one_click.USED), token=token)
        except one_click.Refusal as refused:
            return self._refused(refused, token=token)
        except service.WorkflowError as err:
            db.session.rollback()
            if err.status == 400:  # the note the decision needs: the page again, nothing used
                return self._page(link, req, person, errors=err.errors, note=note, status=400)
            return self._refused(one_click.Refusal(err.status, err.message), token=token)
        return self.render_template("one_click/outcome.html", ok=True, req=req,
                                    message=gettext("%(action)s: done.", action=button_label(
                                        rules.ACTIONS[link.action], req)),
                                    state=status_label(req.status),
                                    show_url=show_url(req)), 200

    # --- helpers ------------------------------------------------------------------------

    def _check(self, token: str, now, lock: bool = False):
        """The link, its person and its request, or one_click.Refusal."""
        link = one_click.read(token, now)
        person = db.session.get(AppUser, link.user_id)
        one_click.check_person(link, person, current_actor())
        if lock:
            db.session.rollback()  # the lock comes first in the decision's transaction
            try:
                req = service.load_for_update(ServiceRequest, link.request_id, true())
            except service.WorkflowError:
                req = None
        else:
            req = _load(link.request_id)
        one_click.check_request(link, person, req, now)
        return link, person, req

    def _refused(self, refused: one_click.Refusal, token: str | None = None):
        db.session.rollback()
        link, person, req = self._what_it_was(token or request.view_args.get("token", ""))
        _log("one_click_refused", person.username if person else None, link, req,
             refused.message)
        db.session.commit()
        return self.render_template("one_click/outcome.html", ok=False, req=None,
                                    message=refused.message, state=None,
                                    show_url=None), refused.status

    @staticmethod
    def _what_it_was(token: str):
        """What a refused link named, as far as its signature can be trusted (for the log)."""
        link = one_click.decode(token)
        if link is None:
            return None, None, None
        return link, db.session.get(AppUser, link.user_id), db.session.get(
            ServiceRequest, link.request_id)

    def _page(self, link, req, person, errors=None, note="", status=200):
        action = rules.ACTIONS[link.action]
        note_field = next((f for f in action.fields if f.name == "note"), None)
        fields = [(label, RequestView._field_value(req, name))
                  for name, label in DETAIL_FIELDS[req.kind]]
        pending = next((a for a in req.assignments if a.approval == Approval.PENDING), None)
        return self.render_template(
            "one_click/confirm.html", req=req, person=person, link=link, action=action,
            button=button_label(action, req), note_field=note_field, note=note,
            errors=errors or {}, fields=fields, form_name=gettext(KIND_LABELS[req.kind]),
            state=status_label(req.status), pending=pending,
            show_kabid_proposal=link.action.startswith("kabid_"),
        ), status
