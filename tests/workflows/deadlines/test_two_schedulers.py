"""Two `shangliang scheduler` processes on one database never act on the same task twice.

On PostgreSQL the sweep takes its rows FOR UPDATE SKIP LOCKED, so the two share the work; on
SQLite the write lock makes them take turns. Either way every task is reminded and escalated once.
"""
import json
import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from models import DeadlineAction, Event
from tests.deadline_helpers import topic_waiting_for_signature

TASKS = 12
SWEEP_LINE = '"event": "sweep"'  # one JSON line per sweep
DONE_LINE = "executed successfully"  # APScheduler's line after every run of the job
FAILED_LINE = "raised an exception"  # …and after a run that failed, with the traceback


def start(db_url: str) -> tuple[subprocess.Popen[bytes], list[dict[str, int]], threading.Event]:
    """Start a scheduler sweeping one task per transaction; collect the reports it logs.

    The event is set when its first run ends; a run that failed leaves its log line in
    ``process.failures``.
    """
    env = {**os.environ, "SHANGLIANG_DATABASE_URL": db_url, "SHANGLIANG_SWEEP_BATCH": "1",
           "SHANGLIANG_REMIND_AFTER_WD": "2", "SHANGLIANG_ESCALATE_AFTER_WD": "5"}
    env.pop("PYTEST_CURRENT_TEST", None)
    command = [sys.executable, "-c", "from webui.cli.commands import main; main()", "scheduler", "--interval", "3600"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    reports: list[dict[str, int]] = []
    failures: list[str] = []
    swept = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for raw in process.stderr:
            line = raw.decode(errors="replace")
            if SWEEP_LINE in line:  # {"message": "sweep", "changes": {"reminded": …, …}, …}
                reports.append(json.loads(line)["changes"])
            if FAILED_LINE in line:
                failures.append(line)
            if DONE_LINE in line or FAILED_LINE in line:
                swept.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    process.reader = reader  # type: ignore[attr-defined]
    process.failures = failures  # type: ignore[attr-defined]
    return process, reports, swept


def test_two_schedulers_started_together_remind_and_escalate_each_task_once(sessions, db_url):
    started = datetime.now(UTC) - timedelta(days=60)  # the schedulers run on the real clock
    with sessions() as session:
        items = [topic_waiting_for_signature(session, title=f"议题{n}", start=started)[1].id for n in range(TASKS)]
    schedulers = [start(db_url), start(db_url)]
    try:
        for process, _reports, swept in schedulers:
            assert swept.wait(120), f"scheduler {process.pid} did not finish a sweep"
            assert process.failures == [], process.failures  # type: ignore[attr-defined]
    finally:
        for process, _reports, _swept in schedulers:
            process.send_signal(signal.SIGTERM)
            process.wait(30)
            process.reader.join(10)  # type: ignore[attr-defined]
            process.stderr.close()  # type: ignore[union-attr]
    reports = [r for _p, rs, _s in schedulers for r in rs]
    assert sum(r.get("reminded", 0) for r in reports) == TASKS
    assert sum(r.get("escalated", 0) for r in reports) == TASKS
    with sessions() as session:
        for item_id in items:
            actions = session.scalars(select(DeadlineAction.action).where(DeadlineAction.task_item_id == item_id))
            assert sorted(actions) == ["escalate", "remind"]
        for kind in ("task_reminded", "task_escalated"):
            assert session.scalar(select(func.count()).where(Event.kind == kind)) == TASKS
