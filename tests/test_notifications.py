"""Mail through a real SMTP server on loopback (aiosmtpd): events, outage, digest (issue #5)."""

from __future__ import annotations

import datetime as dt
import email
from email.message import Message

import pytest
from flask_appbuilder.security.sqla.models import Role
from sqlalchemy import select

from app.checklist import calendar
from app.extensions import db
from app.jobs import run_due
from app.notify.models import Outbox
from app.notify.sender import send_due
from app.security.models import AppUser, Unit
from app.timeutil import WITA, to_utc_naive
from tests.workflow_helpers import act, new_request, request_in, user


def at(day: dt.date, hhmm: str) -> dt.datetime:
    return to_utc_naive(dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=WITA))


def text_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    return ""


def subject_of(message: Message) -> str:
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


def flush_outbox(now=None):
    """Send everything queued so far (earlier tests' rows included) to start clean."""
    moment = now or dt.datetime(2100, 1, 1)
    while send_due(moment)["sent"]:
        pass


def test_every_event_mails_the_right_people(app, ctx, mail_to):
    inbox = mail_to()
    flush_outbox()
    inbox.messages.clear()
    req = request_in("draft")
    steps = [
        ("submit", "pemohon", {}, {"kabid.pelayanan"}),
        ("unit_approve", "kabid.pelayanan", {}, {"kasi.pdsi"}),
        ("assess", "kasi.pdsi", None, {"kabid.dalak"}),
        ("kabid_approve", "kabid.dalak", {}, {"it.budi", "pemohon"}),
        ("report_obstacle", "it.budi", {"note": "Butuh akses server."}, {"kasi.pdsi"}),
        ("reassign", "kasi.pdsi", None, {"it.budi", "pemohon"}),
        ("report_done", "it.budi", {"note": "Selesai dikerjakan."}, {"kasi.pdsi", "pemohon"}),
        ("return_done", "kasi.pdsi", {"note": "Masih ada galat."}, {"it.budi"}),
        ("report_done", "it.budi", {"note": "Galat diperbaiki."}, {"kasi.pdsi", "pemohon"}),
        ("accept_done", "kasi.pdsi", {}, {"pemohon"}),
    ]
    for action, actor, payload, expected in steps:
        inbox.messages.clear()
        act(req, action, actor, payload)
        assert send_due(dt.datetime(2100, 1, 1))["sent"] == len(expected)
        got = {m["X-Rcpt"] for m in inbox.messages}
        assert got == {user(name).email for name in expected}, action
        for message in inbox.messages:
            body = text_of(message)
            assert req.number in subject_of(message) or req.number in body
            assert req.title in body
            assert f"http://layanan.test/improvementrequestview/show/{req.id}" in body
            assert "Layanan TI DPMPTSP Kota Denpasar" in body
            assert {p.get_content_type() for p in message.walk()} >= {"text/plain", "text/html"}


def test_rejection_and_kasi_alone_decisions_are_mailed(app, ctx, mail_to):
    inbox = mail_to()
    flush_outbox()
    inbox.messages.clear()
    now = at(dt.date(2027, 4, 13), "10:00")
    req = request_in("pending_assessment", now=now)
    act(req, "assess", "kasi.pdsi", {"feasible": False, "note": "Bukan kewenangan dinas.",
                                     "kabid_absent": True, "absence_reason": "Dinas luar"},
        now=now)
    send_due(dt.datetime(2100, 1, 1))
    to_requester = text_of(inbox.to(user("pemohon").email)[0])
    assert "Bukan kewenangan dinas." in to_requester
    assert "Kabid Dalak berhalangan hadir" in to_requester
    to_kabid = text_of(inbox.to(user("kabid.dalak").email)[0])
    assert "tanpa persetujuan Kabid Dalak" in to_kabid and "Dinas luar" in to_kabid


def test_smtp_outage_loses_nothing_and_sends_each_mail_once(app, ctx, mail_to):
    flush_outbox()
    now = at(dt.date(2027, 4, 14), "10:00")
    req = request_in("draft", now=now)
    act(req, "submit", "pemohon", {}, now=now)  # nothing listens: the action still succeeds
    assert req.status == "pending_unit_approval"
    counts = send_due(now)
    assert counts == {"sent": 0, "failed": 1, "given_up": 0}
    row = db.session.execute(select(Outbox).where(Outbox.request_id == req.id)).scalar_one()
    assert row.status == "queued" and row.attempts == 1 and row.last_error
    assert row.next_attempt_at == now + dt.timedelta(minutes=1)
    assert send_due(now + dt.timedelta(seconds=30))["failed"] == 0  # not due yet
    inbox = mail_to()  # the server comes back
    later = now + dt.timedelta(minutes=2)
    run_due(later)
    run_due(later + dt.timedelta(minutes=1))
    about_it = [m for m in inbox.to(user("kabid.pelayanan").email)
                if req.number in subject_of(m)]  # the day's digest may arrive too
    assert len(about_it) == 1
    db.session.refresh(row)
    assert row.status == "sent" and row.sent_at == later


