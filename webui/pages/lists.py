"""Reading list filters from a query string, and the shared pieces of list pages."""
from typing import Any
from urllib.parse import urlencode

from flask import request

from engine.time.timeleft import LEVEL_LABELS
from workflows.rules.stages import STAGE_LABELS, STAGES
from workflows.topics.worklist import SCOPES, Filters

FILTER_KEYS = ("scope", "stage", "district", "warning", "waiting", "unit", "platform", "status")


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
        page=int(page) if page.isdigit() and len(page) < 6 else 1,
    )


def query_string(filters: Filters, **changes: Any) -> str:
    """Return the query string of these filters with some values changed (empty ones left out)."""
    values = {k: getattr(filters, k) for k in FILTER_KEYS} | {"page": filters.page} | changes
    return urlencode({k: v for k, v in values.items() if v not in ("", None, "all") and not (k == "page" and v == 1)})


def list_context() -> dict[str, Any]:
    """Return the labels every list template uses."""
    return {"stages": STAGES, "stage_labels": STAGE_LABELS, "level_labels": LEVEL_LABELS, "query_string": query_string}
