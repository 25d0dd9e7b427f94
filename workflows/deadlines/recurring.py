"""The recurring job: sweep the deadlines, then deliver the notifications that are due.

The composition root hands it to the scheduler (engine/time/scheduler.py): the `sweep` and
`scheduler` commands, and create_app when it embeds the scheduler in the web server.
"""
import logging
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from workflows import monitoring
from workflows.deadlines import heartbeat
from workflows.deadlines.sweep import SweepReport, SweepSettings, sweep
from workflows.notifications.delivery import DeliveryReport, DeliverySettings, deliver_due

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepAndDeliver:
    """One run of the recurring work, with its settings."""

    sweep_settings: SweepSettings
    delivery_settings: DeliverySettings

    @classmethod
    def from_env(cls) -> "SweepAndDeliver":
        """Read both settings from the SHANGLIANG_* environment (ValueError names a bad one)."""
        return cls(SweepSettings.from_env(), DeliverySettings.from_env())

    def __call__(self, session: Session, now: datetime) -> tuple[SweepReport, DeliveryReport]:
        """Sweep at ``now``, deliver what is due, record the heartbeat and the figures; log one line."""
        started = time.monotonic()
        swept = sweep(session, now, self.sweep_settings)
        delivered = deliver_due(session, now, self.delivery_settings)
        duration = time.monotonic() - started
        changes = {**vars(swept), **{f"delivery_{k}": v for k, v in vars(delivered).items()}}
        heartbeat.beat(session, now, duration, changes)
        monitoring.SWEEP_SECONDS.observe(duration)
        for kind, count in changes.items():
            if count:
                monitoring.SWEEP_CHANGES.labels(kind).inc(count)
        log.info("sweep", extra={"event": "sweep", "at": now.isoformat(), "duration_s": round(duration, 3),
                                 "changes": {k: v for k, v in changes.items() if v}})
        return swept, delivered
