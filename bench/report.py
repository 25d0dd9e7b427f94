"""The figures the issue asks for, computed from one run's results, and the table that shows them.

Used by bench/__main__.py. Every figure stands beside its baseline from the same run: the bare
SpiffWorkflow floor for completions and stored bytes, the smallest size for the queries.
"""
from typing import Any

DATABASES = ("sqlite", "postgresql")
LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
TARGETS = {  # key: (limit, what it is checked against)
    "ratio_service_sqlite": 2.0, "ratio_service_postgres": 2.0, "ratio_api": 3.0,
    "loop_cost_ratio_20": 1.5, "bytes_per_loop": 2048, "bytes_per_closed_case": 32 * 1024,
}
QUERY_P95_LIMIT_MS = 50.0
QUERY_GROWTH_LIMIT = 1.5
SWEEP_LIMIT_S = 2.0


def _ratio(value: float | None, base: float | None) -> float | None:
    return round(value / base, 2) if value is not None and base else None


def _by_size(results: dict[str, Any], pick: Any) -> dict[str, float]:
    """Return the worst figure over the databases, keyed by case count."""
    out: dict[str, float] = {}
    for db in results["databases"].values():
        for size, figures in db["by_size"].items():
            out[size] = max(out.get(size, 0.0), pick(figures))
    return out


def summarize(results: dict[str, Any]) -> dict[str, Any]:
    """Return the checkable keys of results.json."""
    base = results["floor"]["instance"]["median_ms"]
    dbs = results["databases"]
    api_db = dbs.get("postgresql") or dbs["sqlite"]
    engine = results["engine"]
    return {
        "floor_ms": base,
        "ratio_service_sqlite": _ratio(dbs["sqlite"]["service"]["median_ms"], base),
        "ratio_service_postgres": _ratio(dbs["postgresql"]["service"]["median_ms"], base) if "postgresql" in dbs else None,
        "ratio_api": _ratio(api_db["api"]["median_ms"], base),
        "ratio_api_sqlite": _ratio(dbs["sqlite"]["api"]["median_ms"], base),
        "inbox_p95_ms": _by_size(results, lambda f: f["inbox"]["p95_ms"]),
        "dashboard_p95_ms": _by_size(results, lambda f: f["dashboard"]["p95_ms"]),
        "sweep_s": _by_size(results, lambda f: f["sweep_s"]),
        "sweep_kind": results.get("sweep_kind", "sweep-shaped query"),
        "bytes_per_closed_case": max(db["bytes_per_closed_case"] for db in dbs.values()),
        "loop_cost_ratio_20": _ratio(engine["reply_20"]["median_ms"], engine["reply_0"]["median_ms"]),
        "bytes_per_loop": results["state"]["bytes_per_loop"],
    }


def _ok(passed: bool | None) -> str:
    return "-" if passed is None else ("yes" if passed else "NO")


