"""The modules something outside the app imports first (the CLI, alembic's env, the bench, a
script) each import on their own in a fresh interpreter: no import circle hides behind the
order in which the app happens to load things. (All 75 modules take 90 s; these take a few.)"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from tests.helpers import ROOT

ENTRY_POINTS = [
    "app", "app.cli", "app.timeutil", "app.workflow.rules", "app.workflow.service",
    "app.requests.search", "app.printing.request_form", "app.printing.checklist_form", "reports", "reports.registers",
    "seeds.loader", "seeds.bench",
]


def test_each_entry_point_imports_on_its_own():
    names = [name for name in ENTRY_POINTS if (ROOT / name.replace(".", "/")).exists()
             or (ROOT / (name.replace(".", "/") + ".py")).exists()]
    assert names == ENTRY_POINTS  # a renamed module is renamed here too

    def first_import(name: str) -> tuple[str, str]:
        done = subprocess.run([sys.executable, "-c", f"import {name}"], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        return name, done.stderr.strip().splitlines()[-1] if done.returncode else ""

    with ThreadPoolExecutor(max_workers=4) as pool:
        failures = {name: error for name, error in pool.map(first_import, names) if error}
    assert failures == {}
