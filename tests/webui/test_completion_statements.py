"""A completion and a start read nothing twice: no second read of the state, no diagram bytes, no settings.

The service completion the bench times (write_reply, one new task) sends 13 statements; what each is for
is listed in docs/performance.md.
"""
from sqlalchemy.orm import Session, sessionmaker

from models import User
from models.database import writing
from tests.conftest import NOW
from tests.counting import counted
from tests.factories import drive as drive_service
from tests.factories import open_task, start_topic
from tests.webui.test_api import NEW_TOPIC, auth, client, complete, start  # noqa: F401  (client is a fixture)
from workflows.demo.world import district_path, user_named
from workflows.topics import lifecycle
from workflows.topics.inbox import open_tasks

STEPS = district_path("tianning", assisting=False)
SIGN = [step[0] for step in STEPS].index("sign_receipt")
REPLY = [step[0] for step in STEPS].index("write_reply")
SETTINGS_TABLES = ("calendar_day", "calendar_year", "clock_override")


def drive(client, topic: dict, steps: list) -> dict:  # noqa: F811
    """Complete the steps through the API; return the answer to the last."""
    for task_id, username, data in steps:
        tasks = client.get("/api/v1/tasks", headers=auth(username)).get_json()["tasks"]
        task = next(t for t in tasks if t["topic_id"] == topic["id"] and t["task"] == task_id)
        response = complete(client, task["id"], username, data)
        assert response.status_code == 200, response.get_json()
    return response.get_json()


def signing_task(client) -> tuple[dict, dict, str, dict]:  # noqa: F811
    """Start a topic and drive it to its lead unit's signing; return the topic, that task, who signs and the form."""
    topic = start(client)
    drive(client, topic, STEPS[:SIGN])
    task_id, username, data = STEPS[SIGN]
    task = next(t for t in client.get("/api/v1/tasks", headers=auth(username)).get_json()["tasks"]
                if t["topic_id"] == topic["id"] and t["task"] == task_id)
    return topic, task, username, data


def test_a_completion_reads_the_state_once_and_no_diagram_and_asks_no_permission_query(client):  # noqa: F811
    engine = client.application.extensions["db_engine"]
    _topic, task, username, data = signing_task(client)
    with counted(engine) as seen:
        response = complete(client, task["id"], username, data)
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()["topic"]
    assert answer["process_version"].startswith("topic_district v") and answer["failed_step"] is None
    flat = [" ".join(s.split()) for s in seen]
    assert sum("workflow_state.state_json" in s and s.startswith("SELECT") for s in flat) == 1
    assert not any("bpmn_xml" in s for s in flat)
    assert not any(s.startswith("SELECT process_version.id, process_version.sha256") for s in flat)
    # The task sits at the user's unit: its permission needs no query beyond the task row itself.
    assert not any(s.startswith("SELECT task_item.id FROM task_item WHERE task_item.topic_id")
                   and "candidate_unit_id IN" in s for s in flat)


def test_the_answer_to_a_completion_is_what_a_fresh_read_shows_and_is_not_read_again(client):  # noqa: F811
    engine = client.application.extensions["db_engine"]
    topic, task, username, data = signing_task(client)
    with counted(engine) as seen:
        answer = complete(client, task["id"], username, data).get_json()["topic"]
    fresh = client.get(f"/api/v1/topics/{topic['id']}", headers=auth(username)).get_json()
    assert answer["open_tasks"] == fresh["open_tasks"] and answer["open_tasks"]
    assert (answer["process_version"], answer["failed_step"]) == (fresh["process_version"], None)
    flat = [" ".join(s.split()) for s in seen]
    # task rows are loaded twice: the task itself and the open rows the save compares with the workflow; the
    # answer reads neither again, nor the version's label, nor the task's unit
    assert sum(s.startswith("SELECT task_item.id, task_item.topic_id, task_item.task_uuid") for s in flat) == 2
    assert not any("process_definition" in s or "FROM unit WHERE unit.id =" in s for s in flat)


