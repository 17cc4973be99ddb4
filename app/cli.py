"""Flask commands (SPEC §7): `init-roles`, `seed demo|bench`, `calendar seed`, `jobs run-due`,
`report`, `check-deploy`, `backup create|restore`. The top of the tree: it imports, nothing
imports it."""

from __future__ import annotations

import itertools
import os

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

import reports as xlsx_reports
from app import backup, jobs
from app.checklist import calendar
from app.extensions import db
from app.reports import jobs as report_jobs
from app.requests import search, tally
from app.security.deploy_check import deploy_problems
from app.security.roles import sync_all_roles
from app.timeutil import parse_now, to_wita
from seeds.bench import seed_bench
from seeds.loader import load_demo

NOW_OPTION = click.option("--now", "now_text", default=None,
                          help="Run as of this ISO time (WITA when no offset is given).")


def register_cli(app: Flask) -> None:
    app.cli.add_command(init_roles)
    app.cli.add_command(seed)
    app.cli.add_command(calendar_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(check_deploy)
    app.cli.add_command(backup_cli)
    app.cli.add_command(report_command)
    app.cli.add_command(reports_cli)
    app.cli.add_command(repair_search)


@click.command("init-roles")
@with_appcontext
@click.option("--exact", is_flag=True, help="Also remove permissions added to these roles by hand.")
def init_roles(exact: bool) -> None:
    """Create the roles of SPEC §2 with their permissions (idempotent)."""
    added = sync_all_roles(exact)
    click.echo("Peran diperbarui: " + ", ".join(f"{k} (+{v})" for k, v in added.items()))


seed = AppGroup("seed", help="Load demo or reference data.")
seed.add_command(seed_bench)


@seed.command("demo")
@NOW_OPTION
@click.option("--no-samples", is_flag=True, help="Without the sample requests.")
def seed_demo(now_text: str | None, no_samples: bool) -> None:
    """Units, demo users, master lists, holidays and sample requests (idempotent)."""
    sync_all_roles()
    result = load_demo(parse_now(now_text), with_samples=not no_samples)
    click.echo("Data demo: " + ", ".join(f"{k}={v}" for k, v in result.items()))


calendar_cli = AppGroup("calendar", help="The office calendar (holidays).")


@calendar_cli.command("seed")
@click.option("--year", type=int, default=None, help="Year to add (default: this year).")
@NOW_OPTION
def calendar_seed(year: int | None, now_text: str | None) -> None:
    """Add a year's national holidays, cuti bersama and Bali's days to the holiday table."""
    year = year or to_wita(parse_now(now_text)).year
    added = calendar.seed_year(year)
    db.session.commit()
    click.echo(f"Hari libur {year}: {added} ditambahkan.")


jobs_cli = AppGroup("jobs", help="Time-driven work (cron: every minute).")


@jobs_cli.command("run-due")
@NOW_OPTION
def jobs_run_due(now_text: str | None) -> None:
    """One pass: create/open/close checklist rounds, run probes, queue notices."""
    result = jobs.run_due(parse_now(now_text))
    click.echo(", ".join(f"{k}={v}" for k, v in result.items()))


@jobs_cli.command("recount")
def jobs_recount() -> None:
    """Rebuild the request tally (the list counts) from the requests themselves."""
    click.echo(f"Jumlah permintaan dihitung ulang: {tally.rebuild()} baris rekap.")


@click.command("check-deploy")
@with_appcontext
def check_deploy() -> None:
    """Fail (exit 1) when the settings are not safe for production."""
    problems = deploy_problems(current_app)
    for problem in problems:
        click.echo(f"- {problem}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo("Konfigurasi siap untuk produksi.")


backup_cli = AppGroup("backup", help="Back up and restore the database and attachments.")


@backup_cli.command("create")
@click.option("--output", default=None, help="Archive to write (default: instance/backups/).")
@click.option("--keep", type=int, default=0,
              help="Then keep only the newest N archives in the default folder.")
def backup_create(output: str | None, keep: int) -> None:
    """Write a consistent copy of the database and the attachments (.tar.gz)."""
    path = backup.create(output)
    if keep and output is None:
        backup.prune(os.path.dirname(path), keep)
    click.echo(f"Cadangan dibuat: {path}")


@backup_cli.command("restore")
@click.argument("archive")
@click.option("--force", is_flag=True, help="Overwrite a database that already holds data.")
def backup_restore(archive: str, force: bool) -> None:
    """Restore an archive made by `flask backup create`."""
    try:
        manifest = backup.restore(archive, force=force)
    except backup.BackupError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"Dipulihkan dari cadangan {manifest['created_at']} (skema {manifest['schema']}).")


DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.command("report")
@click.argument("name", type=click.Choice(sorted(xlsx_reports.REPORTS)))
@click.option("--from", "start", required=True, type=DATE, help="First day, YYYY-MM-DD.")
@click.option("--to", "end", required=True, type=DATE, help="Last day, YYYY-MM-DD.")
@click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The .xlsx file to write.")
@click.option("--user", "username", default=None,
              help="Apply this user's row filter and report rights (default: every row).")
@NOW_OPTION
@with_appcontext
def report_command(name, start, end, output, username, now_text) -> None:
    """Write one XLSX report of SPEC §6 for a period."""
    start, end = start.date(), end.date()
    if start > end:
        raise click.BadParameter("tanggal awal sesudah tanggal akhir", param_hint="--from")
    user = None
    if username:
        user = current_app.appbuilder.sm.find_user(username=username)
        if user is None:
            raise click.BadParameter(f"pengguna '{username}' tidak ada", param_hint="--user")
        if not xlsx_reports.REPORTS[name].allowed_for(user):
            raise click.UsageError(f"{username} tidak berwenang atas laporan {name}.")
    with TerminalProgress(f"Laporan {name}") as progress:
        xlsx_reports.build_report(name, output, start, end, user=user, now=parse_now(now_text),
                                  progress=progress)
    click.echo(f"Laporan {name} ({start} s.d. {end}) ditulis ke {output}.")


class TerminalProgress:
    """`flask report`'s progress bar on stderr (rows written of the total, when the report
    can count them ahead; rows written otherwise)."""

    def __init__(self, label: str):
        self.label, self.bar, self.done = label, None, 0

    def __enter__(self):
        return self

    def __call__(self, done: int, total: int | None = None) -> None:
        if self.bar is None:
            # Without a total: an iterable of unknown length (click then counts rows only).
            rows = {"length": total} if total else {"iterable": itertools.repeat(None)}
            self.bar = click.progressbar(**rows, label=self.label, show_pos=True,
                                         file=click.get_text_stream("stderr"))
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


reports_cli = AppGroup("reports", help="Reports asked for on the web (the report queue).")


@reports_cli.command("work")
@click.option("--once", is_flag=True, help="Build what is queued now, then stop.")
@click.option("--poll", type=float, default=2.0, show_default=True,
              help="Seconds between two looks at an empty queue.")
def reports_work(once: bool, poll: float) -> None:
    """A dedicated report worker: builds the queued reports (run one or more beside the web
    server, e.g. a systemd service; set REPORT_INPROCESS_WORKER=0 for the web processes)."""
    if once:
        click.echo(f"Laporan dibuat: {report_jobs.work()}.")
        return
    report_jobs.serve(poll)


@click.command("repair-search")
@with_appcontext
def repair_search() -> None:
    """Create the text-search indexes a database lacks (pg_trgm installed after the upgrade)."""
    try:
        created = search.repair()
    except search.RepairError as err:
        raise click.ClickException(str(err)) from None
    if created:
        click.echo("Indeks pencarian dibuat: " + ", ".join(created) + ".")
    else:
        click.echo("Indeks pencarian sudah lengkap.")
