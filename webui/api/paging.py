"""Paging of the JSON API's lists: every list answers with its total and links to its other pages.

Used by the list routes of webui/api. Most lists are paged by number (``?page=&per_page=``) with
``LIMIT``/``OFFSET`` in SQL where the list is a query; the task list, the busiest, is paged by a
cursor (``?cursor=``) that names the last task of the page before, so every page costs the same;
the audit log keeps its ``?limit=&offset=`` window and links by offset.
Links are relative URLs (path and query), as in a ``Link`` header (RFC 8288).
"""
import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from flask import Response, jsonify, request, url_for
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from webui.query_args import whole_number
from workflows.topics.inbox import After

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000  # far beyond any list; keeps OFFSET within every database's integer range
MAX_OFFSET = 9_999_999  # the longest number read (seven digits); beyond it, narrow the list by its filters
T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """A page asked for: its number (from 1) and its size."""

    number: int
    size: int

    @property
    def offset(self) -> int:
        """Return how many rows come before this page."""
        return (self.number - 1) * self.size


def page_args(default: int = DEFAULT_PER_PAGE) -> Page:
    """Read ``?page=`` and ``?per_page=``; a bad value is a 400 naming the parameter."""
    return Page(_number("page", 1, 1, MAX_PAGE), _number("per_page", default, 1, MAX_PER_PAGE))


def limit_arg(default: int = MAX_PER_PAGE) -> int:
    """Read ``?limit=`` (1 to MAX_PER_PAGE) for a list paged by cursor."""
    return _number("limit", default, 1, MAX_PER_PAGE)


def _number(name: str, default: int, least: int, most: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    value = whole_number(raw, least, most)
    if value is None:
        raise InvalidInput("bad query", {name: f"a whole number from {least} to {most}"})
    return value


def paged_query(session: Session, query: Select[tuple[T]], page: Page) -> tuple[list[T], int]:
    """Return one page of an ordered query's rows and the count of all of them (two statements)."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return list(session.scalars(query.limit(page.size).offset(page.offset))), total


def paged_list(items: Sequence[T], page: Page) -> tuple[list[T], int]:
    """Return one page of a list already read whole (the short lists of administration)."""
    return list(items[page.offset:page.offset + page.size]), len(items)


def page_json(key: str, rows: list[Any], total: int, page: Page, **extra: Any) -> Response:
    """Answer a numbered page: the rows under ``key``, the total and the links, also in a ``Link`` header.

    ``extra`` adds the list's other keys (its year, its rules) to the answer.
    """
    last = max(1, -(-total // page.size))
    links = {"self": _link(page=page.number), "first": _link(page=1), "last": _link(page=last),
             "prev": _link(page=page.number - 1) if 1 < page.number <= last + 1 else None,
             "next": _link(page=page.number + 1) if page.number < last else None}
    response = jsonify({**extra, key: rows, "total": total, "page": page.number, "per_page": page.size,
                        "links": links})
    return _with_link_header(response, links)


def window_args(default: int, most: int) -> tuple[int, int]:
    """Read ``?limit=`` (1 to ``most``) and ``?offset=`` for a list paged by offset."""
    return _number("limit", default, 1, most), _number("offset", 0, 0, MAX_OFFSET)


def window_json(key: str, rows: list[Any], total: int, limit: int, offset: int) -> Response:
    """Answer a window of a list paged by offset: the rows, the total and links that move the offset."""
    last = max(0, (total - 1) // limit * limit)
    links = {"self": _link(offset=offset), "first": _link(offset=0), "last": _link(offset=last),
             "prev": _link(offset=max(0, offset - limit)) if 0 < offset <= total else None,
             "next": _link(offset=offset + limit) if offset + limit < total else None}
    response = jsonify({key: rows, "total": total, "limit": limit, "offset": offset, "links": links})
    return _with_link_header(response, links)


def cursor_json(key: str, rows: list[Any], total: int, limit: int, next_after: After | None) -> Response:
    """Answer a page of a list paged by cursor: the rows, the total, and the link to the next page (None at the end)."""
    cursor = encode_cursor(next_after) if next_after is not None else None
    links = {"self": _link(), "first": _link(cursor=None), "next": _link(cursor=cursor) if cursor else None}
    response = jsonify({key: rows, "total": total, "limit": limit, "next_cursor": cursor, "links": links})
    return _with_link_header(response, links)


def encode_cursor(after: After) -> str:
    """Return the opaque text that names a position in the task list."""
    raw = json.dumps([after.due_at.isoformat() if after.due_at else None, after.id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def cursor_arg() -> After | None:
    """Read ``?cursor=`` as given in a ``next`` link; anything else is a 400."""
    raw = request.args.get("cursor")
    if not raw:
        return None
    try:
        if len(raw) > 200:
            raise ValueError("too long")
        due, ident = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        moment = datetime.fromisoformat(due) if due is not None else None
        if not isinstance(ident, int) or isinstance(ident, bool) or not 0 <= ident < 2**31 or (
                moment is not None and moment.tzinfo is None):
            raise ValueError("not a position")
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("bad query", {"cursor": "use the cursor of a next link as given"}) from None
    return After(moment, ident)


def _link(**changes: Any) -> str:
    """Return this request's URL with some query parameters changed (None removes one)."""
    values: dict[str, Any] = {k: v for k, v in request.args.items() if k not in changes}
    values.update({k: v for k, v in changes.items() if v is not None})
    values.update(request.view_args or {})
    return url_for(str(request.endpoint), **values)


def _with_link_header(response: Response, links: dict[str, str | None]) -> Response:
    response.headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items()
                                         if url and rel != "self")
    return response


