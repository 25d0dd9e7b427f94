"""The scheduler's heartbeat: a row each recurring job updates at the end of every run.

Written by the recurring job (recurring.py) after each sweep; read by ``/readyz``, ``/metrics``
and the supervisors' dashboard, which say when the last sweep ran and alarm when it is older
than SHANGLIANG_SWEEP_STALE_SECONDS (default 300: five missed one-minute sweeps). Under
gunicorn the sweep runs only in a separate ``shangliang scheduler``; this is how anyone sees
that none runs.
"""
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from models import Heartbeat
from models.database import insert_or_update, writing

SWEEP = "sweep"
DEFAULT_STALE_SECONDS = 300


@dataclass(frozen=True)
class Freshness:
    """When a job last ran, how long ago, and whether that is too long."""

    beat_at: datetime | None
    age_seconds: float | None
    stale: bool
    duration_s: float | None = None

    def as_json(self) -> dict[str, Any]:
        """Return the figures for a JSON answer."""
        return {"last_sweep_at": self.beat_at.isoformat() if self.beat_at else None,
                "age_seconds": None if self.age_seconds is None else round(self.age_seconds, 1),
                "duration_seconds": self.duration_s, "stale": self.stale}


def stale_after(environ: Mapping[str, str] = os.environ) -> timedelta:
    """Return how old the last sweep may be before it counts as stale (SHANGLIANG_SWEEP_STALE_SECONDS)."""
    raw = environ.get("SHANGLIANG_SWEEP_STALE_SECONDS", "")
    seconds = int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_STALE_SECONDS
    return timedelta(seconds=seconds)


def beat(session: Session, now: datetime, duration_s: float, changes: Mapping[str, int], job: str = SWEEP) -> None:
    """Record that ``job`` ran to its end at ``now``, in a write transaction of its own.

    One statement inserts or updates the row: two schedulers finishing their first run together
    would otherwise both find no row and both insert it.
    """
    values = {"beat_at": now, "duration_s": round(duration_s, 3),
              "changes": {k: int(v) for k, v in changes.items() if v},
              "runner": f"{socket.gethostname()}:{os.getpid()}"[:200]}
    with writing(session):
        statement = insert_or_update(session.get_bind().dialect.name, Heartbeat).values(job=job, **values)
        session.execute(statement.on_conflict_do_update(index_elements=["job"], set_=values))


def freshness(session: Session, now: datetime, limit: timedelta, job: str = SWEEP) -> Freshness:
    """Return when ``job`` last ran and whether that is older than ``limit`` (never ran: stale)."""
    row = session.get(Heartbeat, job, populate_existing=True)  # another process writes it
    if row is None:
        return Freshness(None, None, True)
    age = (now - row.beat_at).total_seconds()
    return Freshness(row.beat_at, age, age > limit.total_seconds(), row.duration_s)
