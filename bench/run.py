"""`make bench`: Layanan TI at province scale, beside FAB apps over the same table (issues 9, 21).

For each database (a SQLite file, a fresh PostgreSQL database made and dropped here): migrate,
sync the roles, load the demo seed, `flask seed bench`, then measure

- FM-01 list pages (first page, state filter, sorted by target date, last page) and the search
  with four terms by selectivity, as the Kasi, interleaved with the same pages of two FAB
  apps made only here: the competent anchor (FAB plus `joinedload` of the shown relations)
  and FAB's defaults; ratios ours / anchor. Ours alone: the Kepala Unit's list, the home page,
  a request page with 20 history rows. Median and p95 over --runs, SQL statements per page;
- a workflow action through the API (unit_approve on fresh pending requests);
- end to end through gunicorn over HTTP, logged in through the form: page latency and
  8-connection throughput, ours and the competent anchor alternating, and a year report built
  in the background while the list is read;
- each report for a month and a year, time and peak memory in a fresh process, beside raw
  xlsxwriter writing the rows of the same SQL in another fresh process;
- `run_due` idle (nothing due), the daily digest pass, and a pass with 10,000 overdue requests.

Results: a table on the terminal and bench/results/<timestamp>-<db>.json.
Run `python bench/run.py --help` for the options.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import pickle
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from config import Config  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PASSWORD = "Denpasar#2026"
PG_ADMIN_DSN = os.environ.get("BENCH_PG_DSN", "postgresql://layanan:layanan@127.0.0.1:5432/postgres")
PAGE_SIZE = 25
OVERDUE = 10_000
VIEW = "ImprovementRequestView"
PLAIN_VIEW = "PlainImprovementRequestView"


class BenchConfig(Config):
    """Production settings, minus what a benchmark client cannot do (CSRF tokens, rate limit)."""

    SECRET_KEY = "bench-secret-key-long-enough-for-hs256-0123456789"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    MAIL_SUPPRESS_SEND = True  # the outbox is still written and claimed; SMTP is not timed
    FAB_UPDATE_PERMS = False


# --- apps ------------------------------------------------------------------------------------

def layanan_app(url: str):
    from app import create_app

    return create_app(BenchConfig, SQLALCHEMY_DATABASE_URI=url)


def worker_app(url: str):
    """The dedicated report worker's app (`python -m app.reports.worker`): no web app."""
    from app.reports.worker import create_worker_app

    return create_worker_app(BenchConfig, SQLALCHEMY_DATABASE_URI=url)


def plain_app(url: str, competent: bool = True):
    """What a user gets from FAB alone: default security manager, one ModelView and one
    ModelRestApi over the same table with the same columns, page size and order.

    `competent` (the anchor, issue 21): what a FAB user who read the SQLAlchemy docs adds, the
    shown relations loaded with the page (`joinedload`, six lines); the database and its
    indexes are the same as ours. `competent=False`: FAB's defaults (a lazy load per relation
    and row), kept as a second row."""
    from flask import Flask
    from flask_appbuilder import AppBuilder, ModelRestApi, ModelView
    from flask_appbuilder.models.sqla.interface import SQLAInterface
    from sqlalchemy.orm import joinedload

    import app.checklist.models  # noqa: F401 — every mapper the request model refers to
    import app.notify.models  # noqa: F401
    import app.security.models  # noqa: F401
    from app.extensions import db
    from app.requests.models import ImprovementRequest

    class JoinedInterface(SQLAInterface):
        """The competent FAB user's six lines: the list's relations in the page's query."""

        def apply_all(self, query, *args, **kwargs):
            query = super().apply_all(query, *args, **kwargs)
            if kwargs.get("select_columns") or (len(args) > 5 and args[5]):
                return query  # the API joins its dotted columns itself
            return query.options(*(joinedload(getattr(ImprovementRequest, name))
                                   for name in ("unit", "requester", "officer")))

    interface = JoinedInterface if competent else SQLAInterface

    class PlainImprovementRequestView(ModelView):
        datamodel = interface(ImprovementRequest)
        list_columns = ["number", "title", "unit", "requester", "status", "officer",
                        "target_date"]
        base_order = ("id", "desc")
        page_size = PAGE_SIZE
        # FAB's default searches every column, relations included, and renders a select of
        # every related row (all history and assignment rows): 4 MB per page at 5,000
        # requests. The same search columns as ours keep the baseline usable.
        search_columns = ["number", "title", "status", "target_date", "submitted_at"]

    class PlainImprovementRequestApi(ModelRestApi):
        resource_name = "plain_improvement_request"
        datamodel = interface(ImprovementRequest)
        list_columns = ["id", "number", "title", "status", "unit.id", "unit.name",
                        "requester.id", "requester.username", "officer.id", "officer.username",
                        "target_date", "submitted_at", "created_at", "version"]
        base_order = ("id", "desc")

    flask_app = Flask("plain_fab")
    flask_app.config.update(
        SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=BenchConfig.SECRET_KEY, WTF_CSRF_ENABLED=False,
        FAB_UPDATE_PERMS=False, FAB_CREATE_DB=False, AUTH_ROLE_ADMIN="Admin",
        AUTH_ROLE_PUBLIC="Public", SQLALCHEMY_TRACK_MODIFICATIONS=False,
    )
    if url.startswith("sqlite"):
        flask_app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    db.init_app(flask_app)
    with flask_app.app_context():
        appbuilder = AppBuilder(update_perms=False)
        appbuilder.init_app(flask_app, db.session)
        appbuilder.add_view(PlainImprovementRequestView, "Plain improvement requests",
                            category="Requests")
        appbuilder.add_api(PlainImprovementRequestApi)
    return flask_app


def grant_plain_permissions(flask_app) -> None:
    """The plain views' permissions, for the Kasi's and the unit heads' roles."""
    from app.extensions import db

    with flask_app.app_context():
        appbuilder = flask_app.appbuilder
        appbuilder.add_permissions(update_perms=True)
        sm = appbuilder.sm
        names = {PLAIN_VIEW, "PlainImprovementRequestApi", "Plain improvement requests",
                 "Requests"}
        perm_views = [pv for pv in db.session.query(sm.permissionview_model).all()
                      if pv.view_menu.name in names]
        for role_name in ("Kasi PDSI", "Kepala Unit"):
            role = sm.find_role(role_name)
            for pv in perm_views:
                if pv not in role.permissions:
                    role.permissions.append(pv)
        db.session.commit()
        db.session.remove()


