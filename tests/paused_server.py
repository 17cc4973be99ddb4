"""`python run.py` for the crash-safety test: every commit that records a workflow action first
flushes, writes a marker file and waits, so the test can kill the server with everything
written and nothing committed. The hook lives here, not in the app."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402 — after the path above
from app.requests.models import RequestHistory  # noqa: E402

MARKER = Path(os.environ["PAUSE_MARKER"])


@event.listens_for(Session, "after_flush")
def _note_an_action(session: Session, _context) -> None:
    if any(isinstance(row, RequestHistory) for row in session.new):
        session.info["action_written"] = True


@event.listens_for(Session, "before_commit")
def _pause_before_an_action_commits(session: Session) -> None:
    session.flush()
    if session.info.pop("action_written", False):
        MARKER.write_text(str(os.getpid()))
        time.sleep(60)  # the test kills the process long before this ends


if __name__ == "__main__":
    app = create_app()
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
