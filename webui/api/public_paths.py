"""The OpenAPI paths of the public API (webui/api/public.py), merged into webui/api/openapi.py."""
from collections.abc import Callable
from typing import Any

_NUMBER = {"name": "number", "in": "path", "required": True,
           "schema": {"type": "string", "pattern": "^GZ-[A-Z0-9]{10}$"}}
_PROPOSAL = {"application/json": {"schema": {
    "type": "object", "required": ["title", "description", "category", "place", "token", "answer"], "properties": {
        "title": {"type": "string", "maxLength": 100}, "description": {"type": "string", "maxLength": 4000},
        "category": {"enum": ["central_work", "reform", "livelihood", "governance"]},
        "place": {"type": "string", "description": "code of a district, town, street, park, village or community"},
        "contact": {"type": "string", "maxLength": 100, "description": "optional phone or e-mail, never shown"},
        "token": {"type": "string", "description": "the token of GET /public/challenge"},
        "answer": {"type": "string", "description": "the answer to its question"},
        "website": {"type": "string", "description": "leave empty"}}}}}
_STATUSES = ["received", "under_review", "merged", "answered", "rejected", "became_topic"]
_RESPOND = {"application/json": {"schema": {"type": "object", "required": ["decision", "answer"], "properties": {
    "decision": {"enum": ["answer", "reject"]},
    "answer": {"type": "string", "maxLength": 2000, "description": "the answer or reason the proposer sees"}}}}}


def public_paths(op: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """Return the public paths: no token, so each operation says ``security: []``."""
    def public(operation: dict[str, Any]) -> dict[str, Any]:
        return {**operation, "security": []}

    send = public(op("Send a topic proposal; answers its tracking number (429 when sent too often)", "201",
                     _PROPOSAL))
    send["responses"] = {**send["responses"], "429": {"$ref": "#/components/responses/Error"}}
    return {
        "/public/challenge": {"get": public(op("A check question and its signed token for a proposal"))},
        "/public/proposals": {"post": send},
        "/public/proposals/{number}": {"get": public(op("A proposal's public state by its tracking number",
                                                        params=[_NUMBER]))},
        "/proposals": {"get": op("The triage queue of the caller's districts, every source, with the contact "
                                 "(CPPCC office)",
                                 params=[{"name": "status", "in": "query", "schema": {"enum": _STATUSES}},
                                         {"name": "source", "in": "query",
                                          "schema": {"enum": ["public", "member", "opinion", "assigned"]}}])},
        "/proposals/{number}/respond": {"post": op("Answer a proposal or reject it with the reason (CPPCC office)",
                                                   body=_RESPOND, params=[_NUMBER])},
    }
