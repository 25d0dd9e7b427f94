"""URL converters of the composition root: ``create_app`` installs them before any blueprint is registered.

Every ``<int:…>`` in a route names a row by id. Both databases keep ids in a 32-bit integer on
PostgreSQL and a 64-bit one on SQLite; a larger number in a URL would reach the driver and fail
there with a 500. The route does not match instead, so the answer is the usual 404.
Every ``<year:…>`` names a year of the plans (FIRST_YEAR..LAST_YEAR); another year is a 404 too, before
a service builds a date of year 10000.
"""
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

from workflows.platform.plan import FIRST_YEAR, LAST_YEAR

MAX_ID = 2**31 - 1  # PostgreSQL's integer, the smaller of the two databases' id columns


class DatabaseId(IntegerConverter):
    """An unsigned integer that fits an id column; anything larger is no match (404)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


class PlanYear(IntegerConverter):
    """A year the plans cover; any other number is no match (404)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.update(min=FIRST_YEAR, max=LAST_YEAR)
        super().__init__(url_map, *args, **kwargs)


def install(app: Flask) -> None:
    """Make every ``<int:…>`` route parameter a database id and every ``<year:…>`` a year of the plans."""
    app.url_map.converters["int"] = DatabaseId
    app.url_map.converters["year"] = PlanYear
