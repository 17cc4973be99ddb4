"""Entry point: `flask --app run.py ...`, gunicorn `run:app`, and `python run.py` (dev server).

`python run.py` (what `make run` starts) also runs the in-process clock: APScheduler calls the
same pass as `flask jobs run-due` every minute, and the report worker (`flask reports work
--once`) every 30 seconds for reports a stopped worker left behind (a report asked for on the
page starts its build at once in a thread of the web process). In production use cron or a
systemd timer instead (README); running it in several places is safe, each pass is
idempotent and a report is claimed by one worker only.
"""

import datetime
import logging
import os

from app import create_app
from app.jobs import run_due
from app.reports import jobs as report_jobs

app = create_app()


def start_clock(flask_app):
    from apscheduler.schedulers.background import BackgroundScheduler

    def every(work, name):
        def tick():
            with flask_app.app_context():
                try:
                    work()
                except Exception:  # the clock keeps ticking; the error is in the log
                    logging.getLogger("clock").exception("%s failed", name)
        return tick

    scheduler = BackgroundScheduler(timezone="Asia/Makassar")
    first = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=5)
    scheduler.add_job(every(run_due, "run-due"), "interval", minutes=1, id="run-due",
                      max_instances=1, coalesce=True, next_run_time=first)
    scheduler.add_job(every(report_jobs.work, "reports"), "interval", seconds=30,
                      id="reports", max_instances=1, coalesce=True, next_run_time=first)
    scheduler.start()
    return scheduler


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if os.environ.get("START_CLOCK", "1") == "1":
        start_clock(app)
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "8080")))
