"""Demo equipment for the register (issue 22): about sixty assets across the office's units,
the way its inventory numbers are written; some damaged, the pemohon's own PC among them, the
servers, switch and UPS tied to their check items. Adds only what is missing (idempotent)."""

from __future__ import annotations

from sqlalchemy import select

from app.assets.models import Asset
from app.checklist.models import CheckItem
from app.extensions import db
from app.security.models import AppUser, Unit

# Permendagri 108/2016 goods codes of the kinds of equipment.
GOODS_CODES = {"Komputer/PC": "1.3.2.10.02.01.001", "Laptop": "1.3.2.10.02.02.004",
               "Printer": "1.3.2.10.02.03.003", "Scanner": "1.3.2.10.02.03.005",
               "Server": "1.3.2.10.01.02.001", "Perangkat Jaringan": "1.3.2.10.02.04.002",
               "UPS": "1.3.2.10.02.03.008", "Lainnya": "1.3.2.10.02.05.001"}
MODELS = {"Komputer/PC": "Lenovo ThinkCentre M70t", "Laptop": "Asus ExpertBook B1",
          "Printer": "Epson L3210", "Scanner": "Fujitsu fi-7160", "Server": "Dell PowerEdge R450",
          "Perangkat Jaringan": "MikroTik CRS326-24G", "UPS": "APC Smart-UPS 3000VA",
          "Lainnya": "Layar panggilan antrian LG 43\""}
# unit code -> [(category, how many, room)]
PLAN = {
    "SEKSI-PDSI": [("Server", 3, "Ruang Server"), ("Perangkat Jaringan", 3, "Ruang Server"),
                   ("UPS", 2, "Ruang Server"), ("Komputer/PC", 3, "Ruang PDSI"),
                   ("Laptop", 2, "Ruang PDSI")],
    "BID-PELAYANAN": [("Komputer/PC", 10, "Ruang Loket Pelayanan"),
                      ("Printer", 3, "Ruang Loket Pelayanan"), ("Scanner", 2, "Ruang Back Office"),
                      ("Lainnya", 2, "Ruang Tunggu")],
    "BID-DALAK": [("Komputer/PC", 4, "Ruang Bidang Dalak"), ("Printer", 1, "Ruang Bidang Dalak")],
    "SEKRETARIAT": [("Komputer/PC", 3, "Ruang Sekretariat"), ("Laptop", 1, "Ruang Sekretaris")],
    "SUBAG-UMUM": [("Komputer/PC", 5, "Ruang Umum dan Kepegawaian"),
                   ("Printer", 1, "Ruang Umum dan Kepegawaian")],
    "SUBAG-KEU": [("Komputer/PC", 4, "Ruang Keuangan"), ("Printer", 1, "Ruang Keuangan")],
    "BID-PM": [("Komputer/PC", 4, "Ruang Bidang Penanaman Modal"), ("Laptop", 1, "Ruang Rapat")],
    "BID-PENGADUAN": [("Komputer/PC", 4, "Ruang Pengaduan"), ("Scanner", 1, "Ruang Pengaduan")],
}
HOLDERS = {"BID-PELAYANAN": ["pemohon", "putu.dewi", "wayan.gunawan", "rina.kusuma"],
           "SUBAG-UMUM": ["pemohon2"], "SEKSI-PDSI": ["it.budi", "it.sari"]}
# check item code -> the inventory number of the equipment it checks
CHECKED_BY = {"SRV-APLIKASI": "DPMPTSP.TI.2022.001", "SRV-DATABASE": "DPMPTSP.TI.2022.002",
              "NET-SWITCH-ROUTER": "DPMPTSP.TI.2022.004", "PDK-UPS": "DPMPTSP.TI.2022.007"}


def _demo_condition(number: int) -> str:
    """Every thirteenth asset badly damaged, every seventh slightly (something to look at)."""
    return ("rusak_berat" if number % 13 == 0 else
            "rusak_ringan" if number % 7 == 0 else "baik")


def demo_assets() -> list[dict]:
    rows, number = [], 0
    for unit_code, groups in PLAN.items():
        holders = list(HOLDERS.get(unit_code, []))
        for category, count, room in groups:
            for _ in range(count):
                number += 1
                year = 2018 + number % 7
                holder = holders.pop(0) if category in ("Komputer/PC", "Laptop") and holders \
                    else None
                condition = "baik" if holder else _demo_condition(number)
                rows.append({
                    "inventory_number": f"DPMPTSP.TI.{2022 if unit_code == 'SEKSI-PDSI' else year}"
                                        f".{number:03d}",
                    "goods_code": GOODS_CODES[category], "category": category,
                    "brand_type": MODELS[category], "serial_number": f"SN{4821000 + number * 37}",
                    "unit_code": unit_code, "room": room, "holder": holder,
                    "year_acquired": year, "condition": condition,
                })
    return rows


def load_assets() -> int:
    """Add the demo assets that are missing; returns how many were added."""
    units = {u.code: u.id for u in db.session.execute(select(Unit)).scalars()}
    users = {u.username: u.id for u in db.session.execute(select(AppUser)).scalars()}
    have = {a.inventory_number: a for a in db.session.execute(select(Asset)).scalars()}
    added = 0
    for row in demo_assets():
        if row["inventory_number"] in have or row["unit_code"] not in units:
            continue
        asset = Asset(
            inventory_number=row["inventory_number"], goods_code=row["goods_code"],
            category=row["category"], brand_type=row["brand_type"],
            serial_number=row["serial_number"], unit_id=units[row["unit_code"]],
            room=row["room"], holder_id=users.get(row["holder"]),
            year_acquired=row["year_acquired"], condition=row["condition"], status="aktif")
        db.session.add(asset)
        have[asset.inventory_number] = asset
        added += 1
    db.session.flush()
    for item in db.session.execute(select(CheckItem).where(
            CheckItem.code.in_(CHECKED_BY), CheckItem.asset_id.is_(None))).scalars():
        target = have.get(CHECKED_BY[item.code])
        item.asset_id = target.id if target else None
    db.session.commit()
    return added
