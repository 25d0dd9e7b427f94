"""Refusing text no field may hold, before any view reads it; ``create_app`` installs the check.

A NUL character cannot be stored by PostgreSQL (the driver raises, the request would end in a
500) and means nothing in a name or a note; the bidirectional overrides and isolates (U+202A–
U+202E, U+2066–U+2069) make a name or a file name read differently from what it is. Both are
refused wherever they appear: the path, the query, a form field, an uploaded file's name or a
JSON body (422 with a message naming the field). The contents of uploads and diagram bodies are
checked by their own readers.
"""
import re
from collections.abc import Iterator
from typing import Any

from flask import Flask, request

from engine.errors import InvalidInput

HOSTILE = re.compile("[\x00\u202a-\u202e\u2066-\u2069]")
MESSAGE = "不允许的控制字符 (NUL or a bidirectional override character is not allowed)"


def install(app: Flask) -> None:
    """Check every request's text before its view runs."""
    app.before_request(refuse_hostile_text)


def refuse_hostile_text() -> None:
    """Raise InvalidInput naming the first field that holds a refused character."""
    for name, value in _texts():
        if HOSTILE.search(value):
            raise InvalidInput(MESSAGE, {name or "path": MESSAGE})


def _texts() -> Iterator[tuple[str, str]]:
    yield "path", request.path
    fields = [*request.args.items(multi=True)]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields += request.form.items(multi=True)
        fields += [(name, upload.filename or "") for name, upload in request.files.items(multi=True)]
    for name, value in fields:  # a malformed multipart part may come without a name
        yield str(name or ""), f"{name or ''}{value or ''}"
    if request.is_json:
        yield from _json_texts("body", request.get_json(silent=True))


def _json_texts(where: str, value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key, str(key)
            yield from _json_texts(str(key), item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_texts(where, item)
