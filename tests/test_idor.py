"""Ids a user cannot see answer 404 everywhere: UI, API, actions, print, attachments (issue #7)."""

from __future__ import annotations

import io

import pytest

from app.extensions import db
from app.requests.models import ServiceRequest
from tests.helpers import tiny_png
from tests.workflow_helpers import request_in

VIEWS = {"improvement": "improvementrequestview", "support": "supportrequestview"}
APIS = {"improvement": "improvement_request", "support": "support_request"}


@pytest.mark.parametrize("kind", ["improvement", "support"])
def test_another_units_request_is_404_everywhere(kind, login_as, api, ctx):
    req = request_in("pending_unit_approval", kind=kind)
    owner = login_as("pemohon")
    rv = owner.post(f"/{VIEWS[kind]}/attach/{req.id}",
                    data={"file": (io.BytesIO(tiny_png()), "bukti.png")},
                    content_type="multipart/form-data")
    assert rv.status_code == 302
    db.session.expire_all()
    attachment_id = db.session.get(ServiceRequest, req.id).attachments[0].id
    view, resource = VIEWS[kind], APIS[kind]
    outsider = login_as("pemohon2")  # a Pemohon of another unit
    for path in (f"/{view}/show/{req.id}", f"/{view}/edit/{req.id}",
                 f"/{view}/attachment/{req.id}/{attachment_id}",
                 f"/print/{resource}/{req.id}.pdf"):
        assert outsider.get(path).status_code == 404, path
    for path in (f"/{view}/act/{req.id}/cancel", f"/{view}/attach/{req.id}"):
        assert outsider.post(path, data={"note": "x"}).status_code == 404, path
    other = api("pemohon2")
    assert other.get(f"/api/v1/{resource}/{req.id}").status_code == 404
    assert other.put(f"/api/v1/{resource}/{req.id}", json={"title": "x"}).status_code == 404
    assert other.post(f"/api/v1/{resource}/{req.id}/actions/cancel",
                      json={"note": "x"}).status_code == 404
    assert other.delete(f"/api/v1/{resource}/{req.id}").status_code in (403, 405)
    officer = api("it.sari")  # an IT officer it was never assigned to
    assert officer.get(f"/api/v1/{resource}/{req.id}").status_code == 404
    db.session.expire_all()
    after = db.session.get(ServiceRequest, req.id)
    assert (after.status, after.title) == ("pending_unit_approval", req.title)


def test_someone_elses_absence_is_refused_everywhere(api, login_as, ctx):
    """SPEC §2: only the official, the Kasi for the Kabid, or the Admin touches an absence."""
    import datetime as dt

    from sqlalchemy import delete

    from app.security.models import Absence
    from app.timeutil import today_wita
    from tests.workflow_helpers import user

    start = today_wita() + dt.timedelta(days=30)
    absence = Absence(user_id=user("kabid.pelayanan").id, start_date=start, end_date=start,
                      kind="cuti", reason="Cuti tahunan", recorded_by_id=user("kabid.pelayanan").id)
    db.session.add(absence)
    db.session.commit()
    pk = absence.id
    try:
        change = {"acting_user_id": user("kasubag.umum").id, "reason": "Diubah"}
        for person, expected in (("kasubag.umum", 403), ("pemohon", 403), ("it.budi", 403)):
            client = api(person)
            assert client.put(f"/api/v1/absence/{pk}", json=change).status_code == expected
            assert client.delete(f"/api/v1/absence/{pk}").status_code == expected
        assert login_as("kasubag.umum").post(f"/absenceview/end/{pk}").status_code == 403
        assert login_as("pemohon").post(f"/absenceview/end/{pk}").status_code in (302, 403)
        assert api("kasubag.umum").put("/api/v1/absence/999999", json=change).status_code == 404
        assert api("kasubag.umum").delete("/api/v1/absence/999999").status_code == 404
        assert login_as("kasubag.umum").post("/absenceview/end/999999").status_code == 404
        db.session.expire_all()
        after = db.session.get(Absence, pk)
        assert (after.reason, after.acting_user_id, after.withdrawn_at) == ("Cuti tahunan", None,
                                                                            None)
    finally:
        db.session.rollback()
        db.session.execute(delete(Absence).where(Absence.id == pk))
        db.session.commit()