def test_the_answer_to_a_start_names_the_first_tasks_without_reading_them(client):  # noqa: F811
    engine = client.application.extensions["db_engine"]
    start(client)
    with counted(engine) as seen:
        answer = client.post("/api/v1/topics", json=NEW_TOPIC, headers=auth("office_tianning")).get_json()
    fresh = client.get(f"/api/v1/topics/{answer['id']}", headers=auth("office_tianning")).get_json()
    assert answer["open_tasks"] == fresh["open_tasks"] and answer["open_tasks"]
    assert (answer["process_version"], answer["failed_step"]) == (fresh["process_version"], None)
    flat = [" ".join(s.split()) for s in seen]
    # the district comes with the levels above it, which the office's permission walks
    assert sum(s.startswith("SELECT organization.") for s in flat) == 1
    reread = ("SELECT task_item.", "SELECT workflow_state.", "SELECT process_version.")
    assert not any(s.startswith(reread) for s in flat)


def test_starting_a_topic_reads_no_diagram_once_its_versions_were_parsed(client):  # noqa: F811
    engine = client.application.extensions["db_engine"]
    start(client)
    with counted(engine) as seen:
        response = client.post("/api/v1/topics", json=NEW_TOPIC, headers=auth("office_tianning"))
    assert response.status_code == 201, response.get_json()
    assert not any("bpmn_xml" in s for s in seen)
    assert sum(" ".join(s.split()).startswith("SELECT process_binding") for s in seen) == 2  # main and called


def test_a_service_completion_sends_12_statements_besides_its_lock(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        topic = start_topic(session, NOW)
        drive_service(session, topic, STEPS[:REPLY], NOW)
        item_id, (_task, username, data) = open_task(session, topic, "write_reply").id, STEPS[REPLY]
        user_id = user_named(session, username).id
    with sessions() as session:  # a new session, as a request has
        user = session.get(User, user_id)
        assert user is not None and user.roles
        with counted(session.get_bind()) as seen, writing(session):  # type: ignore[arg-type]
            lifecycle.complete_task(session, user, item_id, data, now=NOW)
    flat = [" ".join(s.split()) for s in seen]
    listed = "\n".join(s[:120] for s in flat)
    # SQLite's write lock (BEGIN IMMEDIATE) is a statement the listener sees; PostgreSQL's BEGIN is not
    assert len([s for s in flat if not s.startswith("BEGIN")]) == 12, listed
    assert not any(f"FROM {table}" in s for s in flat for table in SETTINGS_TABLES), listed
    assert sum(s.startswith("SELECT settings_stamp") for s in flat) == 1
    assert not any("FROM timer_due" in s for s in flat), listed  # the workflow's timers did not change
    assert not any("FROM role_assignment" in s for s in flat), listed  # the new task's people in one query
    # the task (with its topic) and the topic's open rows; the new rows are not read back for the notices
    assert sum(s.startswith("SELECT task_item.") and "FROM task_item" in s for s in flat) == 2, listed


def test_the_rows_one_save_opens_go_in_one_insert(sessions: sessionmaker[Session]) -> None:
    minutes = [step[0] for step in STEPS].index("submit_minutes")
    two_units = [(task, user, {**data, "assisting_units": ["tianning-civil", "tianning-urban"]})
                 if task == "submit_minutes" else (task, user, data) for task, user, data in STEPS]
    with sessions() as session:
        topic = start_topic(session, NOW)
        drive_service(session, topic, two_units[:minutes + 1], NOW)
        sign = open_task(session, topic, "sign_receipt")
        with counted(session.get_bind()) as seen, writing(session):  # type: ignore[arg-type]
            lifecycle.complete_task(session, user_named(session, "housing_tianning"), sign.id, {}, now=NOW)
        opened = [i for i in open_tasks(session, topic) if i.bpmn_id == "assist_opinion"]
    assert len(opened) == 2  # one for each assisting unit, opened by the same save
    assert sum(s.startswith("INSERT INTO task_item") for s in seen) == 1


def test_starting_a_topic_reads_no_task_rows_and_no_timer_rows(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        start_topic(session, NOW)  # the versions parsed, the settings cached
    with sessions() as session, counted(session.get_bind()) as seen:  # type: ignore[arg-type]
        topic = start_topic(session, NOW)
    flat = [" ".join(s.split()) for s in seen]
    assert not any("FROM task_item" in s or "FROM timer_due" in s for s in flat), "\n".join(flat)
    assert sum(s.startswith("INSERT INTO task_item") for s in flat) == 1
    with sessions() as session:
        assert [i.bpmn_id for i in open_tasks(session, session.merge(topic))] == ["submit_proposal"]