def wsgi_app():
    """gunicorn 'bench.run:wsgi_app()', with BENCH_APP=layanan|competent|default and
    BENCH_DATABASE_URL."""
    url = os.environ["BENCH_DATABASE_URL"]
    which = os.environ.get("BENCH_APP", "layanan")
    if which == "layanan":
        return layanan_app(url)
    return plain_app(url, competent=which == "competent")


# --- databases -------------------------------------------------------------------------------

def make_database(kind: str, work: Path) -> tuple[str, object]:
    if kind == "sqlite":
        path = work / "bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}", lambda: None
    import psycopg

    name = f"layanan_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    url = f"{base}/{name}"
    return url, drop_database(kind, url)


def drop_database(kind: str, url: str):
    if kind == "sqlite":
        return lambda: None  # the work folder goes at the end
    import psycopg

    name = url.rsplit("/", 1)[1]

    def drop():
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return drop


def bench_now() -> dt.datetime:
    """10.00 WITA on the latest working day (Mon–Fri) up to today, as naive UTC."""
    from app.timeutil import WITA, to_utc_naive, today_wita

    day = today_wita()
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return to_utc_naive(dt.datetime.combine(day, dt.time(10, 0), tzinfo=WITA))


def prepare(url: str, args, now: dt.datetime, out: dict) -> None:
    from flask_migrate import upgrade

    from app.extensions import db
    from app.security.roles import sync_all_roles
    from seeds.loader import load_demo

    started = time.perf_counter()
    flask_app = layanan_app(url)
    with flask_app.app_context():
        upgrade()
        sync_all_roles()
        load_demo(now, with_samples=False)
        db.session.remove()
        db.engine.dispose()
    out["setup_seconds"] = round(time.perf_counter() - started, 1)
    command = [str(ROOT / ".venv" / "bin" / "flask"), "seed", "bench",
               "--requests", str(args.requests), "--users", str(args.users),
               "--units", str(args.units), "--years", str(args.years),
               "--now", now.replace(tzinfo=dt.UTC).isoformat()]
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "run.py"}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"flask seed bench failed:\n{done.stdout}\n{done.stderr}")
    out["seed_seconds"] = round(time.perf_counter() - started, 1)
    out["seed_output"] = done.stdout.strip().splitlines()[-1]
    print(f"  {out['seed_output']} ({out['seed_seconds']} s)")


# --- timing ----------------------------------------------------------------------------------

class SqlCounter:
    def __init__(self, engine):
        from sqlalchemy import event

        self.count = 0
        self.statements: list[str] = []
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, _conn, _cursor, statement, *_args):
        self.count += 1
        self.statements.append(" ".join(statement.split())[:160])

    def reset(self) -> None:
        self.count = 0
        self.statements = []


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def summary(times: list[float], statements: list[int] | None = None, **extra) -> dict:
    result = {"p50_ms": round(statistics.median(times) * 1000, 1),
              "p95_ms": round(p95(times) * 1000, 1), "runs": len(times), **extra}
    if statements is not None:
        result["sql"] = int(statistics.median(statements))
        result["sql_max"] = max(statements)
    return result


def time_get(client, url: str, counter: SqlCounter, runs: int, headers=None) -> dict:
    for _ in range(2):  # warm-up: templates compiled, caches filled
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: {response.status_code} "
                               f"{response.get_data(as_text=True)[:300]}")
    times, statements = [], []
    for _ in range(runs):
        counter.reset()
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append(time.perf_counter() - started)
        statements.append(counter.count)
        assert response.status_code == 200, (url, response.status_code)
    return summary(times, statements, bytes=len(response.data), url=url,
                   sql_statements=list(counter.statements))


