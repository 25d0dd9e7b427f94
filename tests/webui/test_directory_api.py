"""The go-live JSON API: the tree, people and the import through tokens, with the same refusals as the pages."""
import io

import pytest

from models.database import writing
from tests import golive_district
from webui import create_app
from workflows.demo.world import demo_token, user_named
from workflows.organizations import bulk
from workflows.topics import lifecycle


@pytest.fixture
def client(db_url):
    app = create_app({"DATABASE_URL": db_url, "TESTING": True})
    with app.test_client() as client:
        yield client
    app.extensions["db_engine"].dispose()


def auth(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {demo_token(username)}"}


def test_the_tree_through_the_api(client):
    added = client.post("/api/v1/organizations", json={"code": "nanhu", "name": "南湖街道", "kind": "street",
                                                       "parent": "tianning"}, headers=auth("sysadmin"))
    assert added.status_code == 201 and added.get_json()["parent"] == "tianning"
    renamed = client.patch("/api/v1/organizations/nanhu", json={"name": "南湖新街道"}, headers=auth("sysadmin"))
    assert renamed.get_json()["name"] == "南湖新街道"
    cycle = client.patch("/api/v1/organizations/changzhou", json={"parent": "tianning"}, headers=auth("sysadmin"))
    assert cycle.status_code == 422 and "cycle" in cycle.get_json()["error"]["message"]
    misplaced = client.post("/api/v1/organizations", json={"code": "v1", "name": "某村", "kind": "village",
                                                           "parent": "changzhou"}, headers=auth("sysadmin"))
    assert misplaced.status_code == 422 and "村不能设在市之下" in str(misplaced.get_json())
    assert client.delete("/api/v1/organizations/nanhu", headers=auth("sysadmin")).status_code == 204
    assert client.post("/api/v1/organizations", json={"code": "x", "name": "x", "kind": "town", "parent": "tianning"},
                       headers=auth("office_tianning")).status_code == 403


def test_an_organization_with_topics_is_refused_deletion(client, session):
    with writing(session):
        lifecycle.start_topic(session, user_named(session, "office_zhonglou"), {
            "title": "停车", "description": "", "category": "livelihood", "source": "public",
            "platform_level": "district", "district": "zhonglou", "town": None})
    refused = client.delete("/api/v1/organizations/zhonglou", headers=auth("sysadmin"))
    assert refused.status_code == 409 and "不能删除" in refused.get_json()["error"]["message"]


def test_people_and_the_last_administrator(client):
    added = client.post("/api/v1/users", json={"username": "zhaoliu", "display_name": "赵六", "phone": "13800138000",
                                               "email": "zl@example.cn", "wecom_id": "zl"}, headers=auth("sysadmin"))
    assert added.status_code == 201
    role = client.post("/api/v1/users/zhaoliu/roles", json={"role": "handling_unit", "unit": "tianning-civil",
                                                            "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
                       headers=auth("sysadmin"))
    assert role.get_json()["roles"][0]["ends_on"] == "2026-12-31"
    last = client.post("/api/v1/users/sysadmin/deactivate", headers=auth("sysadmin"))
    assert last.status_code == 409
    reset = client.post("/api/v1/users/zhaoliu/reset-password", headers=auth("secadmin"))
    assert reset.status_code == 200 and reset.get_json()["one_time_password"]
    assert client.post("/api/v1/users/zhaoliu/reset-password", headers=auth("sysadmin")).status_code == 403


def test_the_audit_log_is_the_auditors(client):
    assert client.get("/api/v1/audit", headers=auth("auditor")).status_code == 200
    assert client.get("/api/v1/audit", headers=auth("sysadmin")).status_code == 403
    assert client.get("/api/v1/audit", headers=auth("secadmin")).status_code == 403
    assert client.delete("/api/v1/audit", headers=auth("sysadmin")).status_code == 405
    assert client.delete("/api/v1/audit", headers=auth("auditor")).status_code == 405


def test_an_import_with_a_bad_row_names_it_and_writes_nothing(client):
    units = golive_district.rows()[bulk.UNITS]
    units[4][3] = "nowhere"
    data = golive_district.workbook({bulk.UNITS: units})
    answer = client.post("/api/v1/imports", data={"file": (io.BytesIO(data), "x.xlsx")},
                         content_type="multipart/form-data", headers=auth("sysadmin"))
    assert answer.status_code == 422
    assert answer.get_json()["problems"] == [{"sheet": "单位", "row": 6, "message": "所属组织编码 nowhere 不存在"}]
    assert client.get("/api/v1/organizations", headers=auth("sysadmin")).get_json()["organizations"][0]["code"] \
        != "xinqu"
    assert all(o["code"] != "xinqu" for o in client.get("/api/v1/organizations", headers=auth("sysadmin"))
               .get_json()["organizations"])
    good = client.post("/api/v1/imports?dry_run=true", data={"file": (io.BytesIO(golive_district.workbook()), "x")},
                       content_type="multipart/form-data", headers=auth("sysadmin"))
    assert good.status_code == 200 and good.get_json()["counts"]["委员"]["created"] == 30


def test_every_directory_route_is_in_the_openapi_document(client):
    from webui.api import directory

    documented = set(client.get("/api/v1/openapi.json").get_json()["paths"])
    for rule in client.application.url_map.iter_rules():
        if rule.endpoint.startswith(directory.bp.name + "."):
            assert rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}") in documented, rule.rule
