"""The OpenAPI 3.1 description of /api/v1, served as JSON; kept beside the routes it describes."""
from typing import Any

_ERROR = {"$ref": "#/components/responses/Error"}


def _op(summary: str, ok: str = "200", body: dict[str, Any] | None = None, params: list[Any] | None = None) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "responses": {ok: {"description": "success", "content": {"application/json": {"schema": {"type": "object"}}}},
                      "400": _ERROR, "401": _ERROR, "403": _ERROR, "404": _ERROR, "409": _ERROR, "422": _ERROR},
    }
    if body is not None:
        operation["requestBody"] = {"required": True, "content": body}
    if params:
        operation["parameters"] = params
    return operation


def _path_id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


_JSON_OBJECT = {"application/json": {"schema": {"type": "object"}}}
_NEW_TOPIC = {"application/json": {"schema": {
    "type": "object",
    "required": ["title", "category", "source", "platform_level", "district"],
    "properties": {
        "title": {"type": "string", "maxLength": 200},
        "description": {"type": "string"},
        "category": {"enum": ["central_work", "reform", "livelihood", "governance"]},
        "source": {"enum": ["assigned", "member", "public"]},
        "platform_level": {"enum": ["district", "town"]},
        "district": {"type": "string", "description": "district organization code"},
        "town": {"type": "string", "description": "town, street or park code (town platform)"},
    },
}}}
_COMPLETE = {"application/json": {"schema": {
    "type": "object", "required": ["data"],
    "properties": {"data": {"type": "object", "description": "the fields of the task's form (GET /tasks/{id})"}},
}}}

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "shangliang API", "version": "1",
             "description": "Case tracking for the CPPCC 有事好商量 consultation platform."},
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "responses": {"Error": {"description": "an error, with a message naming the problem", "content": {
            "application/json": {"schema": {"type": "object", "properties": {"error": {
                "type": "object", "properties": {
                    "status": {"type": "integer"}, "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}}}}}},
    },
    "paths": {
        "/me": {"get": _op("The authenticated user and their roles")},
        "/topics": {"post": _op("Start a topic", "201", _NEW_TOPIC)},
        "/topics/{topic_id}": {"get": _op("A topic with its open tasks", params=[_path_id("topic_id")])},
        "/topics/{topic_id}/history": {"get": _op("A topic's events, oldest first", params=[_path_id("topic_id")])},
        "/tasks": {"get": _op("The tasks the user may act on", params=[
            {"name": "status", "in": "query", "schema": {"enum": ["ready", "completed", "cancelled"]}}])},
        "/tasks/{task_id}": {"get": _op("A task and its form", params=[_path_id("task_id")])},
        "/tasks/{task_id}/complete": {"post": _op("Submit a task's form", body=_COMPLETE, params=[_path_id("task_id")])},
        "/processes": {
            "get": _op("Every deployed process version"),
            "post": _op("Deploy a BPMN diagram (process administrators)", "201",
                        {"application/xml": {"schema": {"type": "string"}}},
                        [{"name": "note", "in": "query", "schema": {"type": "string"}},
                         {"name": "name", "in": "query", "schema": {"type": "string"}}]),
        },
        "/openapi.json": {"get": {"summary": "This document", "security": [],
                                  "responses": {"200": {"description": "the OpenAPI document", "content": _JSON_OBJECT}}}},
    },
}
