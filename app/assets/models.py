"""An asset of the register and its condition history (issue 22)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.timeutil import utcnow

# The fixed list of categories, as the office names them (their own words in both languages,
# like the checklist's categories).
CATEGORIES = ["Komputer/PC", "Laptop", "Printer", "Scanner", "Server", "Perangkat Jaringan",
              "UPS", "Lainnya"]
# {code: label}: English msgids, shown through the catalogue (GLOSSARY: Baik / Rusak Ringan /
# Rusak Berat).
CONDITIONS = {"baik": _l("Good"), "rusak_ringan": _l("Slightly damaged"),
              "rusak_berat": _l("Badly damaged")}
DAMAGED = ("rusak_ringan", "rusak_berat")
STATUSES = {"aktif": _l("In use"), "dihapus": _l("Written off")}
# The short codes of a Kartu Inventaris Ruangan's condition column.
CONDITION_CODES = {"baik": "B", "rusak_ringan": "RR", "rusak_berat": "RB"}


class Asset(Model):
    """One piece of equipment, named by the inventory number the office writes on it."""

    __tablename__ = "asset"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inventory_number: Mapped[str] = mapped_column(String(60), unique=True, nullable=False)
    # Permendagri 108/2016 kodefikasi barang, e.g. 1.3.2.10.01.02.001
    goods_code: Mapped[Optional[str]] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    brand_type: Mapped[str] = mapped_column(String(120), nullable=False)
    serial_number: Mapped[Optional[str]] = mapped_column(String(80))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    room: Mapped[Optional[str]] = mapped_column(String(120))
    holder_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"), index=True)
    year_acquired: Mapped[Optional[int]] = mapped_column(Integer)
    condition: Mapped[str] = mapped_column(String(20), nullable=False, default="baik",
                                           index=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="aktif")
    notes: Mapped[Optional[str]] = mapped_column(Text, info={"max_length": 2000})
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    unit = relationship("Unit")
    holder = relationship("AppUser")
    condition_changes = relationship(
        "AssetConditionChange", back_populates="asset", order_by="AssetConditionChange.id",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"{self.inventory_number} — {self.brand_type}"


class AssetConditionChange(Model):
    """Who changed an asset's condition, when, from what to what, and why (append-only)."""

    __tablename__ = "asset_condition_change"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), nullable=False, index=True)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    from_condition: Mapped[str] = mapped_column(String(20), nullable=False)
    to_condition: Mapped[str] = mapped_column(String(20), nullable=False)
    note: Mapped[Optional[str]] = mapped_column(Text)

    asset = relationship("Asset", back_populates="condition_changes")
    changed_by = relationship("AppUser")
