"""Timing helpers and the step lists the benchmark drives: used by every bench module."""
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Steps = list[tuple[str, str, dict[str, Any]]]


@dataclass(frozen=True)
class Stats:
    """Latencies of repeated runs, in milliseconds."""

    n: int
    median_ms: float
    p95_ms: float

    def as_json(self) -> dict[str, float]:
        """Return the figures for results.json."""
        return {"n": self.n, "median_ms": round(self.median_ms, 3), "p95_ms": round(self.p95_ms, 3)}


def stats(samples_s: list[float]) -> Stats:
    """Summarize durations given in seconds."""
    ms = sorted(s * 1000 for s in samples_s)
    return Stats(len(ms), statistics.median(ms), ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))])


def measure(fn: Callable[[], object], repeat: int, warmup: int = 3) -> Stats:
    """Run ``fn`` ``warmup`` times unmeasured, then ``repeat`` times measured."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - began)
    return stats(samples)


def to_reply(path: Steps, loops: int) -> Steps:
    """Return the steps that leave write_reply ready after ``loops`` unsatisfied ratings."""
    reply = next(i for i, s in enumerate(path) if s[0] == "write_reply")
    rate = path[reply + 1]
    unsatisfied = (rate[0], rate[1], {"rating": "unsatisfied", "rating_note": "措施不具体"})
    return path[:reply] + [path[reply], unsatisfied] * loops


def with_loops(path: Steps, loops: int) -> Steps:
    """Return the whole path with ``loops`` unsatisfied ratings (退回重办) before the satisfied one."""
    reply = next(i for i, s in enumerate(path) if s[0] == "write_reply")
    return to_reply(path, loops) + path[reply:]
