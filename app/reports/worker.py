"""The dedicated report worker in a small process: `python -m app.reports.worker [--once]`.

The same loop as `flask reports work` (app/reports/jobs.py), but the process loads only what a
build needs: the configuration, the database, the models, the catalogue and the `reports`
builders. The web app (FAB's views, forms, templates, the API, PDF and QR libraries) is not
created, so the process stays near 100 MB while it writes a year of a million requests
(issue 21: the report worker's peak ≤ 120 MB; the whole web app alone is about 130 MB).

Run it beside the web server (a systemd service, see README) with REPORT_INPROCESS_WORKER=0
for the web processes; several may run at once, on one database or several machines: jobs
are claimed in the database (jobs.claim).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os

from flask import Flask
from flask_babel import Babel

from app.settings import configure, init_database

MODEL_MODULES = ("app.security.models", "app.assets.models", "app.requests.models",
                 "app.checklist.models", "app.reports.models")


def create_worker_app(config: object | str = "config.Config", **overrides) -> Flask:
    """A Flask app with the database and the catalogue, for building reports only."""
    app = Flask("app", instance_relative_config=True,
                instance_path=overrides.pop("INSTANCE_PATH", None))
    configure(app, config, overrides)
    init_database(app)
    # Reports are written in the office's language (app.i18n.office_language); FAB's own
    # catalogue is not needed for them.
    Babel(app, locale_selector=lambda: app.config["BABEL_DEFAULT_LOCALE"])
    # Every mapped class, so relationships between them resolve (as the web app has them).
    for models in MODEL_MODULES:
        importlib.import_module(models)
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.reports.worker",
        description="Build the reports queued from the web (the report queue), in a small "
                    "process.")
    parser.add_argument("--once", action="store_true", help="Build what is queued now, then stop.")
    parser.add_argument("--poll", type=float, default=2.0,
                        help="Seconds between two looks at an empty queue (default 2).")
    args = parser.parse_args(argv)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from app.reports import jobs

    worker_app = create_worker_app()
    with worker_app.app_context():
        if args.once:
            print(f"Laporan dibuat: {jobs.work()}.")
        else:
            jobs.serve(args.poll)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