# The paged lists of the API: path, the key their rows come under, and how they are paged.
CURSOR, NUMBER, OFFSET = "cursor", "number", "offset"
PAGED = {"/tasks": ("tasks", CURSOR), "/topics/{topic_id}/history": ("events", NUMBER),
         "/notifications": ("notifications", NUMBER), "/deliveries": ("deliveries", NUMBER),
         "/extensions": ("extensions", NUMBER), "/tasks/{task_id}/extensions": ("extensions", NUMBER),
         "/routes": ("routes", NUMBER), "/processes": ("versions", NUMBER), "/drafts": ("drafts", NUMBER),
         "/bindings": ("bindings", NUMBER), "/audit": ("entries", OFFSET),
         "/organizations": ("organizations", NUMBER), "/units": ("units", NUMBER), "/users": ("users", NUMBER),
         "/members": ("members", NUMBER), "/rooms": ("rooms", NUMBER), "/activities": ("activities", NUMBER),
         "/topics/{topic_id}/suggestions": ("suggestions", NUMBER), "/points": ("members", NUMBER),
         "/assessment": ("units", NUMBER), "/proposals": ("items", NUMBER), "/joint-topics": ("topics", NUMBER),
         "/public/results": ("items", NUMBER), "/publication": ("items", NUMBER),
         "/recommendations": ("items", NUMBER), "/raises": ("raises", NUMBER),
         "/deliberations/{code}": ("opinions", NUMBER), "/public/deliberation/{token}": ("opinions", NUMBER)}
_LINK = {"type": ["string", "null"], "description": "path and query of that page; null when there is none"}
_NUMBER_PARAMS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
    {"name": "per_page", "in": "query",
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE}}]
_CURSOR_PARAMS = [
    {"name": "limit", "in": "query",
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": MAX_PER_PAGE}},
    {"name": "cursor", "in": "query", "description": "the next_cursor of the page before, as given",
     "schema": {"type": "string"}}]
_OFFSET_PARAMS = [
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 100}},
    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET,
                                                 "default": 0}}]
_PARAMS = {CURSOR: _CURSOR_PARAMS, NUMBER: _NUMBER_PARAMS, OFFSET: _OFFSET_PARAMS}


def documented(document: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of the OpenAPI document whose paged lists name their paging parameters and answer."""
    out = {**document, "paths": dict(document["paths"])}
    for path, (key, style) in PAGED.items():
        if "get" not in out["paths"].get(path, {}):
            continue
        operation = dict(out["paths"][path]["get"])
        named = {p.get("name") for p in operation.get("parameters", [])}
        operation["parameters"] = [*operation.get("parameters", []),
                                   *(p for p in _PARAMS[style] if p["name"] not in named)]
        operation["responses"] = {**operation["responses"], "200": {
            "description": "one page of the list and the links to the others (also in the Link header)",
            "content": {"application/json": {"schema": _page_schema(key, style)}}}}
        out["paths"][path] = {**out["paths"][path], "get": operation}
    return out


def _page_schema(key: str, style: str) -> dict[str, Any]:
    links = ("self", "first", "next") if style == CURSOR else ("self", "first", "prev", "next", "last")
    places: dict[str, dict[str, Any]] = {
        CURSOR: {"limit": {"type": "integer"}, "next_cursor": {"type": ["string", "null"]}},
        NUMBER: {"page": {"type": "integer"}, "per_page": {"type": "integer"}},
        OFFSET: {"limit": {"type": "integer"}, "offset": {"type": "integer"}}}
    place = places[style]
    return {"type": "object", "required": [key, "total", "links"], "properties": {
        key: {"type": "array", "items": {"type": "object"}},
        "total": {"type": "integer", "description": "rows in the whole list, every page together"}, **place,
        "links": {"type": "object", "properties": {rel: _LINK for rel in links}}}}
