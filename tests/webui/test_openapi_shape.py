"""The OpenAPI document is exact where clients rely on it: path parameters, content types, and 405's Allow."""
import re

from tests.webui.test_api import auth


def test_every_path_parameter_is_declared_on_every_operation(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    missing = []
    for path, item in document["paths"].items():
        templated = set(re.findall(r"{(\w+)}", path))
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) + item.get("parameters", [])
                        if p["in"] == "path"}
            if templated - declared:
                missing.append(f"{method.upper()} {path}: {sorted(templated - declared)}")
    assert missing == []


def test_diagram_exports_are_documented_as_xml(app):
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/processes/{version_id}/bpmn", "/drafts/{draft_id}/bpmn"):
        assert set(paths[path]["get"]["responses"]["200"]["content"]) == {"application/xml"}


def test_a_method_not_allowed_names_the_allowed_ones(web, app):
    api = app.test_client().delete("/api/v1/tasks", headers=auth("admin"))
    assert api.status_code == 405 and "GET" in api.headers["Allow"] and api.is_json
    page = web("office_tianning").client.delete("/topics/")
    assert page.status_code == 405 and "GET" in page.headers["Allow"]
