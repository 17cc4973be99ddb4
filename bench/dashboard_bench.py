"""Time `GET /dashboard/` (issue 20) on a benchmark database: median, p95 and SQL statements.

Either on a database made here with the benchmark's data set (`bench/run.py`'s steps: migrate,
roles, demo seed, `flask seed bench`), or on one that exists (`--url`, e.g. kept by
`bench/run.py --keep`; it is migrated and its roles synced first, so the Dashboard permission
exists). Each period is asked as the Kasi PDSI, --runs times after two warm-up requests.

    .venv/bin/python bench/dashboard_bench.py --db sqlite --requests 100000
    .venv/bin/python bench/dashboard_bench.py --url postgresql+psycopg://.../layanan_bench_x
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402
    SqlCounter,
    bench_now,
    layanan_app,
    login,
    make_database,
    prepare,
    time_get,
)

PERIODS = {
    "this_month": "/dashboard/",
    "this_year": "/dashboard/?period=this_year",
    "five_years": "/dashboard/?period=custom&from={start}&to={end}",
}


def migrate_and_sync(url: str) -> None:
    from flask_migrate import upgrade

    from app.extensions import db
    from app.security.roles import sync_all_roles

    flask_app = layanan_app(url)
    with flask_app.app_context():
        upgrade()
        sync_all_roles()
        db.session.remove()
        db.engine.dispose()


def measure(url: str, runs: int) -> dict:
    from app.extensions import db
    from app.timeutil import today_wita

    flask_app = layanan_app(url)
    today = today_wita()
    urls = {name: path.format(start=f"01-01-{today.year - 4}", end=today.strftime("%d-%m-%Y"))
            for name, path in PERIODS.items()}
    with flask_app.app_context():
        counter = SqlCounter(db.engine)
    client = login(flask_app, "kasi.pdsi")
    return {name: {k: v for k, v in time_get(client, path, counter, runs).items()
                   if k != "sql_statements"}
            for name, path in urls.items()}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="an existing database (SQLAlchemy URL)")
    parser.add_argument("--db", default="sqlite", choices=("sqlite", "postgresql"),
                        help="the database to make when no --url is given")
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the database made here")
    args = parser.parse_args(argv)

    drop = None
    if args.url:
        url = args.url
        migrate_and_sync(url)
    else:
        work = Path(tempfile.mkdtemp(prefix="dashboard-bench-", dir=ROOT / "test-artifacts")
                    if (ROOT / "test-artifacts").is_dir() else tempfile.mkdtemp())
        url, drop = make_database(args.db, work)
        prepare(url, args, bench_now(), {})
    try:
        result = measure(url, args.runs)
    finally:
        if drop is not None and not args.keep:
            drop()
    print(f"GET /dashboard/ as kasi.pdsi, {args.runs} runs ({url.split('@')[-1]})")
    print(f"{'period':<12} {'median ms':>10} {'p95 ms':>10} {'SQL':>5}")
    for name, figures in result.items():
        print(f"{name:<12} {figures['p50_ms']:>10} {figures['p95_ms']:>10} {figures['sql']:>5}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
