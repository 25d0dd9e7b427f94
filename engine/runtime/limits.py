"""The bounds a diagram's values must keep, so no diagram can stall the engine or the database.

Called by engine/diagrams/loading.py at deploy time for the values written in the diagram (a
timer's literal, a multi-instance count, a gateway's branches), and by the restricted script
engine at run time for the values an expression computes from topic data. SpiffWorkflow adds
a duration's months one at a time and runs every ready engine step in one loop, so a timer of
a hundred million years or a count of ten million would hold the write transaction for
minutes; here such values are refused before SpiffWorkflow sees them.
"""
import re
from datetime import UTC, datetime, timedelta

MAX_TIMER = timedelta(days=3660)  # about ten years: the longest any deadline in the notice runs
MIN_CYCLE = timedelta(hours=1)  # the sweep runs every minute; a faster cycle only floods the topic
MAX_CYCLES = 1000
YEARS = (2000, 2200)  # a timer date outside these is a typing error
MAX_INSTANCES = 200  # multi-instance count: one task per participant or unit at most
MAX_LOOP = 100  # loopMaximum of a standard loop
MAX_BRANCHES = 50  # outgoing flows of one node (parallel branches)
MAX_FLOW_NODES = 1000
MAX_ENGINE_STEPS = 5000  # engine steps one run may take before the step fails
MAX_ENGINE_SECONDS = 10.0
MAX_EVALUATION_STEPS = 5000  # expression nodes one evaluation may visit
MAX_EVALUATION_SECONDS = 0.5

_DURATION = re.compile(
    r"P(?:(?P<Y>\d{1,15})Y)?(?:(?P<M>\d{1,15})M)?(?:(?P<W>\d{1,15})W)?(?:(?P<D>\d{1,15})D)?"
    r"(?:T(?:(?P<h>\d{1,15})H)?(?:(?P<m>\d{1,15})M)?(?:(?P<s>\d{1,15}(?:\.\d{1,6})?)S)?)?"
)
_DAYS = {"Y": 366, "M": 31, "W": 7, "D": 1}
_SECONDS = {"h": 3600, "m": 60, "s": 1}


class LimitExceeded(ValueError):
    """A value in or computed by a diagram is beyond the bounds the engine runs with."""


def duration(text: str) -> timedelta:
    """Return the longest length an ISO 8601 duration can have; refuse one beyond MAX_TIMER."""
    match = _DURATION.fullmatch(text.strip().upper())
    if match is None or text.strip().upper() in ("P", "PT") or text.strip().upper().endswith("T"):
        raise LimitExceeded(f"{text[:40]!r} is not an ISO 8601 duration such as P5D or PT12H")
    parts = {k: float(v) for k, v in match.groupdict().items() if v}
    days = sum(parts.get(k, 0) * n for k, n in _DAYS.items())
    seconds = sum(parts.get(k, 0) * n for k, n in _SECONDS.items())
    if days * 86400 + seconds > MAX_TIMER.total_seconds():
        raise LimitExceeded(f"the duration {text[:40]} is longer than {MAX_TIMER.days} days")
    return timedelta(days=days, seconds=seconds)


def moment(text: str) -> datetime:
    """Return an ISO 8601 date-time; refuse one that is malformed or outside YEARS."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise LimitExceeded(f"{text[:40]!r} is not an ISO 8601 date-time") from None
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise LimitExceeded(f"the date {text[:40]} is outside the years {YEARS[0]}-{YEARS[1]}")
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def cycle(text: str) -> tuple[int, timedelta]:
    """Return the repetitions (-1: unbounded) and interval of an ISO 8601 cycle; refuse one beyond bounds."""
    parts = text.strip().upper().split("/")
    if len(parts) not in (2, 3) or not re.fullmatch(r"R\d{0,9}", parts[0]):
        raise LimitExceeded(f"{text[:40]!r} is not an ISO 8601 cycle such as R3/P1D")
    repetitions = int(parts[0][1:]) if parts[0][1:] else -1
    durations = [duration(p) for p in parts[1:] if p.startswith("P")]
    for part in parts[1:]:
        if not part.startswith("P"):
            moment(part)
    if len(durations) != 1:
        raise LimitExceeded(f"{text[:40]!r} needs exactly one interval, such as R3/P1D")
    if durations[0] < MIN_CYCLE:
        raise LimitExceeded(f"the cycle {text[:40]} repeats more often than every {MIN_CYCLE}")
    if repetitions > MAX_CYCLES:
        raise LimitExceeded(f"the cycle {text[:40]} repeats more than {MAX_CYCLES} times")
    return repetitions, durations[0]


def timer_value(kind: str, value: object) -> None:
    """Refuse a timer value (``timeDate``, ``timeDuration`` or ``timeCycle``) beyond the bounds."""
    if not isinstance(value, str):
        raise LimitExceeded(f"a {kind} must be a text, not {type(value).__name__}")
    {"timeDate": moment, "timeDuration": duration, "timeCycle": cycle}[kind](value)


def instances(value: object) -> None:
    """Refuse a multi-instance count that is not a whole number up to MAX_INSTANCES."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_INSTANCES:
        raise LimitExceeded(f"a multi-instance count must be a whole number from 0 to {MAX_INSTANCES}")
