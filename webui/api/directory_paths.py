"""The OpenAPI paths of the go-live API (webui/api/directory.py), merged into webui/api/openapi.py."""
from collections.abc import Callable
from typing import Any

_TEXT = {"type": "string"}
_DATE = {"type": "string", "format": "date"}


def _body(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"application/json": {"schema": {"type": "object", "required": required, "properties": properties}}}


def _name(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": _TEXT}


_ORG = _body(["code", "name", "kind"], code=_TEXT, name=_TEXT, parent=_TEXT,
             kind={"enum": ["city", "district", "town", "street", "park", "village", "community", "enterprise"]})
_UNIT = _body(["name", "kind", "organization"], name=_TEXT, organization=_TEXT, leader=_TEXT,
              kind={"enum": ["department", "town_government", "committee", "cppcc"]})
_USER = _body(["username", "display_name"], username=_TEXT, display_name=_TEXT, phone=_TEXT, email=_TEXT,
              dingtalk_id=_TEXT, wecom_id=_TEXT)
_ROLE = _body(["role"], role=_TEXT, organization=_TEXT, unit=_TEXT, starts_on=_DATE, ends_on=_DATE)
_UPLOAD = {"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
    "file": {"type": "string", "format": "binary", "description": "the filled-in XLSX template"}}}}}


def directory_paths(op: Callable[..., dict[str, Any]], query: Callable[..., list[dict[str, Any]]]) -> dict[str, Any]:
    """Return the go-live paths, built with openapi.py's helpers (passed in: that module imports this one)."""
    code, username = [_name("code")], [_name("username")]
    return {
        "/organizations": {
            "get": op("Every organization of the tree (system administrators)"),
            "post": op("Add an organization under its parent", "201", _ORG),
        },
        "/organizations/{code}": {
            "patch": op("Rename (name) and/or move (parent) an organization; a cycle is refused",
                        body=_body([], name=_TEXT, parent=_TEXT), params=code),
            "delete": op("Delete an organization entered by mistake (never one with topics)", "204", params=code),
        },
        "/organizations/{code}/{action}": {
            "post": op("merge ({\"into\": code}: children, units, members and people move; topics stay), "
                       "deactivate or reactivate", params=[*code, _name("action")]),
        },
        "/units": {"get": op("Every unit with its organization and leader")},
        "/units/{code}": {"put": op("Add or change a unit", body=_UNIT, params=code)},
        "/users": {
            "get": op("People with their roles (system and security administrators)"),
            "post": op("Add a person", "201", _USER),
        },
        "/users/{username}/roles": {"post": op("Give a role at an organization or unit, with dates", body=_ROLE,
                                               params=username)},
        "/users/{username}/{action}": {
            "post": op("deactivate (open tasks go back to the unit), reactivate, reset-password (returns a "
                       "one-time password; security administrators) or reset-totp",
                       params=[*username, _name("action")]),
        },
        "/members": {"get": op("CPPCC members with sector, assigned district or town, liaison group and term")},
        "/imports": {"post": op("Import the XLSX template in one transaction; every row's problem in Chinese "
                                "(422, nothing written)", body=_UPLOAD, params=query("dry_run"))},
    }