def test_backoff_then_give_up_after_a_day(app, ctx, mail_to):
    flush_outbox()
    now = at(dt.date(2027, 4, 15), "10:00")
    req = request_in("draft", now=now)
    act(req, "submit", "pemohon", {}, now=now)
    row = db.session.execute(select(Outbox).where(Outbox.request_id == req.id)).scalar_one()
    delays = []
    moment = now
    for _ in range(6):
        send_due(moment)
        db.session.refresh(row)
        delays.append(int((row.next_attempt_at - moment).total_seconds() // 60))
        moment = row.next_attempt_at
    assert delays == [1, 5, 15, 60, 60, 60]
    send_due(now + dt.timedelta(days=1, minutes=1))
    db.session.refresh(row)
    assert row.status == "failed"


@pytest.fixture()
def digest_person(ctx):
    """A unit whose head has three overdue requests of their own and one to approve."""
    sm_user = db.session.execute(select(AppUser).where(AppUser.username == "kepala.uji")
                                 ).scalar_one_or_none()
    if sm_user is None:
        unit = Unit(code="UJI", name="Unit Uji Pengingat", short_name="Unit Uji")
        db.session.add(unit)
        db.session.flush()
        roles = db.session.execute(select(Role).where(
            Role.name.in_(["Kepala Unit", "Pemohon"]))).scalars().all()
        head = AppUser(first_name="Kepala", last_name="Uji", username="kepala.uji",
                       email="kepala.uji@test.local", active=True, roles=roles, unit_id=unit.id)
        staff = AppUser(first_name="Staf", last_name="Uji", username="staf.uji",
                        email="staf.uji@test.local", active=True, unit_id=unit.id,
                        roles=[r for r in roles if r.name == "Pemohon"])
        db.session.add_all([head, staff])
        db.session.flush()
        unit.head_id = head.id
        db.session.commit()
    return user("kepala.uji")


def test_one_digest_lists_everything_and_is_sent_once(app, ctx, mail_to, digest_person):
    start = dt.date(2027, 4, 19)  # a Monday
    now = at(start, "09:00")
    for _ in range(3):
        req = new_request(requester="kepala.uji", now=now)
        act(req, "submit", "kepala.uji", {}, now=now)  # a head's request goes to the Kasi
        act(req, "assess", "kasi.pdsi", {"feasible": True, "officer_id": user("it.sari").id,
                                         "target_date": calendar.add_working_days(
                                             start, 1).isoformat()}, now=now)
        act(req, "kabid_approve", "kabid.dalak", {}, now=now)
    waiting = new_request(requester="staf.uji", now=now)
    act(waiting, "submit", "staf.uji", {}, now=now)
    digest_day = calendar.add_working_days(start, 5)
    inbox = mail_to()
    flush_outbox(at(digest_day, "07:00"))
    inbox.messages.clear()
    run_due(at(digest_day, "07:29"))
    assert not inbox.to("kepala.uji@test.local")  # not before 07.30
    run_due(at(digest_day, "07:31"))
    mails = inbox.to("kepala.uji@test.local")
    assert len(mails) == 1
    body = text_of(mails[0])
    assert body.count("Melewati target waktu") == 1
    assert body.count("/improvementrequestview/show/") == 4
    assert waiting.number in body
    run_due(at(digest_day, "08:15"))
    run_due(at(digest_day, "16:00"))
    assert len(inbox.to("kepala.uji@test.local")) == 1


def test_no_reminders_on_a_weekend_or_holiday_the_next_working_day_has_them(app, ctx,
                                                                            digest_person):
    """SPEC §5: reminders on working days only; the day after a break still has its digest."""
    monday = dt.date(2027, 8, 9)
    req = new_request(requester="kepala.uji", now=at(monday, "09:00"))
    act(req, "submit", "kepala.uji", {}, now=at(monday, "09:00"))
    target = calendar.add_working_days(monday, 1)  # Galungan falls on 11 August 2027
    act(req, "assess", "kasi.pdsi", {"feasible": True, "officer_id": user("it.sari").id,
                                     "target_date": target.isoformat()},
        now=at(monday, "09:00"))
    act(req, "kabid_approve", "kabid.dalak", {}, now=at(monday, "09:05"))
    holiday = dt.date(2027, 8, 17)  # Hari Kemerdekaan, a Tuesday
    assert not calendar.is_working_day(holiday)

    def digests_on(day: dt.date) -> int:
        return db.session.query(Outbox).filter(
            Outbox.event == "digest",
            Outbox.dedupe_key == f"digest:{digest_person.id}:{day.isoformat()}").count()

    days = [dt.date(2027, 8, 14), dt.date(2027, 8, 15), dt.date(2027, 8, 16), holiday,
            dt.date(2027, 8, 18)]
    assert [calendar.is_working_day(day) for day in days] == [False, False, True, False, True]
    for day in days:
        run_due(at(day, "07:31"))
        run_due(at(day, "10:00"))
    assert [digests_on(day) for day in days] == [0, 0, 1, 0, 1]
