"""One-click decisions from email (SPEC §5, issue 20), through a real SMTP server (aiosmtpd):
the link in the received mail decides once; a used, stale, expired, altered or another
person's link is refused with nothing changed, and every use is in the security log."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from app.extensions import db
from app.notify import one_click
from app.notify.sender import send_due
from app.requests.models import RequestHistory
from app.security.models import SecurityLog
from app.timeutil import today_wita, utcnow
from tests.test_notifications import flush_outbox, text_of
from tests.workflow_helpers import act, request_in, user

LINK = re.compile(r"- ([^:\n]+): (http://layanan\.test/one-click/(\S+))")


def links_in_mail(inbox, username: str, number: str) -> dict[str, str]:
    """{link word: path} from the latest mail to that person about that request."""
    mails = [m for m in inbox.to(user(username).email) if number in text_of(m)]
    assert mails, f"no mail to {username} about {number}"
    return {word: url.replace("http://layanan.test", "")
            for word, url, _token in LINK.findall(text_of(mails[-1]))}


def deliver(now=None):
    assert send_due(now or dt.datetime(2100, 1, 1))["failed"] == 0


def state_of(req) -> tuple[str, int]:
    db.session.expire_all()
    count = db.session.execute(select(func.count()).select_from(RequestHistory).where(
        RequestHistory.request_id == req.id)).scalar_one()
    return db.session.get(type(req), req.id).status, count


def log_events(event: str) -> list[SecurityLog]:
    db.session.expire_all()
    return list(db.session.execute(select(SecurityLog).where(SecurityLog.event == event)
                                   .order_by(SecurityLog.id)).scalars())


def submitted(inbox, now=None):
    inbox.messages.clear()
    req = request_in("draft", now=now)
    act(req, "submit", "pemohon", {}, now=now)
    deliver()
    return req


def test_unit_head_decides_from_the_mail_once(app, ctx, client, mail_to):
    inbox = mail_to()
    flush_outbox()
    req = submitted(inbox)
    links = links_in_mail(inbox, "kabid.pelayanan", req.number)
    assert set(links) == {"Setujui", "Tolak", "Kembalikan untuk perbaikan"}
    before = state_of(req)
    assert before[0] == "pending_unit_approval"

    page = client.get(links["Setujui"])  # GET shows, never acts (mail scanners prefetch)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert req.title in html and req.number in html and "Keputusan dari Email" in html
    assert "Menunggu Persetujuan Kepala Unit" in html
    assert state_of(req) == before

    done = client.post(links["Setujui"], data={"note": "Setuju, silakan dikaji."})
    assert done.status_code == 200, done.get_data(as_text=True)
    assert "Menunggu Kajian Kasi PDSI" in done.get_data(as_text=True)
    assert state_of(req) == ("pending_assessment", before[1] + 1)
    last = db.session.execute(select(RequestHistory).where(RequestHistory.request_id == req.id)
                              .order_by(RequestHistory.id.desc()).limit(1)).scalar_one()
    assert (last.action, last.actor_id, last.note) == (
        "unit_approve", user("kabid.pelayanan").id, "Setuju, silakan dikaji.")
    decided = log_events("one_click_decision")
    assert [e.username for e in decided] == ["kabid.pelayanan"]
    assert req.number in decided[0].detail

    # the same link again: used
    again = client.post(links["Setujui"], data={})
    assert again.status_code == 409
    assert "sudah digunakan" in again.get_data(as_text=True)
    assert client.get(links["Setujui"]).status_code == 409
    # another link of the same mail, after the request moved on
    stale = client.post(links["Tolak"], data={"note": "Tidak perlu."})
    assert stale.status_code == 409
    assert "telah berubah" in stale.get_data(as_text=True)
    assert state_of(req) == ("pending_assessment", before[1] + 1)
    refused = log_events("one_click_refused")
    assert len(refused) >= 2 and {e.username for e in refused} == {"kabid.pelayanan"}


def test_expired_and_altered_links_are_refused(app, ctx, client, mail_to):
    inbox = mail_to()
    flush_outbox()
    long_ago = utcnow() - dt.timedelta(hours=73)  # the mail was written 73 hours ago
    old = submitted(inbox, now=long_ago)
    expired = links_in_mail(inbox, "kabid.pelayanan", old.number)["Setujui"]
    before = state_of(old)
    for response in (client.get(expired), client.post(expired, data={})):
        assert response.status_code == 410
        assert "kedaluwarsa" in response.get_data(as_text=True)
    assert state_of(old) == before

    fresh = submitted(inbox)
    good = links_in_mail(inbox, "kabid.pelayanan", fresh.number)["Setujui"]
    position = len(good) - 5
    altered = good[:position] + ("A" if good[position] != "A" else "B") + good[position + 1:]
    before = state_of(fresh)
    for response in (client.get(altered), client.post(altered, data={})):
        assert response.status_code == 404
        assert "tidak valid" in response.get_data(as_text=True)
    assert state_of(fresh) == before


def test_another_persons_link_is_refused(app, ctx, mail_to, login_as):
    inbox = mail_to()
    flush_outbox()
    req = submitted(inbox)
    link = links_in_mail(inbox, "kabid.pelayanan", req.number)["Setujui"]
    before = state_of(req)
    other = login_as("kasubag.umum")  # B opens A's link in B's own session
    for response in (other.get(link), other.post(link, data={})):
        assert response.status_code == 403
        assert "dikirim kepada orang lain" in response.get_data(as_text=True)
    assert state_of(req) == before
    # B's own link for a request B does not decide (not the head of the request's unit)
    token = one_click.make_token(user("kasubag.umum"), req, "unit_approve")
    own = f"/one-click/{token}"
    for response in (other.get(own), other.post(own, data={})):
        assert response.status_code == 403
        assert "tidak lagi dapat mengambil keputusan" in response.get_data(as_text=True)
    assert state_of(req) == before
    # the rightful head, signed in, may use it
    head = login_as("kabid.pelayanan")
    assert head.post(link, data={}).status_code == 200
    assert state_of(req) == ("pending_assessment", before[1] + 1)


def test_kabid_sees_the_proposal_and_declines_with_a_note(app, ctx, client, mail_to):
    inbox = mail_to()
    flush_outbox()
    req = request_in("pending_kabid_approval")
    deliver()
    links = links_in_mail(inbox, "kabid.dalak", req.number)
    assert set(links) == {"Setujui penugasan", "Kembalikan ke Kasi PDSI"}
    page = client.get(links["Kembalikan ke Kasi PDSI"]).get_data(as_text=True)
    assert "Usulan Kasi PDSI" in page and "Layak" in page and user("it.budi").full_name in page
    before = state_of(req)
    missing = client.post(links["Kembalikan ke Kasi PDSI"], data={"note": "  "})
    assert missing.status_code == 400
    assert "Catatan wajib diisi" in missing.get_data(as_text=True)
    assert state_of(req) == before  # and the link is still unused
    done = client.post(links["Kembalikan ke Kasi PDSI"], data={"note": "Target terlalu dekat."})
    assert done.status_code == 200
    assert state_of(req) == ("pending_assessment", before[1] + 1)


def test_a_plh_whose_absence_ended_is_refused(app, ctx, client, mail_to):
    """The Plh's link stops deciding when the head's absence no longer covers today."""
    from app.security.models import Absence

    inbox = mail_to()
    flush_outbox()
    today = today_wita()
    head = user("kabid.pelayanan")
    absence = Absence(user_id=head.id, acting_user_id=user("kabid.dalak").id,
                      start_date=today - dt.timedelta(days=1),
                      end_date=today + dt.timedelta(days=5), reason="Cuti")
    db.session.add(absence)
    db.session.commit()
    req = submitted(inbox)
    link = links_in_mail(inbox, "kabid.dalak", req.number)["Setujui"]
    absence.end_date = today - dt.timedelta(days=1)  # ended early: the head is back
    db.session.commit()
    before = state_of(req)
    for response in (client.get(link), client.post(link, data={})):
        assert response.status_code == 403
        assert "tidak lagi dapat mengambil keputusan" in response.get_data(as_text=True)
    assert state_of(req) == before


def test_links_can_be_turned_off(app, ctx, mail_to):
    inbox = mail_to()
    flush_outbox()
    app.config["ONE_CLICK_ENABLED"] = False
    try:
        req = submitted(inbox)
        mail = [m for m in inbox.to(user("kabid.pelayanan").email) if req.number in text_of(m)]
        assert mail and "/one-click/" not in text_of(mail[-1])
    finally:
        app.config["ONE_CLICK_ENABLED"] = True


def test_two_clicks_at_once_decide_once(app, ctx, mail_to):
    """The same link posted twice at the same moment: one decision, the other refused."""
    import threading

    from app.notify.models import OneClickUse

    inbox = mail_to()
    flush_outbox()
    req = submitted(inbox)
    link = links_in_mail(inbox, "kabid.pelayanan", req.number)["Setujui"]
    before = state_of(req)
    db.session.commit()  # release this test's own transaction before the clicks
    start, answers = threading.Barrier(2), []

    def click():
        client = app.test_client()
        start.wait()
        answers.append(client.post(link, data={}).status_code)

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    assert sorted(answers) == [200, 409]
    assert state_of(req) == ("pending_assessment", before[1] + 1)
    assert db.session.execute(select(func.count()).select_from(OneClickUse).where(
        OneClickUse.request_id == req.id)).scalar_one() == 1
