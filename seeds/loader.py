"""Load the demo and reference data in this folder; every step is idempotent."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.checklist import calendar
from app.checklist.models import CheckItem
from app.extensions import db
from app.requests.models import (
    IMPROVEMENT,
    ImprovementRequest,
    SimSystem,
    SupportRequest,
    SupportType,
)
from app.security.models import AppUser, Unit
from app.security.passwords import password_problems
from app.timeutil import WITA, to_utc_naive, to_wita, utcnow
from app.workflow import service
from seeds.assets import load_assets

SEED_DIR = Path(__file__).resolve().parent
DEMO_PASSWORD = "Denpasar#2026"


def read(name: str):
    return json.loads((SEED_DIR / name).read_text(encoding="utf-8"))


def _upsert(model, key: str, rows: list[dict], fields: tuple[str, ...]) -> dict[str, object]:
    existing = {getattr(obj, key): obj for obj in db.session.execute(select(model)).scalars()}
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            obj = model(**{key: row[key]})
            db.session.add(obj)
            existing[row[key]] = obj
        for name in fields:
            if name in row:
                setattr(obj, name, row[name])
    db.session.flush()
    return existing


def load_units() -> dict[str, Unit]:
    rows = read("units.json")
    units = _upsert(Unit, "code", rows, ("name", "short_name"))
    for row in rows:
        parent = units.get(row.get("parent_code")) if row.get("parent_code") else None
        units[row["code"]].parent_id = parent.id if parent else None
    db.session.flush()
    return units


def load_users(units: dict[str, Unit], password: str = DEMO_PASSWORD) -> dict[str, AppUser]:
    sm = current_app.appbuilder.sm
    people = {}
    for row in read("users.json"):
        user = sm.find_user(username=row["username"])
        roles = [sm.find_role(name) for name in row["roles"]]
        if None in roles:
            raise RuntimeError(f"Unknown role in {row['roles']}: run `flask init-roles` first")
        if user is None:
            problems = password_problems(password, row["username"])
            if problems:
                raise ValueError(" ".join(problems))
            user = sm.add_user(row["username"], row["first_name"], row["last_name"],
                               row["email"], roles, password=password)
            if not user:
                raise RuntimeError(f"Could not create user {row['username']}")
        user = db.session.get(AppUser, user.id)
        user.first_name, user.last_name, user.email = (
            row["first_name"], row["last_name"], row["email"])
        user.nip, user.position = row["nip"], row["position"]
        user.unit_id = units[row["unit_code"]].id if row.get("unit_code") else None
        user.roles = roles
        people[row["username"]] = user
    db.session.flush()
    for row in read("units.json"):
        head = people.get(row.get("head_username")) if row.get("head_username") else None
        units[row["code"]].head_id = head.id if head else None
    db.session.flush()
    return people


def load_master_lists() -> None:
    _upsert(SimSystem, "code", read("sim_systems.json"), ("name", "description"))
    _upsert(SupportType, "code", read("support_types.json"), ("name", "description"))
    items = read("check_items.json")
    for row in items:
        probe = row.get("probe") or {}
        row["probe_kind"] = probe.get("kind")
        row["probe_target"] = probe.get("target")
        row["probe_expect"] = probe.get("expect")
    _upsert(CheckItem, "code", items, ("category", "name", "how_to_check", "expected", "order",
                                       "probe_kind", "probe_target", "probe_expect"))


def load_holidays(years: list[int]) -> int:
    return sum(calendar.seed_year(year) for year in years)


def _resolve_payload(payload: dict, people: dict[str, AppUser], day: dt.date) -> dict:
    data = {k: v for k, v in payload.items()
            if k not in ("officer", "target_offset_working_days")}
    if "officer" in payload:
        data["officer_id"] = people[payload["officer"]].id
    if "target_offset_working_days" in payload:
        data["target_date"] = calendar.add_working_days(
            day, payload["target_offset_working_days"]).isoformat()
    return data


def load_sample_requests(people: dict[str, AppUser], now: dt.datetime | None = None) -> int:
    """Replay each sample through the workflow, so every state is one the procedure reaches."""
    now = now or utcnow()
    # Replay a week back, from 09.00 WITA, so some work is already overdue today.
    start_day = to_wita(now).date() - dt.timedelta(days=7)
    clock = to_utc_naive(dt.datetime.combine(start_day, dt.time(9, 0), tzinfo=WITA))
    formats = current_app.config["REQUEST_NUMBER_FORMAT"]
    created = 0
    for sample in read("sample_requests.json"):
        requester = people[sample["requester"]]
        model = ImprovementRequest if sample["kind"] == "improvement" else SupportRequest
        exists = db.session.execute(
            select(model.id).where(model.title == sample["fields"]["title"],
                                   model.requester_id == requester.id)
        ).first()
        if exists:
            continue
        req = model(requester_id=requester.id, unit_id=requester.unit_id, status="draft",
                    title=sample["fields"]["title"], created_at=clock)
        _fill_fields(req, sample["fields"], start_day)
        db.session.add(req)
        db.session.commit()
        for step in sample["steps"]:
            clock += dt.timedelta(minutes=17)
            day = to_wita(clock).date()
            payload = _resolve_payload(step.get("payload", {}), people, day)
            service.perform(req, step["action"], people[step["actor"]], payload, now=clock,
                            number_formats=formats)
        created += 1
        clock += dt.timedelta(minutes=40)
    return created


def _fill_fields(req, fields: dict, day: dt.date) -> None:
    def offset(name):
        value = fields.get(name)
        return None if value is None else day + dt.timedelta(days=value)

    if req.kind == "improvement":
        req.category = fields.get("category", IMPROVEMENT)
        if "system_code" in fields:  # an innovation (SOP 2.3) names no existing module
            req.system_id = db.session.execute(
                select(SimSystem.id).where(SimSystem.code == fields["system_code"])
            ).scalar_one()
        req.current_condition = fields["current_condition"]
        req.proposed_improvement = fields["proposed_improvement"]
        req.reason = fields["reason"]
        req.priority = fields["priority"]
        req.desired_date = offset("desired_date_offset_days")
    else:
        req.support_type_id = db.session.execute(
            select(SupportType.id).where(SupportType.code == fields["support_type_code"])
        ).scalar_one()
        req.description = fields["description"]
        req.location = fields.get("location")
        for name in ("needed_from", "needed_until"):
            when = offset(f"{name}_offset_days")
            if when is not None:
                setattr(req, name, to_utc_naive(
                    dt.datetime.combine(when, dt.time(9, 0), tzinfo=WITA)))


def load_demo(now: dt.datetime | None = None, with_samples: bool = True) -> dict[str, int]:
    now = now or utcnow()
    year = to_wita(now).year
    units = load_units()
    people = load_users(units)
    load_master_lists()
    holidays = load_holidays([year - 1, year, year + 1])
    db.session.commit()
    load_assets()  # issue 22: the IT equipment register
    samples = load_sample_requests(people, now) if with_samples else 0
    return {"units": len(units), "users": len(people), "holidays_added": holidays,
            "samples_added": samples}
