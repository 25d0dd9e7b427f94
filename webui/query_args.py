"""Whole numbers read from a request's query or form: pages, years and other small counts.

Used by the pages (``?page=``, ``?year=``), the API's paging (webui/api/paging.py) and the year converter
of the routes (webui/converters.py). ``str.isdigit`` alone is not enough: it is true for '²' or '٣',
which ``int`` refuses, so only ASCII digits count, and never more than seven of them.
"""
from workflows.platform.plan import FIRST_YEAR, LAST_YEAR

MAX_DIGITS = 7


def whole_number(raw: str | None, least: int, most: int) -> int | None:
    """Return ``raw`` as a whole number from ``least`` to ``most``, else None."""
    if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > MAX_DIGITS:
        return None
    value = int(raw)
    return value if least <= value <= most else None


def small_int(raw: str | None, least: int, most: int, default: int) -> int:
    """Return ``raw`` as a whole number from ``least`` to ``most``, else ``default`` (a page shows its default)."""
    value = whole_number(raw, least, most)
    return default if value is None else value


def plan_year(raw: str | None, default: int) -> int:
    """Return ``raw`` as a year the plans cover, else ``default``."""
    return small_int(raw, FIRST_YEAR, LAST_YEAR, default)
