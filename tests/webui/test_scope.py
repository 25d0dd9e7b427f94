"""A district's supervisor reads its district's delivery log and audit entries; the city and the auditor read all."""
from sqlalchemy import select

from models import Channel, Delivery
from models.database import writing
from tests.conftest import NOW
from tests.factories import start_topic
from tests.webui.test_api import auth
from workflows.demo import world as demo
from workflows.people import audit


def two_districts(session):
    """Start a topic in 天宁 and one in 武进, each with a robot message, and audit one action in each."""
    tianning = start_topic(session, NOW, district="tianning", title="天宁议题")
    wujin = start_topic(session, NOW, district="wujin", title="武进议题")
    with writing(session):
        for topic in (tianning, wujin):
            session.add(Delivery(key=f"scope-{topic.id}", topic_id=topic.id, channel=Channel.DINGTALK,
                                 address=f"https://robot.example/{topic.district.code}", subject=topic.title, body=""))
        audit.record(session, "note", demo.user_named(session, "office_tianning"), target=f"topic:{tianning.id}")
        audit.record(session, "note", demo.user_named(session, "office_wujin"), target=f"topic:{wujin.id}")
        audit.record(session, "login_failed", None, target="username:someone")
    return tianning, wujin


def subjects(client, user):
    response = client.get("/api/v1/deliveries", headers=auth(user))
    assert response.status_code == 200
    return {d["subject"] for d in response.json["deliveries"]}


def test_the_delivery_log_is_scoped_by_district(app, session):
    two_districts(session)
    client = app.test_client()
    assert subjects(client, "supervisor_tianning") == {"天宁议题"}
    assert subjects(client, "supervisor_wujin") == {"武进议题"}
    assert subjects(client, "supervisor_city") == subjects(client, "auditor") == {"天宁议题", "武进议题"}


def test_the_audit_log_is_scoped_by_district(app, session):
    tianning, wujin = two_districts(session)
    client = app.test_client()

    def targets(user):
        response = client.get("/api/v1/audit?action=&limit=500", headers=auth(user))
        assert response.status_code == 200
        return {e["target"] for e in response.json["entries"]}

    district = targets("supervisor_tianning")
    assert f"topic:{tianning.id}" in district
    assert f"topic:{wujin.id}" not in district and "username:someone" not in district
    for everyone in ("supervisor_city", "auditor"):
        assert {f"topic:{tianning.id}", f"topic:{wujin.id}", "username:someone"} <= targets(everyone)


def test_the_audit_page_of_a_district_supervisor_shows_its_district_only(web, session):
    tianning, wujin = two_districts(session)
    page = web("supervisor_tianning").get("/admin/audit").get_data(as_text=True)
    assert f"topic:{tianning.id}" in page and f"topic:{wujin.id}" not in page
    assert session.scalar(select(Delivery.id).where(Delivery.key == f"scope-{wujin.id}")) is not None
