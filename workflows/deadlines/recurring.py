"""The recurring job: sweep the deadlines, then deliver the notifications that are due.

The composition root hands it to the scheduler (engine/time/scheduler.py): the `sweep` and
`scheduler` commands, and create_app when it embeds the scheduler in the web server.
"""
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

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
        """Sweep at ``now`` and deliver what is due; log what changed."""
        swept = sweep(session, now, self.sweep_settings)
        delivered = deliver_due(session, now, self.delivery_settings)
        if any(vars(swept).values()) or any(vars(delivered).values()):
            log.info("sweep at %s: %s; deliveries: %s", now.isoformat(), vars(swept), vars(delivered))
        return swept, delivered
