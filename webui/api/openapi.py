"""The OpenAPI 3.1 description of /api/v1, served as JSON; kept beside the routes it describes."""

from typing import Any

from models import ConsultationKind
from webui.api.appraisals_paths import appraisals_paths
from webui.api.deliberation_paths import deliberation_paths
from webui.api.directory_paths import directory_paths
from webui.api.levels_paths import levels_paths
from webui.api.platform_paths import platform_paths
from webui.api.public_paths import public_paths
from webui.api.results_paths import results_paths
from webui.api.triage_paths import triage_paths

_ERROR = {"$ref": "#/components/responses/Error"}


def _op(
    summary: str, ok: str = "200", body: dict[str, Any] | None = None, params: list[Any] | None = None
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "responses": {
            ok: {"description": "success", "content": {"application/json": {"schema": {"type": "object"}}}},
            "400": _ERROR,
            "401": _ERROR,
            "403": _ERROR,
            "404": _ERROR,
            "409": _ERROR,
            "422": _ERROR,
        },
    }
    if body is not None:
        operation["requestBody"] = {"required": True, "content": body}
    if params:
        operation["parameters"] = params
    return operation


def _path_id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


CONSULTATION_KINDS = [k.value for k in ConsultationKind]
_JSON_OBJECT = {"application/json": {"schema": {"type": "object"}}}
_NEW_TOPIC = {
    "application/json": {
        "schema": {
            "type": "object",
            "required": ["title", "category", "source", "platform_level", "district"],
            "properties": {
                "title": {"type": "string", "maxLength": 200},
                "description": {"type": "string"},
                "category": {"enum": ["central_work", "reform", "livelihood", "governance"]},
                "source": {"enum": ["assigned", "member", "public"]},
                "platform_level": {"enum": ["city", "district", "town"]},
                "district": {"type": "string",
                             "description": "district organization code (the city's code for a city topic)"},
                "town": {"type": "string", "description": "town, street or park code (town platform)"},
                "consultation_kind": {"enum": CONSULTATION_KINDS, "default": "youshi_haoshangliang",
                                      "description": "有事好商量, 专题, 对口, 界别 or 提案办理协商"},
                "proposal_number": {"type": "string", "maxLength": 40,
                                    "description": "提案号 where the topic comes from the proposal system; "
                                                   "required for proposal_handling"},
            },
        }
    }
}
_COMPLETE = {
    "application/json": {
        "schema": {
            "type": "object",
            "required": ["data"],
            "properties": {
                "data": {"type": "object", "description": "the fields of the task's form (GET /tasks/{id})"}
            },
        }
    }
}

_XML = {"application/xml": {"schema": {"type": "string", "description": "a BPMN 2.0 file (at most 2 MB)"}}}
_REASON = {"application/json": {"schema": {"type": "object", "properties": {"reason": {"type": "string"}}}}}


def _xml_file(operation: dict[str, Any]) -> dict[str, Any]:
    """Document an operation whose success is a BPMN file sent as an attachment, not JSON."""
    operation["responses"]["200"] = {"description": "the BPMN file (Content-Disposition: attachment)",
                                     "content": _XML}
    return operation


def _query(*names: str) -> list[dict[str, Any]]:
    return [{"name": n, "in": "query", "schema": {"type": "string"}} for n in names]


