"""Reading list filters from a query string, and the shared pieces of list pages."""
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import request

from engine.time.timeleft import LEVEL_LABELS
from webui.query_args import small_int
from workflows.rules.stages import STAGE_LABELS, STAGES
from workflows.topics.kinds import KIND_LABELS
from workflows.topics.worklist import SCOPES, TASK_SORTS, TOPIC_SORTS, Filters

FILTER_KEYS = ("scope", "stage", "district", "warning", "waiting", "unit", "platform", "status", "kind", "q", "since",
               "until", "sort")


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _sort(value: str) -> str:
    return value if value.removeprefix("-") in {*TASK_SORTS, *TOPIC_SORTS} else ""


def filters_from_request() -> Filters:
    """Read the list filters from the query string, ignoring values that are not choices."""
    args = request.args
    page = args.get("page", "1")
    return Filters(
        scope=args.get("scope", "all") if args.get("scope", "all") in SCOPES else "all",
        stage=args.get("stage", "") if args.get("stage", "") in STAGES else "",
        district=args.get("district", "")[:64],
        warning=args.get("warning", "") if args.get("warning", "") in LEVEL_LABELS else "",
        waiting=args.get("waiting", "")[:20],
        unit=args.get("unit", "")[:64],
        platform=args.get("platform", "")[:64],
        status=args.get("status", "") if args.get("status", "") in ("active", "closed", "rejected") else "",
        kind=args.get("kind", "") if args.get("kind", "") in KIND_LABELS else "",
        q=args.get("q", "").strip()[:100], since=_day(args.get("since", "")), until=_day(args.get("until", "")),
        sort=_sort(args.get("sort", "")),
        page=small_int(page, 1, 99_999, 1),
    )


def query_string(filters: Filters, **changes: Any) -> str:
    """Return the query string of these filters with some values changed (empty ones left out)."""
    values = {k: getattr(filters, k) for k in FILTER_KEYS} | {"page": filters.page} | changes
    return urlencode({k: str(v) for k, v in values.items()
                      if v not in ("", None, "all") and not (k == "page" and v == 1)})


def list_context() -> dict[str, Any]:
    """Return the labels every list template uses."""
    return {"stages": STAGES, "stage_labels": STAGE_LABELS, "level_labels": LEVEL_LABELS, "query_string": query_string}
