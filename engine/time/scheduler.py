"""Running one recurring job, every minute by default: the domain's deadline sweep and deliveries.

The job is given by the composition root (workflows/deadlines/recurring.py: sweep deadlines,
then deliver notifications); this module only decides when and where it runs.
``shangliang scheduler`` runs it as its own process (production, with several web workers);
``shangliang serve`` (``make run``) embeds it in the web server through ``start_embedded``, whose
guard keeps it off under tests, in the reloader's watcher process, when SHANGLIANG_SCHEDULER is
not ``embedded``, and from starting twice in one process. The job has a fixed id, is coalesced,
runs one instance at a time and has no misfire grace limit, so a late run still happens, once.
Deadlines are data in shangliang's own tables; the scheduler stores nothing.
"""
import atexit
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.orm import Session

from models import utcnow

JOB_ID = "shangliang-deadline-sweep"
DEFAULT_INTERVAL_SECONDS = 60

Job = Callable[[Session, datetime], Any]  # one run of the recurring work, in the session it is given

_embedded: BaseScheduler | None = None
_embedded_lock = threading.Lock()


def run_once(sessions: Callable[[], Session], job: Job, now: datetime | None = None) -> Any:
    """Run the job once at ``now`` in a session of its own; return what it returns."""
    with sessions() as session:
        return job(session, now or utcnow())


def build(sessions: Callable[[], Session], job: Job, *, interval_seconds: int = DEFAULT_INTERVAL_SECONDS,
          blocking: bool = False) -> BaseScheduler:
    """Return a scheduler holding the job (not started); the first run is immediate."""
    if interval_seconds < 1:
        raise ValueError("the sweep interval must be at least 1 second")
    kind = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = kind(timezone=UTC, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": None})
    scheduler.add_job(
        run_once, "interval", seconds=interval_seconds, id=JOB_ID, name="deadline sweep", replace_existing=True,
        next_run_time=datetime.now(UTC),
        kwargs={"sessions": sessions, "job": job})
    return scheduler


def should_start_embedded(config: Mapping[str, object], environ: Mapping[str, str]) -> bool:
    """Tell whether this web process should run the embedded scheduler."""
    if config.get("TESTING") or "PYTEST_CURRENT_TEST" in environ:
        return False
    if environ.get("SHANGLIANG_SCHEDULER", "embedded") != "embedded":
        return False
    # Under the reloader the watcher process serves nothing; only its child (WERKZEUG_RUN_MAIN) runs jobs.
    return not (config.get("DEBUG") and environ.get("WERKZEUG_RUN_MAIN") != "true")


def start_embedded(sessions: Callable[[], Session], job: Job, config: Mapping[str, object], environ: Mapping[str, str],
                   interval_seconds: int = DEFAULT_INTERVAL_SECONDS) -> BaseScheduler | None:
    """Start the background scheduler once per process, if the guard allows; return it."""
    global _embedded
    if not should_start_embedded(config, environ):
        return None
    with _embedded_lock:
        if _embedded is None:
            _embedded = build(sessions, job, interval_seconds=interval_seconds)
            _embedded.start()
            atexit.register(stop_embedded)
        return _embedded


def stop_embedded() -> None:
    """Stop the embedded scheduler, if this process started one."""
    global _embedded
    with _embedded_lock:
        if _embedded is not None:
            _embedded.shutdown(wait=False)
            _embedded = None