ADMIN_PATHS: dict[str, Any] = {
    "/processes": {
        "get": _op("Deployed process versions, newest first", params=_query("process_id")),
        "post": _op(
            "Deploy a diagram as a pending version (process administrators)",
            "201",
            _XML,
            _query("note", "name", "bind"),
        ),
    },
    "/processes/validate": {"post": _op("Run the deploy-time checks without storing", body=_XML)},
    "/processes/{version_id}": {"get": _op("One version and its review", params=[_path_id("version_id")])},
    "/processes/{version_id}/bpmn": {
        "get": _xml_file(_op("Export a version's BPMN file", params=[_path_id("version_id")]))},
    "/processes/{version_id}/approve": {
        "post": _op("Approve a pending version (not one's own)", params=[_path_id("version_id")])
    },
    "/processes/{version_id}/reject": {
        "post": _op("Reject a pending version with a note", body=_JSON_OBJECT, params=[_path_id("version_id")])
    },
    "/processes/diff": {
        "get": _op("Elements added, removed and changed between two versions", params=_query("from", "to"))
    },
    "/bindings": {
        "get": _op("Which version each district's new topics use"),
        "put": _op("Bind an approved version for a district or as default", body=_JSON_OBJECT),
        "delete": _op("Remove a district's own binding", params=_query("process_id", "district")),
    },
    "/drafts": {
        "get": _op("Drafts being edited"),
        "post": _op("Import a diagram or start from a version", "201", {**_XML, **_JSON_OBJECT}),
    },
    "/drafts/{draft_id}": {
        "get": _op("A draft", params=[_path_id("draft_id")]),
        "put": _op("Save a draft's diagram", body=_XML, params=[_path_id("draft_id")]),
        "delete": _op("Throw a draft away", "204", params=[_path_id("draft_id")]),
    },
    "/drafts/{draft_id}/bpmn": {"get": _xml_file(_op("Export a draft's BPMN file", params=[_path_id("draft_id")]))},
    "/drafts/{draft_id}/validate": {"post": _op("Check a draft", params=[_path_id("draft_id")])},
    "/drafts/{draft_id}/deploy": {
        "post": _op("Deploy a draft as a pending version", "201", _JSON_OBJECT, [_path_id("draft_id")])
    },
    "/migrations": {"post": _op("Dry-run or move topics to a newer version", body=_JSON_OBJECT)},
    **{
        f"/topics/{{topic_id}}/{action}": {"post": _op(summary, body=_REASON, params=[_path_id("topic_id")])}
        for action, summary in (
            ("suspend", "Suspend a topic"),
            ("resume", "Resume a suspended topic"),
            ("terminate", "Terminate a topic with a reason"),
            ("retry", "Retry the failed step"),
            ("skip", "Skip the failed step with a reason"),
        )
    },
    "/tasks/{task_id}/reassign": {
        "post": _op(
            "Give an open task to a unit, organization or user", body=_JSON_OBJECT, params=[_path_id("task_id")]
        )
    },
    "/audit": {
        "get": _op(
            "The audit log, newest first (supervisors, process administrators)",
            params=_query("action", "actor", "target", "address", "since", "until", "limit", "offset"),
        )
    },
}

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "shangliang API",
        "version": "1",
        "description": "Case tracking for the CPPCC 有事好商量 consultation platform.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "responses": {
            "Error": {
                "description": "an error, with a message naming the problem",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "error": {
                                    "type": "object",
                                    "properties": {
                                        "status": {"type": "integer"},
                                        "message": {"type": "string"},
                                        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                                    },
                                }
                            },
                        }
                    }
                },
            }
        },
    },
    "paths": {
        "/me": {"get": _op("The authenticated user and their roles")},
        "/topics": {"post": _op("Start a topic", "201", _NEW_TOPIC)},
        "/topics/{topic_id}": {"get": _op("A topic with its open tasks", params=[_path_id("topic_id")])},
        "/topics/{topic_id}/history": {"get": _op("A topic's events, oldest first", params=[_path_id("topic_id")])},
        "/tasks": {
            "get": _op(
                "The tasks the user may act on",
                params=[{"name": "status", "in": "query", "schema": {"enum": ["ready", "completed", "cancelled"]}}],
            )
        },
        "/tasks/{task_id}": {"get": _op("A task and its form", params=[_path_id("task_id")])},
        "/tasks/{task_id}/complete": {
            "post": _op("Submit a task's form", body=_COMPLETE, params=[_path_id("task_id")])
        },
        **ADMIN_PATHS,
        **platform_paths(_op, _path_id, _query, _JSON_OBJECT),
        **levels_paths(_op, _path_id),
        **appraisals_paths(_op, _path_id),
        **directory_paths(_op, _query),
        **public_paths(_op),
        **results_paths(_op),
        **triage_paths(_op),
        **deliberation_paths(_op, _path_id),
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "security": [],
                "responses": {"200": {"description": "the OpenAPI document", "content": _JSON_OBJECT}},
            }
        },
    },
}
