"""Completions through the real HTTP API: gunicorn on 127.0.0.1, one kept-alive client connection.

Used by bench/__main__.py. The server is the production one (gunicorn with threaded workers, so the
connection stays open between requests, and THREADS threads each as in README's production command),
started on a free port and stopped by its pid; its log goes to bench/work/gunicorn.log.
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from bench.floor import REPLY
from bench.scale import BUSY_UNIT_USER
from bench.timing import Stats, stats
from workflows.demo.world import demo_token

READY_TIMEOUT_S = 30
LOG = Path(__file__).with_name("work") / "gunicorn.log"
WARM_UP = 5  # untimed completions per client before the throughput is timed
# Threads per worker, as README's production command runs them: a worker holds every kept-alive connection it
# accepted, and the kernel may give one worker three of the four clients; with two threads the third waited.
THREADS = 4
OFFICE_USER = "office_tianning"
NEW_TOPIC = {"description": "群众反映强烈", "category": "livelihood", "source": "public", "platform_level": "district",
             "district": "tianning"}


def free_port() -> int:
    """Return a port nobody listens on at the moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(database_url: str, workers: int = 1) -> Iterator[int]:
    """Run gunicorn with ``workers`` workers on the database; yield its port."""
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    LOG.parent.mkdir(exist_ok=True)
    with LOG.open("ab") as log:  # each request's log line, as in production, but out of the table's way
        process = subprocess.Popen(
            [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "gthread",
             "--threads", str(THREADS), "--keep-alive", "60", "--log-level", "warning", "webui:create_app()"],
            env={**os.environ, "SHANGLIANG_DATABASE_URL": database_url}, stderr=log,
        )
    try:
        _wait_until_listening(port, process)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def _wait_until_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode} (its log: {LOG})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not listen on port {port} within {READY_TIMEOUT_S} s")


def completion_stats(port: int, item_ids: list[int]) -> Stats:
    """POST each task's completion over one connection; return the client-side latencies (warm-up left out)."""
    return stats(_complete_all(port, item_ids)[3:])


def round_trip_stats(port: int, count: int) -> Stats:
    """GET /healthz ``count`` times over one connection: what HTTP, gunicorn and Flask cost with no work at all."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    samples = [_timed(connection, "GET", "/healthz", 200) for _ in range(count)]
    connection.close()
    return stats(samples[3:])


def start_stats(port: int, count: int) -> Stats:
    """POST ``count`` new district topics as the district's CPPCC office over one connection; return latencies."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {demo_token(OFFICE_USER)}", "Content-Type": "application/json"}
    samples = [_timed(connection, "POST", "/api/v1/topics", 201, json.dumps({**NEW_TOPIC, "title": f"压测议题{n}"}),
                      headers) for n in range(count)]
    connection.close()
    return stats(samples[3:])


def throughput(port: int, item_ids: list[int], clients: int) -> dict[str, float]:
    """Complete the tasks from ``clients`` threads at once, each over its own connection.

    Each client first completes WARM_UP tasks untimed, so every worker has booted and read its
    specs (gunicorn listens before its workers are ready); then all start together at a barrier.
    Returns completions per second over the wall time of the timed part and the p95 latency.
    """
    shares = [item_ids[i::clients] for i in range(clients)]
    latencies: list[float] = []
    ready = threading.Barrier(clients + 1)

    def client(share: list[int]) -> list[float]:
        try:
            _complete_all(port, share[:WARM_UP])
        finally:
            ready.wait()
        return _complete_all(port, share[WARM_UP:])

    with ThreadPoolExecutor(max_workers=clients) as pool:
        running = [pool.submit(client, share) for share in shares]
        ready.wait()
        began = time.perf_counter()
        for future in running:
            latencies.extend(future.result())
        elapsed = time.perf_counter() - began
    item_ids = [i for share in shares for i in share[WARM_UP:]]
    return {"clients": clients, "completions": len(item_ids), "per_s": round(len(item_ids) / elapsed, 1),
            "p95_ms": round(stats(latencies).p95_ms, 2), "median_ms": round(stats(latencies).median_ms, 2)}


def _complete_all(port: int, item_ids: list[int]) -> list[float]:
    """POST each task's completion over one connection; return every latency in seconds."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {demo_token(BUSY_UNIT_USER)}", "Content-Type": "application/json"}
    body = json.dumps({"data": REPLY})
    samples = [_timed(connection, "POST", f"/api/v1/tasks/{item_id}/complete", 200, body, headers)
               for item_id in item_ids]
    connection.close()
    return samples


def _timed(connection: http.client.HTTPConnection, method: str, path: str, expected: int, body: str | None = None,
           headers: dict[str, str] | None = None) -> float:
    """Send one request and read its whole answer; return the seconds it took, or raise naming what came back."""
    began = time.perf_counter()
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    payload = response.read()
    elapsed = time.perf_counter() - began
    if response.status != expected:
        raise RuntimeError(f"{method} {path}: HTTP {response.status} {payload[:300]!r}")
    return elapsed