def login(flask_app, username: str):
    client = flask_app.test_client()
    response = client.post("/login/", data={"username": username, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"login of {username} failed: {response.status_code}")
    return client


def jwt(flask_app, username: str) -> dict:
    client = flask_app.test_client()
    response = client.post("/api/v1/security/login", json={
        "username": username, "password": PASSWORD, "provider": "db"})
    return {"Authorization": f"Bearer {response.json['access_token']}"}


# --- the pages -------------------------------------------------------------------------------

def facts(flask_app, now) -> dict:
    """Row counts, the last page per user, a request with 20 history rows, a search term."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.requests.models import ImprovementRequest, RequestHistory
    from app.security.models import AppUser
    from app.timeutil import today_wita
    from app.workflow.relations import request_visibility

    with flask_app.app_context():
        result = {}
        for username in ("kasi.pdsi", "kabid.pelayanan"):
            user = db.session.execute(
                select(AppUser).where(AppUser.username == username)).scalar_one()
            result[f"visible_{username}"] = db.session.execute(
                select(func.count()).select_from(ImprovementRequest)
                .where(request_visibility(user, today_wita(now), ImprovementRequest))).scalar()
        long_request = db.session.execute(
            select(RequestHistory.request_id).join(
                ImprovementRequest, ImprovementRequest.id == RequestHistory.request_id)
            .group_by(RequestHistory.request_id).having(func.count() >= 20)
            .order_by(RequestHistory.request_id).limit(1)).scalar()
        result["long_history_request"] = long_request
        result["long_history_rows"] = db.session.execute(
            select(func.count()).select_from(RequestHistory)
            .where(RequestHistory.request_id == long_request)).scalar()
        # A rare term: the suffix of one title (a handful of matches, so no early stop).
        middle = db.session.execute(select(func.max(ImprovementRequest.id))).scalar() // 2
        title = db.session.execute(select(ImprovementRequest.title).where(
            ImprovementRequest.id >= middle).order_by(ImprovementRequest.id).limit(1)).scalar()
        result["search_term"] = title.rsplit(" ", 1)[-1]
        db.session.remove()
    result["search_terms"] = search_terms(flask_app, result)
    return result


# Search terms by how many FM-01 rows hold them (seeds/bench.py's titles): a title's unique
# suffix, one module of sixteen (about 6 %), the word every FM-01 title starts with, and two
# characters (which no trigram index serves).
SEARCH_TERMS = {"rare": None, "~5 %": "SIMBG", "100 %": "Modul", "2 characters": "OS"}


def search_terms(flask_app, info: dict) -> dict[str, dict]:
    """Each term with its share of the FM-01 rows (counted once, for the record)."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.requests.models import ImprovementRequest

    terms = {}
    with flask_app.app_context():
        total = db.session.execute(select(func.count()).select_from(ImprovementRequest)).scalar()
        for label, term in SEARCH_TERMS.items():
            term = term or info["search_term"]
            matches = db.session.execute(select(func.count()).select_from(ImprovementRequest)
                                         .where(ImprovementRequest.title.ilike(f"%{term}%"))
                                         ).scalar()
            terms[label] = {"term": term, "matches": matches,
                            "share": round(matches / total, 4) if total else None}
        db.session.remove()
    return terms


def search_box_arg(client) -> str:
    """Our list's search box argument (`_flt_<n>_title`), read from the page itself."""
    import re

    page = client.get(f"/{VIEW.lower()}/list/").get_data(as_text=True)
    return re.search(r'name="(_flt_\d+_title)" id="search-words"', page).group(1)


def quoted(term: str) -> str:
    from urllib.parse import quote

    return quote(term)


def list_urls(view: str, rows: int, search_arg: str = "_flt_2_title") -> dict[str, str]:
    base = f"/{view.lower()}/list/"
    last = max(0, (rows - 1) // PAGE_SIZE)
    return {
        "first page": base,
        "state = in_progress": f"{base}?_flt_3_status=in_progress",
        "sorted by target date": f"{base}?_oc_{view}=target_date&_od_{view}=asc",
        "last page": f"{base}?page_{view}={last}",
    }


def search_urls(view: str, terms: dict, search_arg: str) -> dict[str, str]:
    """Ours: the list's search box (number or title); FAB: "title contains"."""
    base = f"/{view.lower()}/list/"
    return {f"search {label}": f"{base}?{search_arg}={quoted(t['term'])}"
            for label, t in terms.items()}


def time_interleaved(cases: dict[str, tuple], runs: int) -> dict[str, dict]:
    """Time every case `runs` times, alternating between them within each run (and their order
    from run to run), so a noisy machine slows every side alike. A case is (client, url,
    counter, headers)."""
    for client, url, _counter, headers in cases.values():
        for _ in range(2):  # warm-up: templates compiled, caches filled
            response = client.get(url, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url}: {response.status_code} "
                                   f"{response.get_data(as_text=True)[:300]}")
    times = {label: [] for label in cases}
    statements = {label: [] for label in cases}
    last = {}
    labels = list(cases)
    for run in range(runs):
        for label in (labels if run % 2 == 0 else labels[::-1]):
            client, url, counter, headers = cases[label]
            counter.reset()
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            times[label].append(time.perf_counter() - started)
            statements[label].append(counter.count)
            assert response.status_code == 200, (url, response.status_code)
            last[label] = (len(response.data), list(counter.statements))
    return {label: summary(times[label], statements[label], bytes=last[label][0],
                           url=cases[label][1], sql_statements=last[label][1])
            for label in cases}


ANCHORS = ("competent FAB", "default FAB")


def measure_pages(flask_app, anchors: dict, info: dict, runs: int) -> dict:
    """Our pages beside the two FAB anchors, interleaved per page; ratios ours / anchor."""
    from app.extensions import db

    with flask_app.app_context():
        counter = SqlCounter(db.engine)
    kasi = login(flask_app, "kasi.pdsi")
    ours_search = search_box_arg(kasi)
    terms = info["search_terms"]
    sides = {"ours": (kasi, counter, list_urls(VIEW, info["visible_kasi.pdsi"])
                      | search_urls(VIEW, terms, ours_search))}
    for name, plain in anchors.items():
        with plain.app_context():
            plain_counter = SqlCounter(db.engine)
        sides[name] = (login(plain, "kasi.pdsi"), plain_counter,
                       list_urls(PLAIN_VIEW, info["visible_kasi.pdsi"])
                       | search_urls(PLAIN_VIEW, terms, "_flt_2_title"))
    pages: dict[str, dict] = {}
    ratios: dict[str, dict] = {name: {} for name in anchors}
    for page in sides["ours"][2]:
        cases = {side: (client, urls[page], ctr, None)
                 for side, (client, ctr, urls) in sides.items()}
        timed = time_interleaved(cases, runs)
        for side, row in timed.items():
            pages[f"{side}: FM-01 list, {page} (kasi.pdsi)"] = row
        for name in anchors:
            theirs = timed[name]["p50_ms"]
            ratios[name][page] = round(timed["ours"]["p50_ms"] / theirs, 2) if theirs else None
        print(f"    {page:28} " + "  ".join(
            f"{side} {row['p50_ms']} ms/{row['sql']} SQL" for side, row in timed.items()))
    # The API list, interleaved the same way.
    api_cases = {"ours": (flask_app.test_client(), "/api/v1/improvement_request/", counter,
                          jwt(flask_app, "kasi.pdsi"))}
    for name, plain in anchors.items():
        api_cases[name] = (plain.test_client(), "/api/v1/plain_improvement_request/",
                           sides[name][1], jwt(plain, "kasi.pdsi"))
    timed = time_interleaved(api_cases, runs)
    for side, row in timed.items():
        pages[f"{side}: API list (kasi.pdsi)"] = row
    for name in anchors:
        ratios[name]["API list"] = round(timed["ours"]["p50_ms"] / timed[name]["p50_ms"], 2)
    # Pages without a FAB counterpart, and a Kepala Unit (row filter), ours alone.
    head = login(flask_app, "kabid.pelayanan")
    alone = {
        "ours: home page (kasi.pdsi)": (kasi, "/", counter, None),
        "ours: request page, 20 history rows (kasi.pdsi)": (
            kasi, f"/{VIEW.lower()}/show/{info['long_history_request']}", counter, None),
    }
    for page, url in list_urls(VIEW, info["visible_kabid.pelayanan"]).items():
        alone[f"ours: FM-01 list, {page} (kabid.pelayanan)"] = (head, url, counter, None)
    pages.update(time_interleaved(alone, runs))
    return {"pages": pages, "ratio_p50": ratios}


def measure_action(flask_app, now, runs: int) -> dict:
    """unit_approve by the head of Bidang Pelayanan on fresh pending requests."""
    from sqlalchemy import select

    from app.extensions import db
    from app.requests.models import ImprovementRequest, RequestHistory, SimSystem
    from app.security.models import AppUser

    with flask_app.app_context():
        requester = db.session.execute(
            select(AppUser).where(AppUser.username == "pemohon")).scalar_one()
        system = db.session.execute(select(SimSystem.id).limit(1)).scalar()
        ids = []
        for i in range(runs + 2):
            req = ImprovementRequest(
                requester_id=requester.id, unit_id=requester.unit_id, status="pending_unit_approval",
                title=f"Permintaan uji aksi {i}", number=f"BENCH-{uuid.uuid4().hex[:10]}",
                system_id=system, current_condition="-", proposed_improvement="-", reason="-",
                priority="sedang", created_at=now, submitted_at=now, updated_at=now)
            db.session.add(req)
            db.session.flush()
            db.session.add(RequestHistory(request_id=req.id, action="submit", from_state="draft",
                                          to_state=req.status, actor_id=requester.id,
                                          created_at=now))
            ids.append(req.id)
        db.session.commit()
        counter = SqlCounter(db.engine)
        db.session.remove()
    headers = jwt(flask_app, "kabid.pelayanan")
    client = flask_app.test_client()
    times, statements = [], []
    for n, pk in enumerate(ids):
        counter.reset()
        started = time.perf_counter()
        response = client.post(f"/api/v1/improvement_request/{pk}/actions/unit_approve",
                               json={"note": "Disetujui."}, headers=headers)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        if n >= 2:  # the first two warm up
            times.append(elapsed)
            statements.append(counter.count)
    return summary(times, statements, sql_statements=list(counter.statements))


# --- reports, each in a fresh process --------------------------------------------------------

def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def vm_hwm_kb(pid: int | str = "self") -> int:
    """A process's peak RSS (VmHWM); 0 once it has ended. Unlike getrusage's ru_maxrss it
    does not carry the parent's peak over fork and exec."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:  # it has just ended
        pass
    return 0


def peak_rss_mb() -> float:
    return (vm_hwm_kb() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024


def reset_peak() -> bool:
    """Start VmHWM again from the current RSS (Linux clear_refs 5), so the peak is the build's."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def report_child(url: str, name: str, start: str, end: str, now: str, sql_file: str) -> dict:
    """Build one report in the dedicated worker's process (the worker app, not the web app);
    time, memory, cells; save its SELECTs for the raw writer."""
    import tracemalloc

    import xlsxwriter.worksheet
    from sqlalchemy import event

    flask_app = worker_app(url)
    import reports
    from app.extensions import db

    start_day, end_day = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    moment = dt.datetime.fromisoformat(now)
    with flask_app.app_context():
        statements = []
        event.listen(db.engine, "before_cursor_execute",
                     lambda _c, _cur, sql, params, _ctx, _many: statements.append((sql, params)))
        target = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
        target.close()
        reports.build_report(name, target.name, start_day, start_day, now=moment)  # warm-up
        db.session.remove()
        base = rss_mb()
        reset = reset_peak()
        statements.clear()
        started = time.perf_counter()
        reports.build_report(name, target.name, start_day, end_day, now=moment)
        seconds = time.perf_counter() - started
        peak = peak_rss_mb()
        db.session.remove()
        selects = [(sql, params) for sql, params in statements
                   if sql.lstrip().upper().startswith("SELECT")]
        # Second pass, for Python's own peak allocation and the number of cells.
        cells = [0]
        originals = {}
        for method in ("write_string", "write_number", "write_datetime", "write_blank"):
            originals[method] = getattr(xlsxwriter.worksheet.Worksheet, method)

            def counting(self, *a, _orig=originals[method], **k):
                cells[0] += 1
                return _orig(self, *a, **k)

            setattr(xlsxwriter.worksheet.Worksheet, method, counting)
        tracemalloc.start()
        reports.build_report(name, target.name, start_day, end_day, now=moment)
        traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        size = os.path.getsize(target.name)
        os.unlink(target.name)
    with open(sql_file, "wb") as handle:
        pickle.dump(selects, handle)
    return {"seconds": round(seconds, 3), "cells": cells[0], "bytes": size,
            "rss_base_mb": round(base, 1), "rss_peak_mb": round(peak, 1),
            "rss_growth_mb": round(peak - base, 1), "peak_is_build_only": reset,
            "tracemalloc_peak_mb": round(traced / 2**20, 1), "queries": len(selects)}


def raw_child(url: str, sql_file: str) -> dict:
    """The limit: the report's SELECTs, streamed, every value written as a cell by xlsxwriter."""
    import xlsxwriter
    from sqlalchemy import create_engine

    with open(sql_file, "rb") as handle:
        selects = pickle.load(handle)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    target = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    target.close()
    base = rss_mb()
    reset_peak()
    started = time.perf_counter()
    book = xlsxwriter.Workbook(target.name, {"constant_memory": True})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    cells = 0
    with engine.connect() as conn:
        for index, (sql, params) in enumerate(selects):
            sheet = book.add_worksheet(f"q{index}")
            result = conn.execution_options(stream_results=True, yield_per=2000).exec_driver_sql(
                sql, params)
            for row_number, row in enumerate(result):
                for col, value in enumerate(row):
                    if value is None:
                        sheet.write_blank(row_number, col, None)
                    elif isinstance(value, str):
                        sheet.write_string(row_number, col, value)
                    elif isinstance(value, dt.date):
                        sheet.write_datetime(row_number, col, value, date_format)
                    elif isinstance(value, bool):
                        sheet.write_boolean(row_number, col, value)
                    else:
                        sheet.write_number(row_number, col, float(value))
                    cells += 1
    book.close()
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    os.unlink(target.name)
    return {"seconds": round(seconds, 3), "cells": cells, "rss_base_mb": round(base, 1),
            "rss_peak_mb": round(peak, 1), "rss_growth_mb": round(peak - base, 1)}


def run_child(*arguments: str) -> dict:
    done = subprocess.run([sys.executable, str(Path(__file__)), *arguments], cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"child {arguments[:2]} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_reports(url: str, now: dt.datetime) -> dict:
    import reports
    from app.timeutil import today_wita

    today = today_wita(now)
    first_of_month = today.replace(day=1)
    last_month_end = first_of_month - dt.timedelta(days=1)
    periods = {"month": (last_month_end.replace(day=1), last_month_end),
               "year": (today - dt.timedelta(days=364), today)}
    results = {}
    with tempfile.TemporaryDirectory() as work:
        for name in reports.REPORTS:
            for period, (start, end) in periods.items():
                sql_file = os.path.join(work, f"{name}-{period}.pickle")
                built = run_child("_report", url, name, start.isoformat(), end.isoformat(),
                                  now.isoformat(), sql_file)
                raw = run_child("_raw", url, sql_file)
                per_cell = (built["seconds"] / built["cells"]) / (raw["seconds"] / raw["cells"]) \
                    if built["cells"] and raw["cells"] and raw["seconds"] else None
                results[f"{name} {period}"] = {
                    "report": built, "raw_xlsxwriter": raw,
                    "time_ratio": round(built["seconds"] / raw["seconds"], 2)
                    if raw["seconds"] else None,
                    "time_per_cell_ratio": round(per_cell, 2) if per_cell else None,
                }
                print(f"    {name:22} {period:5} {built['seconds']:7.2f} s "
                      f"{built['cells']:>9} cells, peak {built['rss_peak_mb']} MB | raw "
                      f"{raw['seconds']:6.2f} s {raw['cells']:>9} cells, peak {raw['rss_peak_mb']} MB")
    return results


# --- jobs ------------------------------------------------------------------------------------

def measure_jobs(flask_app, url: str, now: dt.datetime) -> dict:
    from sqlalchemy import delete, func, select, update

    from app.extensions import db
    from app.jobs import run_due
    from app.notify.models import JobState, Outbox
    from app.requests.models import ServiceRequest
    from app.timeutil import today_wita

    def quiet_outbox():
        db.session.execute(update(Outbox).where(Outbox.status != "sent").values(status="sent"))
        db.session.commit()

    result = {}
    with flask_app.app_context():
        quiet_outbox()
        started = time.perf_counter()
        first = run_due(now)
        result["daily pass, nothing overdue"] = {
            "seconds": round(time.perf_counter() - started, 3), **first,
            "outbox_rows": db.session.execute(select(func.count()).select_from(Outbox)).scalar()}
        quiet_outbox()
        times = []
        for minute in range(1, 8):
            started = time.perf_counter()
            idle = run_due(now + dt.timedelta(minutes=minute))
            times.append(time.perf_counter() - started)
        result["idle pass, nothing due"] = {**summary(times), **idle}
        # 10,000 requests overdue: finished ones put back to work with a target in the past.
        today = today_wita(now)
        chosen = select(ServiceRequest.id).where(
            ServiceRequest.status == "done", ServiceRequest.officer_id.is_not(None)
        ).order_by(ServiceRequest.id.desc()).limit(OVERDUE).scalar_subquery()
        db.session.execute(update(ServiceRequest).where(ServiceRequest.id.in_(chosen)).values(
            status="in_progress", target_date=today - dt.timedelta(days=5), closed_at=None))
        db.session.execute(delete(JobState).where(JobState.name == "digest"))
        db.session.execute(delete(Outbox).where(Outbox.event == "digest"))
        db.session.commit()
        overdue = db.session.execute(select(func.count()).select_from(ServiceRequest).where(
            ServiceRequest.status == "in_progress", ServiceRequest.target_date < today)).scalar()
        started = time.perf_counter()
        busy = run_due(now + dt.timedelta(minutes=10))
        result["pass with overdue requests"] = {
            "seconds": round(time.perf_counter() - started, 3), "overdue": overdue, **busy}
        db.session.remove()
    # The command as cron runs it (process start included), with nothing due.
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "run.py"}
    started = time.perf_counter()
    subprocess.run([str(ROOT / ".venv" / "bin" / "flask"), "jobs", "run-due", "--now",
                    (now + dt.timedelta(minutes=20)).replace(tzinfo=dt.UTC).isoformat()],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    result["`flask jobs run-due` command, nothing due (process included)"] = {
        "seconds": round(time.perf_counter() - started, 2)}
    return result


# --- throughput through gunicorn -------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_call(port: int, method: str, path: str, body=None, headers=None, timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def start_gunicorn(url: str, which: str, workers: int):
    port = free_port()
    env = {**os.environ, "BENCH_DATABASE_URL": url, "BENCH_APP": which}
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--timeout", "120", "--log-level", "warning", "bench.run:wsgi_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
        try:
            status, _, _ = http_call(port, "GET", "/login/", timeout=5)
            if status == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        process.terminate()
        raise RuntimeError("gunicorn did not start")
    # Every worker must have made its app before timing starts.
    time.sleep(2 + workers)
    return process, port


def session_cookie(port: int, username: str) -> str:
    body = f"username={username}&password={PASSWORD.replace('#', '%23')}"
    status, headers, _ = http_call(port, "POST", "/login/", body, {
        "Content-Type": "application/x-www-form-urlencoded"})
    cookies = [v.split(";", 1)[0] for k, v in headers if k.lower() == "set-cookie"]
    if status != 302 or not cookies:
        raise RuntimeError(f"login over HTTP failed: {status}")
    return "; ".join(cookies)


def bearer(port: int, username: str) -> str:
    _, _, body = http_call(port, "POST", "/api/v1/security/login", json.dumps(
        {"username": username, "password": PASSWORD, "provider": "db"}),
        {"Content-Type": "application/json"})
    return f"Bearer {json.loads(body)['access_token']}"


def load(port: int, path: str, headers: dict, connections: int, total: int,
         max_seconds: float) -> dict:
    """`connections` threads, one keep-alive-less connection each, until `total` or time."""
    lock = threading.Lock()
    state = {"issued": 0, "ok": 0, "errors": 0, "times": []}

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if state["issued"] >= total or time.monotonic() > deadline:
                    break
                state["issued"] += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                good = response.status == 200
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                good = False
                conn.close()
            with lock:
                state["ok" if good else "errors"] += 1
                state["times"].append(time.perf_counter() - started)
        conn.close()

    for _ in range(connections):  # warm-up, one request per connection
        http_call(port, "GET", path, headers=headers)
    deadline = time.monotonic() + max_seconds
    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"requests": state["ok"] + state["errors"], "errors": state["errors"],
            "seconds": round(elapsed, 2), "req_per_s": round(state["ok"] / elapsed, 1),
            "latency_p50_ms": round(statistics.median(state["times"]) * 1000, 1),
            "latency_p95_ms": round(p95(state["times"]) * 1000, 1)}


def stop(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


# End to end, through gunicorn over HTTP: (label, our path, the competent anchor's path or
# None). Add a page here to have it measured; `{search}`, `{rare}`, `{broad}` and `{request}`
# are filled from the data set. A page ours lacks (404) is skipped with a note.
E2E_PAGES = [
    ("list, first page", f"/{VIEW.lower()}/list/", f"/{PLAIN_VIEW.lower()}/list/"),
    ("search, rare term", f"/{VIEW.lower()}/list/?{{search}}={{rare}}",
     f"/{PLAIN_VIEW.lower()}/list/?_flt_2_title={{rare}}"),
    ("search, 100 % term", f"/{VIEW.lower()}/list/?{{search}}={{broad}}",
     f"/{PLAIN_VIEW.lower()}/list/?_flt_2_title={{broad}}"),
    ("home", "/", "/"),
    ("request page", f"/{VIEW.lower()}/show/{{request}}",
     f"/{PLAIN_VIEW.lower()}/show/{{request}}"),
    ("dashboard", "/dashboard/", None),
]


def timed_call(port: int, path: str, headers: dict) -> tuple[float, int]:
    started = time.perf_counter()
    status, _, _ = http_call(port, "GET", path, headers=headers)
    return time.perf_counter() - started, status


def e2e_latency(servers: dict, pages: list, runs: int) -> dict:
    """One connection, page by page, ours and the anchor alternating (order flipped per run)."""
    result = {}
    for label, *paths in pages:
        sides = [(name, port, cookie, path) for (name, (port, cookie)), path
                 in zip(servers.items(), paths, strict=True) if path]
        for _name, port, cookie, path in sides:  # warm-up, and is the page there at all?
            _, status = timed_call(port, path, cookie)
            if status != 200:
                result[label] = {"skipped": f"{path}: HTTP {status}"}
                break
        else:
            times = {name: [] for name, *_ in sides}
            for run in range(runs):
                for name, port, cookie, path in (sides if run % 2 == 0 else sides[::-1]):
                    elapsed, status = timed_call(port, path, cookie)
                    assert status == 200, (path, status)
                    times[name].append(elapsed)
            result[label] = {name: summary(values) for name, values in times.items()}
            if len(sides) == 2:
                ours, theirs = (result[label][name]["p50_ms"] for name, *_ in sides)
                result[label]["ratio_p50"] = round(ours / theirs, 2) if theirs else None
        print(f"    e2e {label:22} {result[label]}")
    return result


def e2e_throughput(servers: dict, paths: dict, args) -> dict:
    """`connections` clients at once, in alternating blocks (ours, anchor, anchor, ours...)."""
    blocks = 4
    share = max(1, args.http_requests // blocks)
    runs = {name: [] for name in servers}
    names = list(servers)
    for block in range(blocks):
        for name in (names if block % 2 == 0 else names[::-1]):
            port, cookie = servers[name]
            runs[name].append(load(port, paths[name], cookie, args.connections, share,
                                   args.http_seconds / blocks))
    result = {}
    for name, parts in runs.items():
        ok = sum(p["requests"] - p["errors"] for p in parts)
        seconds = sum(p["seconds"] for p in parts)
        result[name] = {"requests": sum(p["requests"] for p in parts),
                        "errors": sum(p["errors"] for p in parts),
                        "req_per_s": round(ok / seconds, 1) if seconds else None,
                        "latency_p50_ms": statistics.median(p["latency_p50_ms"] for p in parts)}
    ours, theirs = (result[name]["req_per_s"] for name in names)
    result["ratio_req_per_s"] = round(ours / theirs, 2) if theirs else None
    print(f"    throughput ({args.connections} connections) {result}")
    return result


def report_while_serving(port: int, cookie: dict, list_path: str, idle_p50_ms: float,
                         now: dt.datetime) -> dict:
    """A year of FM-01 asked for over HTTP (queued, built by a worker thread of one of the
    gunicorn workers) while one client keeps reading the list: the list's median meanwhile
    against its idle median, and the build's wall time (polled as the page polls)."""
    from app.timeutil import today_wita

    today = today_wita(now)
    query = f"from={(today - dt.timedelta(days=364)).isoformat()}&to={today.isoformat()}"
    started = time.perf_counter()
    status, headers, body = http_call(
        port, "GET", f"/reports/improvement_requests.xlsx?{query}&wait=0",
        headers={**cookie, "Accept": "application/json"})
    if status not in (200, 202):
        return {"error": f"HTTP {status}: {body[:200]!r}"}
    job = json.loads(body)
    location = f"/reports/jobs/{job['id']}"
    times, polls = [], 0
    while job["status"] in ("queued", "running") and time.perf_counter() - started < 600:
        elapsed, status = timed_call(port, list_path, cookie)
        times.append(elapsed)
        polls += 1
        if polls % 5 == 0:
            _, _, body = http_call(port, "GET", location,
                                   headers={**cookie, "Accept": "application/json"})
            job = json.loads(body)
    seconds = time.perf_counter() - started
    file_status, _, data = http_call(port, "GET", job.get("download", location), headers=cookie)
    p50 = statistics.median(times) * 1000 if times else None
    result = {"report_seconds": round(seconds, 2), "status": job["status"],
              "rows": job.get("rows_total"), "file_bytes": len(data) if file_status == 200 else 0,
              "list_requests_meanwhile": len(times),
              "list_p50_ms_meanwhile": round(p50, 1) if p50 else None,
              "list_p50_ms_idle": idle_p50_ms,
              "ratio_to_idle": round(p50 / idle_p50_ms, 2) if p50 and idle_p50_ms else None}
    print(f"    report in the background: {result}")
    return result


def report_by_worker(url: str, port: int, cookie: dict, list_path: str, idle_p50_ms: float,
                     now: dt.datetime) -> dict:
    """The deployment README recommends: the same year of FM-01 (to yesterday, so it is not
    the job just built) queued, and built by the dedicated worker, `python -m
    app.reports.worker --once`, in its own process, while one client keeps reading the list.
    The worker's peak RSS is its whole process's VmHWM, read between two list requests
    (wait4's ru_maxrss would include the bench process forked before the exec)."""
    from app.extensions import db
    from app.reports import jobs
    from app.security.models import AppUser
    from app.timeutil import today_wita

    end = today_wita(now) - dt.timedelta(days=1)
    queue_app = worker_app(url)
    with queue_app.app_context():
        kasi = db.session.execute(db.select(AppUser).filter_by(username="kasi.pdsi")).scalar_one()
        job = jobs.request_report("improvement_requests", end - dt.timedelta(days=364), end,
                                  kasi, now=now)
        job_id = job.id
        db.session.remove()
        db.engine.dispose()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": BenchConfig.SECRET_KEY,
           "LOG_LEVEL": "WARNING"}
    started = time.perf_counter()
    worker = subprocess.Popen([sys.executable, "-m", "app.reports.worker", "--once"], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    times, peak_kb = [], 0
    while worker.poll() is None:
        peak_kb = max(peak_kb, vm_hwm_kb(worker.pid))
        times.append(timed_call(port, list_path, cookie)[0])
    seconds = time.perf_counter() - started
    with queue_app.app_context():
        job = db.session.get(jobs.ReportJob, job_id)
        done = {"status": job.status, "rows": job.rows_total, "error": job.error}
        db.engine.dispose()
    p50 = statistics.median(times) * 1000 if times else None
    result = {"report_seconds": round(seconds, 2), **done, "exit": worker.returncode,
              "worker_peak_rss_mb": round(peak_kb / 1024, 1),
              "list_requests_meanwhile": len(times),
              "list_p50_ms_meanwhile": round(p50, 1) if p50 else None,
              "list_p50_ms_idle": idle_p50_ms,
              "ratio_to_idle": round(p50 / idle_p50_ms, 2) if p50 and idle_p50_ms else None}
    if worker.returncode:
        result["stderr"] = worker.stderr.read().decode()[-1000:]
    print(f"    report by the dedicated worker: {result}")
    return result


def measure_http(url: str, info: dict, args, now: dt.datetime) -> dict:
    """End to end: gunicorn (`--workers` sync workers) for us and for the competent anchor,
    logged in through the login form, requests over real HTTP on 127.0.0.1; the client runs
    on the same cores. nginx is not in front (the office's deployment may add it)."""
    ours, ours_port = start_gunicorn(url, "layanan", args.workers)
    anchor, anchor_port = start_gunicorn(url, "competent", args.workers)
    try:
        servers = {"ours": (ours_port, {"Cookie": session_cookie(ours_port, "kasi.pdsi")}),
                   "competent FAB": (anchor_port,
                                     {"Cookie": session_cookie(anchor_port, "kasi.pdsi")})}
        _, _, page = http_call(ours_port, "GET", f"/{VIEW.lower()}/list/",
                               headers=servers["ours"][1])
        import re

        search = re.search(r'name="(_flt_\d+_title)" id="search-words"', page.decode()).group(1)
        values = {"search": search, "rare": quoted(info["search_terms"]["rare"]["term"]),
                  "broad": quoted(info["search_terms"]["100 %"]["term"]),
                  "request": info["long_history_request"]}
        pages = [(label, *(p.format(**values) if p else None for p in paths))
                 for label, *paths in E2E_PAGES]
        result = {"latency": e2e_latency(servers, pages, args.http_runs)}
        list_paths = {"ours": pages[0][1], "competent FAB": pages[0][2]}
        result["throughput list page"] = e2e_throughput(servers, list_paths, args)
        if not args.skip_reports:
            idle = result["latency"]["list, first page"]["ours"]["p50_ms"]
            result["report while serving"] = report_while_serving(
                ours_port, servers["ours"][1], list_paths["ours"], idle, now)
            result["report by the dedicated worker"] = report_by_worker(
                url, ours_port, servers["ours"][1], list_paths["ours"], idle, now)
    finally:
        stop(ours)
        stop(anchor)
    return result


# --- the run ---------------------------------------------------------------------------------

def machine() -> dict:
    import sqlite3

    info = {"cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "sqlite": sqlite3.sqlite_version}
    try:
        with open("/proc/cpuinfo") as handle:
            info["cpu"] = next(line.split(":", 1)[1].strip() for line in handle
                               if line.startswith("model name"))
        with open("/proc/meminfo") as handle:
            info["memory_gb"] = round(int(handle.readline().split()[1]) / 2**20, 1)
    except (OSError, StopIteration):
        pass
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_DSN) as conn:
            info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
    except Exception:  # noqa: BLE001 — only for the record
        pass
    return info


def bench_database(kind: str, args, work: Path) -> dict:
    now = bench_now()
    out: dict = {"database": kind, "started": dt.datetime.now().isoformat(timespec="seconds"),
                 "now": now.isoformat(), "requests": args.requests, "users": args.users,
                 "units": args.units, "years": args.years, "runs": args.runs,
                 "machine": machine()}
    seeded = work / f"seeded-{kind}.json"
    if args.reuse:
        # A database `--seed-only` made earlier: seeding a million requests takes minutes
        # that need no quiet machine; the timings that follow do.
        kept = json.loads(seeded.read_text(encoding="utf-8"))
        if kept["requests"] != args.requests or kept["now"] != now.isoformat():
            raise SystemExit(f"{seeded} was seeded for {kept['requests']} requests at "
                             f"{kept['now']}, not {args.requests} at {now.isoformat()}")
        url, drop = kept["url"], drop_database(kind, kept["url"])
        out.update({key: kept[key] for key in ("setup_seconds", "seed_seconds", "seed_output")})
        seeded.unlink()  # the timings change the data (approvals, jobs): reuse once
    else:
        url, drop = make_database(kind, work)
    print(f"\n== {kind}: {url.split('@')[-1]}")
    try:
        if not args.reuse:
            prepare(url, args, now, out)
        if args.seed_only:
            seeded.write_text(json.dumps(
                {"url": url, "now": now.isoformat(), "requests": args.requests,
                 **{key: out[key] for key in ("setup_seconds", "seed_seconds", "seed_output")}},
                indent=2) + "\n", encoding="utf-8")
            print(f"  seeded: {seeded}")
            return out
        flask_app = layanan_app(url)
        anchors = {"competent FAB": plain_app(url, competent=True),
                   "default FAB": plain_app(url, competent=False)}
        grant_plain_permissions(anchors["competent FAB"])
        info = facts(flask_app, now)
        out["facts"] = info
        print(f"  facts: {info}")
        print("  pages")
        out.update(measure_pages(flask_app, anchors, info, args.runs))
        print("  workflow action")
        out["api_action_unit_approve"] = measure_action(flask_app, now, args.runs)
        action = out["api_action_unit_approve"]
        print(f"    p50 {action['p50_ms']} ms, p95 {action['p95_ms']} ms, {action['sql']} SQL")
        if not args.skip_http:
            print("  end to end (gunicorn, HTTP)")
            out["end_to_end"] = measure_http(url, info, args, now)
        print("  jobs")
        out["jobs"] = measure_jobs(flask_app, url, now)
        for key, value in out["jobs"].items():
            print(f"    {key:60} {value}")
        if not args.skip_reports:  # after the jobs, so `overdue` has its 10,000 rows
            print("  reports")
            out["reports"] = measure_reports(url, now)
        from app.extensions import db

        for each in (flask_app, *anchors.values()):
            with each.app_context():
                db.engine.dispose()
    finally:
        if args.keep or args.seed_only:
            print(f"  kept: {url}")
        else:
            drop()
    out["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    return out


def print_table(result: dict) -> None:
    print(f"\n{result['database']} — {result['requests']:,} requests "
          f"({result['facts']['visible_kasi.pdsi']:,} FM-01), runs={result['runs']}, interleaved")
    print(f"{'page':70} {'p50 ms':>8} {'p95 ms':>8} {'SQL':>4}")
    for name, row in result["pages"].items():
        print(f"{name:70} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row.get('sql', ''):>4}")
    row = result["api_action_unit_approve"]
    print(f"{'API action unit_approve (kabid.pelayanan)':70} {row['p50_ms']:8.1f} "
          f"{row['p95_ms']:8.1f} {row['sql']:>4}")
    for anchor, ratios in result["ratio_p50"].items():
        print(f"ratio p50 ours / {anchor}: " + ", ".join(f"{k} {v}" for k, v in ratios.items()))
    print("search terms: " + ", ".join(f"{k} '{v['term']}' {v['matches']} rows"
                                       for k, v in result["facts"]["search_terms"].items()))
    if "reports" in result:
        print(f"{'report':26} {'s':>7} {'cells':>9} {'peak MB':>8} | {'raw s':>7} "
              f"{'cells':>9} {'peak MB':>8} | ratio  per-cell")
        for name, row in result["reports"].items():
            b, r = row["report"], row["raw_xlsxwriter"]
            print(f"{name:26} {b['seconds']:7.2f} {b['cells']:9} {b['rss_peak_mb']:8.1f} | "
                  f"{r['seconds']:7.2f} {r['cells']:9} {r['rss_peak_mb']:8.1f} | "
                  f"{row['time_ratio']!s:6} {row['time_per_cell_ratio']!s:6}")
    for name, row in result.get("end_to_end", {}).items():
        if name == "latency":
            for page, sides in row.items():
                print(f"e2e {page:24} {sides}")
        else:
            print(f"e2e {name:24} {row}")
    for name, row in result["jobs"].items():
        print(f"jobs {name:60} {row.get('seconds', row.get('p50_ms'))}"
              f"{' s' if 'seconds' in row else ' ms (p50)'}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--http-requests", type=int, default=400,
                        help="Requests per side in the throughput test (4 alternating blocks).")
    parser.add_argument("--http-runs", type=int, default=20,
                        help="Requests per page and side in the end-to-end latency test.")
    parser.add_argument("--http-seconds", type=float, default=30)
    parser.add_argument("--skip-reports", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--keep", action="store_true", help="Keep the databases.")
    parser.add_argument("--seed-only", action="store_true",
                        help="Make and seed the databases, keep them for one --reuse, time nothing.")
    parser.add_argument("--reuse", action="store_true",
                        help="Time the databases the last --seed-only made (same --requests, "
                             "same day).")
    parser.add_argument("--work", default=str(ROOT / "instance" / "bench"),
                        help="Folder for the SQLite file.")
    args = parser.parse_args(argv)
    import logging

    logging.getLogger("flask_appbuilder").setLevel(logging.ERROR)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    for kind in args.db.split(","):
        result = bench_database(kind.strip(), args, work)
        if args.seed_only:
            continue
        path = RESULTS / f"{stamp}-{kind.strip()}.json"
        path.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
        print_table(result)
        print(f"-> {path.relative_to(ROOT)}")
    if not (args.keep or args.seed_only):
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_report":
        print(json.dumps(report_child(*sys.argv[2:8])))
    elif len(sys.argv) > 1 and sys.argv[1] == "_raw":
        print(json.dumps(raw_child(*sys.argv[2:4])))
    else:
        main()
