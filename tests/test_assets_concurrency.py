"""Two IT officers record the same asset's condition at the same moment (issue 22), on
PostgreSQL with real threads: one wins, the other is told it is already so; one history row."""

from __future__ import annotations

from sqlalchemy import func, select

from app.assets import service
from app.assets.models import Asset, AssetConditionChange
from app.extensions import db
from app.security.models import AppUser
from app.timeutil import utcnow
from tests.test_concurrency import pg_app, run_together  # noqa: F401 — pg_app is a fixture

PC = "DPMPTSP.TI.2018.014"


def test_two_officers_mark_one_pc_at_once_and_one_wins(pg_app):  # noqa: F811
    with pg_app.app_context():
        asset_id = db.session.execute(select(Asset.id).where(
            Asset.inventory_number == PC)).scalar_one()
        officers = db.session.execute(select(AppUser.id).where(
            AppUser.username.in_(("it.budi", "it.sari"))).order_by(AppUser.id)).scalars().all()

    def work(i):
        officer = db.session.get(AppUser, officers[i])
        try:
            service.change_condition(asset_id, officer, "rusak_berat", f"Mati total ({i})",
                                     utcnow())
        except service.AssetError as err:
            db.session.rollback()
            return err.status
        return 200

    results = run_together(pg_app, 2, work)
    assert sorted(result for _, result in results) == [200, 409], results
    with pg_app.app_context():
        assert db.session.get(Asset, asset_id).condition == "rusak_berat"
        assert db.session.execute(select(func.count()).select_from(AssetConditionChange).where(
            AssetConditionChange.asset_id == asset_id)).scalar_one() == 1
