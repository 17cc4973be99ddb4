"""One-click decisions from email (SPEC §5): signed, single-use links bound to a person, a
request and its version, that expire.

The email asking a unit head (or Plh) for `unit_approve` / `unit_reject` / `unit_return`, or the
Kabid Dalak (or the Kasi PDSI deciding for an absent Kabid) for `kabid_approve` /
`kabid_decline`, carries one link per action. Opening a link only shows a confirmation page
(mail scanners fetch links); the decision is the page's form (POST, CSRF-protected), taken
through `app.workflow.service.perform` as the link's person, with the same checks as the UI.
Every use, taken or refused, goes into the security log.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from app.extensions import db
from app.i18n import N_
from app.messages import gettext
from app.notify.models import OneClickUse
from app.timeutil import UTC, format_datetime, today_wita, utcnow
from app.workflow import relations, rules

SALT = "one-click-decision"
# Which email carries which decisions (the events of rules.NOTIFY that ask for one).
DECISIONS = {
    "submit": ("unit_approve", "unit_reject", "unit_return"),
    "assess_proposal": ("kabid_approve", "kabid_decline"),
}
DECIDED_BY_LINK = frozenset(action for actions in DECISIONS.values() for action in actions)

# Why a link is refused, by kind: (HTTP status, message).
INVALID = (404, N_("This link is not valid. It may have been copied incompletely; open the "
                   "request in the application instead."))
TURNED_OFF = (404, N_("Decisions from email links are turned off. Sign in to decide in the "
                      "application."))
EXPIRED = (410, N_("This link has expired. Sign in to decide in the application."))
USED = (409, N_("This link has already been used. Each link decides once."))
OTHER_PERSON = (403, N_("This link was sent to another person. You are signed in as "
                        "%(name)s; it cannot be used in this session."))
INACTIVE = (403, N_("The account this link was sent to is not active."))
GONE = (404, N_("The request of this link no longer exists."))
MOVED_ON = (409, N_("This request has changed since the email was sent (it is now: "
                    "%(state)s). Nothing was changed; open the request to see it."))
NOT_YOURS = (403, N_("You can no longer take this decision: today you are not the official "
                     "who decides it (unit head, acting official or Kabid Dalak). Nothing was "
                     "changed."))


@dataclass(frozen=True)
class Link:
    """What a link says, once its signature is checked."""

    token_id: str
    user_id: int
    request_id: int
    action: str
    version: int
    status: str
    expires: float  # seconds since the epoch, UTC

    @property
    def expires_at(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.expires, UTC).replace(tzinfo=None)


@dataclass
class Refusal(Exception):
    status: int
    message: str


def enabled() -> bool:
    return bool(current_app.config.get("ONE_CLICK_ENABLED", True))


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _epoch(moment: dt.datetime) -> float:
    return moment.replace(tzinfo=UTC).timestamp()


def make_token(user, req, action: str, now: dt.datetime | None = None) -> str:
    hours = float(current_app.config.get("ONE_CLICK_HOURS", 72))
    expires = (now or utcnow()) + dt.timedelta(hours=hours)
    return _serializer().dumps({
        "j": secrets.token_urlsafe(12), "u": user.id, "r": req.id, "a": action,
        "v": req.version, "s": req.status, "e": _epoch(expires),
    })


def link_url(token: str) -> str:
    return f"{current_app.config['APP_BASE_URL']}/one-click/{token}"


# What each link says in the mail (Indonesian, as the whole mail is).
LINK_WORDS = {
    "unit_approve": "Setujui",
    "unit_reject": "Tolak",
    "unit_return": "Kembalikan untuk perbaikan",
    "kabid_decline": "Kembalikan ke Kasi PDSI",
}


def _link_word(action: str, req) -> str:
    if action == "kabid_approve":
        return "Setujui penugasan" if req.proposal_feasible else "Setujui penolakan"
    return LINK_WORDS[action]


def mail_lines(event: str, user, req, now: dt.datetime | None = None) -> str:
    """The links for one recipient of an event's mail ('' when the mail asks no decision)."""
    if event not in DECISIONS or not enabled():
        return ""
    tokens = [(action, make_token(user, req, action, now)) for action in DECISIONS[event]]
    hours = float(current_app.config.get("ONE_CLICK_HOURS", 72))
    until = format_datetime((now or utcnow()) + dt.timedelta(hours=hours))
    lines = "\n".join(f"- {_link_word(action, req)}: {link_url(token)}" for action, token in tokens)
    return ("\n\nPutuskan langsung dari email ini (tautan hanya untuk Anda, sekali pakai, "
            f"berlaku sampai {until}; halaman konfirmasi terbuka lebih dulu):\n{lines}")


# --- reading a link ------------------------------------------------------------------------

def decode(token: str) -> Link | None:
    """What a link says if its signature holds and it names a decision; None otherwise."""
    try:
        data = _serializer().loads(token)
        link = Link(str(data["j"]), int(data["u"]), int(data["r"]), str(data["a"]),
                    int(data["v"]), str(data["s"]), float(data["e"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    return link if link.action in DECIDED_BY_LINK else None


def read(token: str, now: dt.datetime) -> Link:
    """The link's content, or Refusal when it is off, forged, expired or already used."""
    if not enabled():
        raise refusal(TURNED_OFF)
    link = decode(token)
    if link is None:
        raise refusal(INVALID)
    if _epoch(now) >= link.expires:
        raise refusal(EXPIRED)
    if used(link.token_id):
        raise refusal(USED)
    return link


def used(token_id: str) -> bool:
    return db.session.execute(
        select(OneClickUse.id).where(OneClickUse.token_id == token_id)).first() is not None


def check_person(link: Link, person, viewer) -> None:
    """The link is its person's: not usable in another person's session, nor by an
    account that has been deactivated."""
    if viewer is not None and getattr(viewer, "is_authenticated", False) \
            and viewer.id != link.user_id:
        raise refusal(OTHER_PERSON, name=viewer.full_name)
    if person is None or not person.active:
        raise refusal(INACTIVE)


def check_request(link: Link, person, req, now: dt.datetime) -> None:
    """The request is where the mail found it, and the person still decides it today."""
    if req is None:
        raise refusal(GONE)
    if req.status != link.status or req.version != link.version:
        raise refusal(MOVED_ON, state=gettext(rules.STATES.get(req.status, req.status)))
    action = rules.ACTIONS[link.action]
    if relations.standing(person, req, action.actor, today_wita(now)) is None:
        raise refusal(NOT_YOURS)


def refusal(kind: tuple[int, str], **values) -> Refusal:
    status, message = kind
    return Refusal(status, gettext(message, **values))


def mark_used(link: Link) -> None:
    """Written in the decision's transaction; the unique token id refuses a second use."""
    db.session.add(OneClickUse(token_id=link.token_id, user_id=link.user_id,
                               request_id=link.request_id, action=link.action, used_at=utcnow()))