def table(results: dict[str, Any], summary: dict[str, Any]) -> str:
    """Return the one table `make bench` prints."""
    dbs = results["databases"]
    fl = results["floor"]
    rows: list[tuple[str, str, str, str, str, str]] = []

    def per_db(fn: Any) -> tuple[str, str]:
        return tuple(fn(dbs[d]) if d in dbs else "n/a" for d in DATABASES)  # type: ignore[return-value]

    def ms(s: dict[str, Any]) -> str:
        return f"{s['median_ms']:.2f} / {s['p95_ms']:.2f}"

    floor_text = f"floor {ms(fl['instance'])}"
    rows.append(("engine floor: SpiffWorkflow alone, write_reply (ms median / p95)", ms(fl["instance"]), "",
                 f"full JSON {ms(fl['full_json'])}", "", ""))
    rows.append(("shangliang engine in memory (restore, complete, dump)", ms(results["engine"]["reply_0"]), "",
                 floor_text, "", ""))
    for key, label, limit in (("service", "completion through the engine service", 2.0),
                              ("api", "completion through the HTTP API (gunicorn)", 3.0)):
        ratios = per_db(lambda db: f"{_ratio(db[key]['median_ms'], fl['instance']['median_ms'])}x")
        rows.append((f"{label} (ms median / p95)", *per_db(lambda db: ms(db[key])), floor_text, "", ""))
        rows.append((f"  ratio to the floor (median)", *ratios, "", f"<= {limit}x",
                     _ok(all(float(r[:-1]) <= limit for r in ratios if r != "n/a"))))
    loops = summary["loop_cost_ratio_20"]
    floor_loops = _ratio(fl["instance_20_loops"]["median_ms"], fl["instance"]["median_ms"])
    rows.append(("completion cost at 20 loops / 0 loops (engine in memory)", f"{loops}x", "",
                 f"floor {floor_loops}x", "<= 1.5x", _ok(loops <= 1.5)))
    rows.append(("  same through the engine service", *per_db(
        lambda db: f"{_ratio(db['service_20_loops']['median_ms'], db['service']['median_ms'])}x"), "", "", ""))
    st = results["state"]
    rows.append(("stored state bytes at 0 / 20 loops", f"{st['bytes_at_0_loops']} / {st['bytes_at_20_loops']}", "",
                 f"floor {fl['instance']['state_bytes']} / {fl['instance_20_loops']['state_bytes']}", "", ""))
    rows.append(("stored state growth per loop (bytes)", str(st["bytes_per_loop"]), "",
                 f"floor {st['floor_bytes_per_loop']}", "<= 2048", _ok(st["bytes_per_loop"] <= 2048)))
    rows.append(("database bytes per closed case, 3 loops (rows, indexes)",
                 *per_db(lambda db: str(db["bytes_per_closed_case"])),
                 f"floor state alone {fl['closed_3_loops_state_bytes']}", "<= 32768",
                 _ok(summary["bytes_per_closed_case"] <= 32 * 1024)))
    sizes = [str(n) for n in results["cases"]]
    for key, label in (("inbox", "inbox of a busy unit"), ("dashboard", "overdue dashboard, city-wide")):
        for size in sizes:
            rows.append((f"{label} at {size} cases (ms median / p95)",
                         *per_db(lambda db: ms(db["by_size"][size][key])), "",
                         f"p95 < {QUERY_P95_LIMIT_MS:.0f}" if size == sizes[-1] else "",
                         _ok(summary[f"{key}_p95_ms"][size] < QUERY_P95_LIMIT_MS) if size == sizes[-1] else ""))
        if len(sizes) > 1:
            growth = per_db(lambda db: f"{_ratio(db['by_size'][sizes[-1]][key]['p95_ms'], db['by_size'][sizes[0]][key]['p95_ms'])}x")
            rows.append((f"  p95 growth {sizes[0]} -> {sizes[-1]}", *growth, f"at {sizes[0]} cases", "< 1.5x",
                         _ok(all(float(g[:-1]) < QUERY_GROWTH_LIMIT for g in growth if g != "n/a"))))
    for size in sizes:
        rows.append((f"{summary['sweep_kind']} at {size} cases (s)", *per_db(lambda db: f"{db['by_size'][size]['sweep_s']:.3f}"),
                     "", "< 2 s" if size == sizes[-1] else "",
                     _ok(summary["sweep_s"][size] < SWEEP_LIMIT_S) if size == sizes[-1] else ""))
    for size in sizes:
        rows.append((f"  cases / open tasks / tally rows at {size}", *per_db(
            lambda db: f"{db['by_size'][size]['topics']} / {db['by_size'][size]['open_tasks']} / "
                       f"{db['by_size'][size]['tally_rows']}"), "", "", ""))
    load = " / ".join(f"{x:.1f}" for x in (*results["load_average_at_start"][:1], *results["load_average_at_end"][:1]))
    rows.append(("machine load average at start / end (2 cores)", load, "", "", "", ""))
    return _render(("figure", LABELS["sqlite"], LABELS["postgresql"], "baseline (same run)", "target", "met"), rows)


def _render(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "+".join("-" * (w + 2) for w in widths)
    out = [" | ".join(h.ljust(w) for h, w in zip(header, widths)), line]
    out += [" | ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(out)
