"""`flask seed bench`: province-scale data for the benchmark (issue 9), written by bulk inserts.

The demo seed (units, demo users, master lists) comes first; this adds K units with a head each,
U users (requesters, unit heads, IT officers), N requests of both kinds spread over Y years with
their assignments and history (about five rows per request, the path the workflow would have
written), the checklist rounds of every working day with one entry per active check item, and
SIM incidents. Rows are generated in Python and written in batches: SQLAlchemy Core executemany
on SQLite, COPY on PostgreSQL. Ids are given explicitly so children need no RETURNING.

Nothing in the seeded data is overdue at `--now` (work still running has a current target date
on or after that day), so the benchmark decides how much is overdue.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator

import click
from flask import current_app
from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import Role
from sqlalchemy import func, select, text
from werkzeug.security import generate_password_hash

from app.checklist import calendar, calendar_rules
from app.checklist.models import CheckItem, Holiday
from app.extensions import db
from app.requests import tally
from app.requests.models import SimSystem, SupportType
from app.security import roles as R
from app.security.models import AppUser, Unit
from app.security.roles import sync_all_roles
from app.timeutil import ROMAN, WITA, parse_now, to_utc_naive, to_wita
from seeds.loader import load_demo

BATCH = 10_000
CHUNK = 50_000  # requests generated (and their children kept in memory) at a time
BENCH_PREFIX = "BENCH-U"
KASI_ALONE_STAMP = "Diputuskan Kasi PDSI — Kabid Dalak berhalangan hadir (dinas luar)"

# Words for titles and texts: enough variety that a "contains" search is selective.
MODULES = ["pendaftaran izin", "verifikasi berkas", "cetak SK", "tanda tangan elektronik",
           "notifikasi SMS", "dashboard pimpinan", "laporan bulanan", "antrian loket",
           "integrasi OSS", "integrasi SiCantik", "SIMBG", "pembayaran retribusi",
           "arsip digital", "survei kepuasan", "pengaduan online", "tracking berkas"]
PROBLEMS = ["lambat saat jam sibuk", "gagal menyimpan lampiran", "salah format tanggal",
            "tidak menampilkan status terbaru", "error 500 setelah login",
            "duplikasi nomor registrasi", "tombol cetak tidak berfungsi",
            "data pemohon tidak sinkron", "kolom NIB terlalu pendek", "filter tanggal keliru"]
SUPPORT_TITLES = ["Instalasi printer loket", "Perbaikan jaringan ruang", "Pemulihan data",
                  "Penggantian keyboard", "Dukungan rapat koordinasi", "Instalasi aplikasi",
                  "Konfigurasi email dinas", "Pemasangan proyektor", "Perbaikan UPS",
                  "Pengaturan akses Wi-Fi"]
PLACES = ["Ruang Loket {}", "Ruang Rapat Lt. {}", "Ruang Server", "Ruang Arsip {}",
          "Ruang Kepala Bidang {}", "Front Office {}"]
REGIONS = ["Badung", "Bangli", "Buleleng", "Gianyar", "Jembrana", "Karangasem", "Klungkung",
           "Tabanan", "Denpasar", "Provinsi Bali"]
FIRST_NAMES = ["I Made", "I Wayan", "I Nyoman", "I Ketut", "Ni Luh", "Ni Made", "Ni Kadek",
               "I Gede", "Ni Putu", "I Komang", "Dewa Ayu", "Anak Agung", "Putu", "Kadek"]
LAST_NAMES = ["Sudarsana", "Wirawan", "Suardana", "Astuti", "Lestari", "Pratama", "Dewi",
              "Artawan", "Suputra", "Yasa", "Mahendra", "Wulandari", "Antara", "Sanjaya"]

# Share of each state for work older than RECENT_DAYS and for recent work.
RECENT_DAYS = 60
OLD_STATES = {"done": 84, "rejected": 8, "cancelled": 4, "in_progress": 2,
              "obstacle_reported": 1, "completion_reported": 1}
RECENT_STATES = {"draft": 6, "pending_unit_approval": 10, "pending_assessment": 10,
                 "pending_kabid_approval": 6, "in_progress": 25, "obstacle_reported": 4,
                 "completion_reported": 6, "done": 25, "rejected": 5, "cancelled": 3}
LONG_HISTORY_EVERY = 5000  # every so many requests one is done after 7 re-assignments: 20 rows


@click.command("bench")
@click.option("--requests", "n_requests", type=int, default=100_000, show_default=True)
@click.option("--users", "n_users", type=int, default=2000, show_default=True)
@click.option("--units", "n_units", type=int, default=40, show_default=True)
@click.option("--years", type=int, default=5, show_default=True)
@click.option("--support-share", type=float, default=0.3, show_default=True,
              help="Share of FM-03 support requests; the rest are FM-01.")
@click.option("--random-seed", type=int, default=2026, show_default=True)
@click.option("--now", "now_text", default=None, help="Seed as of this ISO time (WITA).")
def seed_bench(n_requests, n_users, n_units, years, support_share, random_seed, now_text):
    """Province-scale benchmark data (bulk inserts; run `flask seed demo` first)."""
    counts = generate(n_requests=n_requests, n_users=n_users, n_units=n_units, years=years,
                      support_share=support_share, random_seed=random_seed,
                      now=parse_now(now_text), echo=click.echo)
    click.echo("Data benchmark: " + ", ".join(f"{k}={v}" for k, v in counts.items()))


# --- writing ---------------------------------------------------------------------------------

class BulkWriter:
    """Rows (tuples) into a table: COPY on PostgreSQL, Core executemany in batches elsewhere."""

    def __init__(self, connection):
        self.conn = connection
        self.dialect = connection.dialect.name

    def write(self, table_name: str, columns: list[str], rows: Iterable[tuple]) -> int:
        table = Model.metadata.tables[table_name]
        if self.dialect == "postgresql":
            return self._copy(table_name, columns, rows)
        statement = table.insert()
        count, batch = 0, []
        for row in rows:
            batch.append(dict(zip(columns, row, strict=True)))
            if len(batch) >= BATCH:
                self.conn.execute(statement, batch)
                count, batch = count + len(batch), []
        if batch:
            self.conn.execute(statement, batch)
            count += len(batch)
        return count

    def _copy(self, table_name: str, columns: list[str], rows: Iterable[tuple]) -> int:
        raw = self.conn.connection.driver_connection
        names = ", ".join(f'"{c}"' for c in columns)
        count = 0
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table_name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def next_id(self, table_name: str) -> int:
        table = Model.metadata.tables[table_name]
        return (self.conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1

    def fix_sequence(self, table_name: str) -> None:
        if self.dialect == "postgresql":
            self.conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table_name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM \"{table_name}\"))"))


# --- the calendar ----------------------------------------------------------------------------

class WorkingDays:
    """Working days of the period (Mon–Fri minus the holiday table), for date arithmetic."""

    def __init__(self, start: dt.date, end: dt.date, holidays: set[dt.date]):
        self.days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
        self.days = [d for d in self.days if calendar_rules.is_working_day(d, holidays)]

    def on_or_after(self, day: dt.date, n: int = 0) -> dt.date:
        i = bisect.bisect_left(self.days, day) + n
        return self.days[min(i, len(self.days) - 1)]


# --- generation ------------------------------------------------------------------------------

def generate(*, n_requests: int, n_users: int, n_units: int, years: int, support_share: float,
             random_seed: int, now: dt.datetime, echo=print) -> dict[str, int]:
    started = time.monotonic()
    rng = random.Random(random_seed)
    session = db.session
    if session.execute(select(Unit.id).where(Unit.code == f"{BENCH_PREFIX}001")).first():
        raise click.ClickException("Data benchmark sudah ada di basis data ini.")
    if session.execute(select(AppUser.id).where(AppUser.username == "kasi.pdsi")).first() is None:
        sync_all_roles()
        load_demo(now, with_samples=False)

    today = to_wita(now).date()
    first_day = today - dt.timedelta(days=365 * years)
    for year in range(first_day.year, today.year + 2):
        calendar.seed_year(year)
    session.commit()
    holidays = set(session.execute(select(Holiday.date)).scalars())
    workdays = WorkingDays(first_day, today + dt.timedelta(days=400), holidays)

    roles = {r.name: r.id for r in session.execute(select(Role)).scalars()}
    people = {u.username: u for u in session.execute(select(AppUser)).scalars()}
    kasi, kabid = people["kasi.pdsi"].id, people["kabid.dalak"].id
    dalak_unit = people["kasi.pdsi"].unit_id
    demo_units = list(session.execute(select(Unit).order_by(Unit.id)).scalars())
    systems = list(session.execute(select(SimSystem.id)).scalars())
    support_types = list(session.execute(select(SupportType.id)).scalars())
    items = list(session.execute(
        select(CheckItem.id).where(CheckItem.active.is_(True)).order_by(CheckItem.order)).scalars())
    formats = current_app.config["REQUEST_NUMBER_FORMAT"]
    created_utc = to_utc_naive(dt.datetime.combine(first_day, dt.time(8), tzinfo=WITA))
    session.commit()

    counts: dict[str, int] = {}
    with db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
        out = BulkWriter(conn)

        # Units, each with a head; demo units without a head get one too.
        unit_id = out.next_id("unit")
        unit_rows = [(unit_id + i, f"{BENCH_PREFIX}{i + 1:03d}",
                      f"Bidang Pelayanan {i // len(REGIONS) + 1} {REGIONS[i % len(REGIONS)]}"
                      f" ({i + 1:03d})", f"Pelayanan {i + 1:03d}") for i in range(n_units)]
        counts["units"] = out.write("unit", ["id", "code", "name", "short_name"], unit_rows)
        all_units = [u.id for u in demo_units] + [row[0] for row in unit_rows]
        headless = [u.id for u in demo_units if u.head_id is None] + [row[0] for row in unit_rows]

        # Users: one shared password hash (hashing 2,000 passwords would take minutes).
        password = generate_password_hash("Denpasar#2026")
        user_id = out.next_id("ab_user")
        n_officers = max(8, n_users // 100)
        n_heads = len(headless)
        users, user_roles = [], []
        unit_members: dict[int, list[int]] = defaultdict(list)
        head_of: dict[int, int] = {}
        officers = [people["it.budi"].id, people["it.sari"].id]
        for i in range(max(n_users, n_officers + n_heads + 1)):
            uid = user_id + i
            if i < n_officers:
                unit, role_names, position = dalak_unit, [R.PETUGAS_IT], "Pranata Komputer"
                officers.append(uid)
            elif i < n_officers + n_heads:
                unit = headless[i - n_officers]
                role_names, position = [R.KEPALA_UNIT, R.PEMOHON], "Kepala Bidang"
                head_of[unit] = uid
            else:
                unit = all_units[i % len(all_units)]
                role_names, position = [R.PEMOHON], "Pengadministrasi Perizinan"
                unit_members[unit].append(uid)
            users.append((uid, rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), f"bench.u{i:05d}",
                          password, True, f"bench.u{i:05d}@bench.dpmptsp.go.id", 0, 0,
                          created_utc, created_utc, f"19800101201001{i:04d}"[-18:] if i < 10_000
                          else f"1980010120{i:08d}", position, unit))
            user_roles += [(uid, roles[name]) for name in role_names]
        counts["users"] = out.write("ab_user", [
            "id", "first_name", "last_name", "username", "password", "active", "email",
            "login_count", "fail_login_count", "created_on", "changed_on", "nip", "position",
            "unit_id"], users)
        out.write("ab_user_role", ["user_id", "role_id"], user_roles)
        unit_table = Model.metadata.tables["unit"]
        for unit, head in head_of.items():
            conn.execute(unit_table.update().where(unit_table.c.id == unit).values(head_id=head))
        heads = {u.id: u.head_id for u in demo_units if u.head_id} | head_of
        for unit in all_units:  # every unit has requesters
            unit_members[unit] = unit_members[unit] or [heads[unit]]
        for name in ("unit", "ab_user"):
            out.fix_sequence(name)
        echo(f"  unit dan pengguna: {time.monotonic() - started:.1f} s")

        # Requests with their assignments and history, in three streams over one plan.
        plan = RequestPlan(rng, n_requests, now, first_day, workdays, formats, support_share,
                           all_units, unit_members, heads, officers, kasi, kabid, systems,
                           support_types, out)
        counts.update(requests=0, assignments=0, history=0)
        for chunk in plan.chunks(CHUNK):  # parents before children, a chunk at a time
            counts["requests"] += out.write("service_request", REQUEST_COLUMNS, chunk)
            counts["assignments"] += out.write("assignment", ASSIGNMENT_COLUMNS, plan.assignments)
            counts["history"] += out.write("request_history", HISTORY_COLUMNS, plan.history)
            plan.assignments, plan.history = [], []
        seq_table = Model.metadata.tables["number_sequence"]
        for (kind, year), last in plan.sequences.items():
            conn.execute(seq_table.delete().where(seq_table.c.kind == kind,
                                                  seq_table.c.year == year))
            conn.execute(seq_table.insert().values(kind=kind, year=year, last_value=last))
        for name in ("service_request", "assignment", "request_history"):
            out.fix_sequence(name)
        echo(f"  permintaan: {time.monotonic() - started:.1f} s")

        # Checklist rounds of every working day before today, and incidents.
        rounds, entries = checklist_rows(rng, workdays, first_day, today, items, officers,
                                         out.next_id("checklist_round"))
        counts["rounds"] = out.write("checklist_round", ROUND_COLUMNS, rounds)
        counts["entries"] = out.write("checklist_entry", ENTRY_COLUMNS, entries)
        counts["incidents"] = out.write("incident", INCIDENT_COLUMNS, incident_rows(
            rng, first_day, today, systems, all_units, unit_members, officers,
            out.next_id("incident")))
        for name in ("checklist_round", "checklist_entry", "incident"):
            out.fix_sequence(name)
        echo(f"  checklist: {time.monotonic() - started:.1f} s")

    # The triggers appended a tally row per request; fold them as the clock would.
    tally.compact()
    # Fresh statistics and, on PostgreSQL, the visibility map (index-only scans), as
    # autovacuum or a DBA would leave a database that has run for a while.
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            conn.exec_driver_sql("ANALYZE")
        conn.commit()
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


REQUEST_COLUMNS = [
    "id", "kind", "number", "seq", "year", "title", "status", "version", "requester_id",
    "unit_id", "created_at", "submitted_at", "updated_at", "closed_at", "officer_id",
    "target_date", "proposal_feasible", "proposal_note", "system_id", "current_condition",
    "proposed_improvement", "reason", "priority", "desired_date", "support_type_id",
    "description", "location", "needed_from", "needed_until",
]
ASSIGNMENT_COLUMNS = [
    "id", "request_id", "officer_id", "assigned_by_id", "assigned_at", "target_date", "note",
    "approval", "approved_by_id", "approved_at", "absence_reason", "outcome", "outcome_note",
    "ended_at", "completed_at",
]
HISTORY_COLUMNS = ["id", "request_id", "action", "from_state", "to_state", "actor_id",
                   "on_behalf_of_id", "stamp", "note", "created_at"]
ROUND_COLUMNS = ["id", "date", "slot", "status", "version", "officer_id", "submitted_at",
                 "probed_at", "missed_notified_at", "created_at"]
ENTRY_COLUMNS = ["round_id", "item_id", "result", "value", "note", "follow_up"]
INCIDENT_COLUMNS = ["id", "occurred_at", "system_id", "description", "impact", "status",
                    "reported_by_id", "recorded_by_id", "action_taken", "resolved_at",
                    "created_at"]


def _weighted(rng: random.Random, table: dict[str, int]):
    names, weights = list(table), list(table.values())
    return lambda: rng.choices(names, weights)[0]


class RequestPlan:
    """Generates request rows; assignments and history are collected on the way, then streamed."""

    def __init__(self, rng, n, now, first_day, workdays, formats, support_share, units,
                 members, heads, officers, kasi, kabid, systems, support_types, out):
        self.rng, self.n, self.now, self.workdays = rng, n, now, workdays
        self.today = to_wita(now).date()
        self.formats, self.support_share = formats, support_share
        self.units, self.members, self.heads = units, members, heads
        self.officers, self.kasi, self.kabid = officers, kasi, kabid
        self.systems, self.support_types = systems, support_types
        self.first_id = out.next_id("service_request")
        self.next_assignment = out.next_id("assignment")
        self.next_history = out.next_id("request_history")
        self.start = to_utc_naive(dt.datetime.combine(first_day, dt.time(8), tzinfo=WITA))
        self.span = (now - dt.timedelta(hours=2) - self.start).total_seconds()
        self.assignments: list[tuple] = []
        self.history: list[tuple] = []
        self.sequences: dict[tuple[str, int], int] = defaultdict(int)
        self.old_state = _weighted(rng, OLD_STATES)
        self.recent_state = _weighted(rng, RECENT_STATES)

    def chunks(self, size: int) -> Iterator[list[tuple]]:
        for first in range(0, self.n, size):
            yield [self._one(i) for i in range(first, min(first + size, self.n))]

    # One request: its final state decides the path of actions that led there.
    def _one(self, i: int) -> tuple:
        rng = self.rng
        rid = self.first_id + i
        created = self.start + dt.timedelta(seconds=(i + rng.random()) * self.span / self.n)
        age_days = (self.now - created).days
        state = self.old_state() if age_days > RECENT_DAYS else self.recent_state()
        long_history = i % LONG_HISTORY_EVERY == 123 and age_days > RECENT_DAYS
        if long_history:
            state = "done"
        kind = "support" if rng.random() < self.support_share else "improvement"
        if long_history:  # the request page the benchmark opens is an FM-01
            kind = "improvement"
        unit = rng.choice(self.units)
        requester = rng.choice(self.members[unit])
        head = self.heads.get(unit, self.kasi)
        officer = rng.choice(self.officers)
        steps = self._steps(state, long_history)
        times = self._times(created, len(steps))
        number = seq = year = submitted = None
        officer_id = target = feasible = proposal_note = closed = None
        assignment = None  # [id, officer, assigned_at, target, approval, approved_at]
        for (action, from_state, to_state), when in zip(steps, times, strict=True):
            actor, note, stamp = requester, None, None
            if action == "submit":
                day = to_wita(when).date()
                year = day.year
                self.sequences[(kind, year)] += 1
                seq = self.sequences[(kind, year)]
                number = self.formats[kind].format(seq=seq, month_roman=ROMAN[day.month - 1],
                                                   year=year, month=day.month)
                submitted = when
            elif action in ("unit_approve", "unit_reject"):
                actor = head
                note = "Tidak sesuai prioritas unit." if action == "unit_reject" else None
            elif action == "assess":
                actor = self.kasi
                if state != "rejected":  # a feasible proposal, with the officer and target
                    feasible = True
                    target_day = self.workdays.on_or_after(to_wita(when).date(),
                                                           rng.randint(3, 15))
                    approval = "kasi_alone" if to_state == "in_progress" else "pending"
                    assignment = [self._assignment_id(), officer, when, target_day, approval,
                                  when if approval == "kasi_alone" else None]
                    if approval == "kasi_alone":
                        stamp = KASI_ALONE_STAMP
                        officer_id, target = officer, target_day
                else:
                    feasible, note = False, "Tidak layak: di luar cakupan SIM."
                proposal_note = note
            elif action == "kabid_approve":
                actor = self.kabid
                if assignment is not None:
                    assignment[4], assignment[5] = "kabid", when
                    officer_id, target = assignment[1], assignment[3]
            elif action == "report_obstacle":
                actor, note = officer_id, "Menunggu akses server dari vendor."
                self._end(rid, assignment, "obstacle", note, when, None)
                assignment = None
            elif action == "reassign":
                actor, note = self.kasi, "Penugasan ulang dengan target baru."
                officer = rng.choice(self.officers)
                target_day = self.workdays.on_or_after(to_wita(when).date(), rng.randint(3, 15))
                assignment = [self._assignment_id(), officer, when, target_day, "kasi", when]
                officer_id, target = officer, target_day
            elif action == "report_done":
                actor, note = officer_id, "Perbaikan selesai dan diuji bersama pemohon."
                assignment.append(when)  # completed_at
            elif action == "accept_done":
                actor = self.kasi
                self._end(rid, assignment, "done", None, when, assignment[6])
                assignment = None
            elif action == "cancel":
                note = "Tidak diperlukan lagi."
            self.history.append((self._history_id(), rid, action, from_state, to_state, actor,
                                 None, stamp, note, when))
        if assignment is not None:  # still running, pending, or reported done
            completed = assignment[6] if len(assignment) > 6 else None
            if state == "in_progress":  # nothing overdue at `now` (the benchmark decides)
                target = max(target, self.workdays.on_or_after(self.today, rng.randint(0, 20)))
                assignment[3] = target
            self.assignments.append((assignment[0], rid, assignment[1], self.kasi, assignment[2],
                                     assignment[3], None, assignment[4],
                                     self.kabid if assignment[4] == "kabid" else
                                     (self.kasi if assignment[4] != "pending" else None),
                                     assignment[5], "dinas luar" if assignment[4] == "kasi_alone"
                                     else None, None, None, None, completed))
        last = times[-1] if times else created
        if state in ("done", "rejected", "cancelled"):
            closed = last
        fm01 = kind == "improvement"
        module, problem = rng.choice(MODULES), rng.choice(PROBLEMS)
        title = (f"Modul {module} {problem}" if fm01 else
                 f"{rng.choice(SUPPORT_TITLES)} {rng.choice(PLACES).format(rng.randint(1, 9))}")
        needed = created + dt.timedelta(days=rng.randint(1, 10)) if not fm01 else None
        return (
            rid, kind, number, seq, year, f"{title} #{i + 1}", state, 1 + len(steps),
            requester, unit, created, submitted, last if steps else None, closed, officer_id,
            target, feasible if state == "pending_kabid_approval" else None,
            proposal_note if state == "pending_kabid_approval" else None,
            rng.choice(self.systems) if fm01 else None,
            f"Saat ini modul {module} {problem}, sehingga pelayanan terhambat." if fm01 else None,
            f"Perbaiki modul {module} agar {problem} tidak terjadi lagi." if fm01 else None,
            "Mempercepat pelayanan perizinan kepada masyarakat." if fm01 else None,
            rng.choice(("rendah", "sedang", "sedang", "tinggi")) if fm01 else None,
            (created + dt.timedelta(days=rng.randint(7, 60))).date() if fm01 and i % 3 else None,
            None if fm01 else rng.choice(self.support_types),
            None if fm01 else f"Mohon bantuan petugas IT: {title.lower()}.",
            None if fm01 else rng.choice(PLACES).format(rng.randint(1, 9)),
            needed, needed + dt.timedelta(hours=4) if needed else None,
        )

    def _steps(self, state: str, long_history: bool) -> list[tuple[str, str | None, str]]:
        """The actions, in order, that lead to `state` (SPEC §3)."""
        rng = self.rng
        submit = [("submit", "draft", "pending_unit_approval")]
        approved = submit + [("unit_approve", "pending_unit_approval", "pending_assessment")]
        if state == "draft":
            return []
        if state == "pending_unit_approval":
            return submit
        if state == "cancelled":
            return submit + [("cancel", "pending_unit_approval", "cancelled")]
        if state == "pending_assessment":
            return approved
        if state == "pending_kabid_approval":
            return approved + [("assess", "pending_assessment", "pending_kabid_approval")]
        if state == "rejected":
            if rng.random() < 0.35:
                return submit + [("unit_reject", "pending_unit_approval", "rejected")]
            return approved + [("assess", "pending_assessment", "pending_kabid_approval"),
                               ("kabid_approve", "pending_kabid_approval", "rejected")]
        # Assigned: by the Kabid's approval, or by the Kasi alone (SOP 9.2.5) now and then.
        if rng.random() < 0.05:
            path = approved + [("assess", "pending_assessment", "in_progress")]
        else:
            path = approved + [("assess", "pending_assessment", "pending_kabid_approval"),
                               ("kabid_approve", "pending_kabid_approval", "in_progress")]
        cycles = 7 if long_history else (1 if rng.random() < 0.04 else 0)
        if state == "in_progress" and cycles == 0 and rng.random() < 0.3:
            cycles = 1  # long-running work was re-assigned with a new target (SOP 9.3)
        for _ in range(cycles):
            path += [("report_obstacle", "in_progress", "obstacle_reported"),
                     ("reassign", "obstacle_reported", "in_progress")]
        if state == "obstacle_reported":
            path.append(("report_obstacle", "in_progress", "obstacle_reported"))
        elif state in ("completion_reported", "done"):
            path.append(("report_done", "in_progress", "completion_reported"))
            if state == "done":
                path.append(("accept_done", "completion_reported", "done"))
        return path

    def _times(self, created: dt.datetime, n: int) -> list[dt.datetime]:
        """Step times after `created`: hours to a few days apart, all before `now`."""
        gaps = [self.rng.uniform(0.3, 72.0) for _ in range(n)]
        room = (self.now - created).total_seconds() / 3600 * 0.9
        scale = min(1.0, room / sum(gaps)) if gaps and sum(gaps) > 0 else 1.0
        times, at = [], created
        for gap in gaps:
            at += dt.timedelta(hours=gap * scale)
            times.append(at)
        return times

    def _end(self, rid, assignment, outcome, note, when, completed):
        self.assignments.append((assignment[0], rid, assignment[1], self.kasi, assignment[2],
                                 assignment[3], None, assignment[4],
                                 self.kabid if assignment[4] == "kabid" else self.kasi,
                                 assignment[5], "dinas luar" if assignment[4] == "kasi_alone"
                                 else None, outcome, note, when, completed))

    def _assignment_id(self) -> int:
        self.next_assignment += 1
        return self.next_assignment - 1

    def _history_id(self) -> int:
        self.next_history += 1
        return self.next_history - 1


def checklist_rows(rng, workdays: WorkingDays, first_day, today, items, officers, first_id):
    """Two rounds per working day before today; entries for the rounds that were filled in."""
    rounds, entries = [], []
    rid = first_id
    for day in workdays.days:
        if day < first_day or day >= today:
            continue
        for slot in ("08:00", "13:00"):
            start = to_utc_naive(dt.datetime.combine(
                day, dt.time(int(slot[:2]), 0), tzinfo=WITA))
            roll = rng.random()
            status = "done" if roll < 0.92 else ("late" if roll < 0.97 else "missed")
            officer = None if status == "missed" else rng.choice(officers)
            submitted = None
            if status == "done":
                submitted = start + dt.timedelta(minutes=rng.randint(5, 55))
            elif status == "late":
                submitted = start + dt.timedelta(minutes=rng.randint(65, 300))
            rounds.append((rid, day, slot, status, 1, officer, submitted, start,
                           start + dt.timedelta(minutes=61) if status == "missed" else None,
                           start - dt.timedelta(hours=8)))
            if submitted is not None:
                for item in items:
                    r = rng.random()
                    result = "ok" if r < 0.97 else ("fault" if r < 0.99 else "not_checked")
                    note = "Respons lambat, dilaporkan ke vendor." if result == "fault" else None
                    entries.append((rid, item, result, "normal" if result == "ok" else None, note,
                                    "Dipantau pada putaran berikutnya." if note else None))
            rid += 1
    return rounds, entries


def incident_rows(rng, first_day, today, systems, units, members, officers, first_id):
    """About three SIM incidents a week, nearly all resolved within two days."""
    day, iid = first_day, first_id
    while day < today:
        for _ in range(rng.choice((0, 0, 1, 1, 1, 2))):
            occurred = to_utc_naive(dt.datetime.combine(
                day, dt.time(rng.randint(8, 15), rng.randint(0, 59)), tzinfo=WITA))
            resolved = rng.random() < 0.97
            yield (iid, occurred, rng.choice(systems), "SIM tidak dapat diakses dari loket.",
                   "Pelayanan tertunda", "resolved" if resolved else "open",
                   rng.choice(members[rng.choice(units)]), rng.choice(officers),
                   "Layanan aplikasi dimulai ulang." if resolved else None,
                   occurred + dt.timedelta(hours=rng.uniform(0.5, 48)) if resolved else None,
                   occurred)
            iid += 1
        day += dt.timedelta(days=2)
