"""The figures operators scrape from ``/metrics``: request latency, completions, sweeps and deliveries.

The web layer counts requests and completions (webui/operations.py); the recurring job counts
sweeps (workflows/deadlines/recurring.py) and the deliverer its failures
(workflows/notifications/delivery.py). The objects live in prometheus_client's default
registry; under several gunicorn workers set PROMETHEUS_MULTIPROC_DIR so ``/metrics`` adds up
every worker's figures (docs/operations.md).
"""
from prometheus_client import Counter, Histogram

REQUEST_SECONDS = Histogram("shangliang_request_seconds", "Time to answer a request, by route",
                            ["method", "route", "status"])
COMPLETIONS = Counter("shangliang_task_completions_total", "Tasks completed, by channel (page, api)", ["channel"])
SWEEP_SECONDS = Histogram("shangliang_sweep_seconds", "Duration of one deadline sweep with its deliveries",
                          buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300))
SWEEP_CHANGES = Counter("shangliang_sweep_changes_total", "What sweeps changed, by kind", ["kind"])
DELIVERY_FAILURES = Counter("shangliang_delivery_failures_total",
                            "Delivery attempts that failed, by channel and outcome (retry, failed)",
                            ["channel", "outcome"])
