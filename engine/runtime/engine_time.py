"""The time SpiffWorkflow's timers read, made injectable like every other clock in shangliang.

SpiffWorkflow computes and checks timer events with ``datetime.now(timezone.utc)`` inside its
``timer`` module and takes no clock parameter. ``install`` puts the injectable clock in its
place; the WorkflowEngine calls it when it is built, and ``at`` makes sure of it, so importing
this module changes nothing. Every Instance runs engine steps inside ``at(now)``, so a timer
started or fired by a call made with ``now=`` sees that time; outside such a block the real
clock is used. The time lives in a context variable, so threads serving different requests
never see each other's.
"""
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, tzinfo

from SpiffWorkflow.bpmn.specs.event_definitions import timer

_NOW: ContextVar[datetime | None] = ContextVar("engine_now", default=None)


class _InjectedDatetime(datetime):
    """``datetime`` whose ``now()`` answers the injected time while one is set."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> "datetime":  # type: ignore[override]
        """Return the injected time in ``tz`` (naive local time without one), else the real time."""
        fixed = _NOW.get()
        if fixed is None:
            return datetime.now(tz)
        return fixed.astimezone(tz) if tz is not None else fixed.astimezone().replace(tzinfo=None)


def install() -> None:
    """Make SpiffWorkflow's timers read the injectable clock (calling it again changes nothing)."""
    if timer.datetime is not _InjectedDatetime:
        timer.datetime = _InjectedDatetime


@contextmanager
def at(now: datetime) -> Iterator[None]:
    """Run the block with SpiffWorkflow's timers reading ``now`` (timezone-aware)."""
    if now.tzinfo is None:
        raise ValueError("the engine's time must be timezone-aware")
    install()
    token = _NOW.set(now)
    try:
        yield
    finally:
        _NOW.reset(token)
