"""Pruned history: a workflow saved without its finished tasks still runs every path and migrates."""
import json
from pathlib import Path
from typing import Any
from uuid import UUID

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.util.diff import diff_workflow, filter_tasks, migrate_workflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser

from engine.diagrams import loading as diagrams
from engine.runtime import state
from models import Event, TopicStatus, WorkflowState
from tests.bpmn.test_topic_district import with_loops
from tests.conftest import NOW
from tests.factories import drive, open_ids, open_task, start_topic
from workflows.demo.world import BPMN_DIR, district_path, town_path

DATA = Path(__file__).with_name("data")


def stored(session: Any, topic: Any) -> dict[str, Any]:
    """Return the topic's stored workflow state as a dict."""
    return json.loads(session.get(WorkflowState, topic.id).state_json)


def task_count(dct: dict[str, Any]) -> int:
    """Count the tasks of a stored state, its called processes included."""
    return len(dct["tasks"]) + sum(len(sp["tasks"]) for sp in dct["subprocesses"].values())


def test_loops_leave_the_stored_state_the_same_size(session):
    topic = start_topic(session, NOW)
    path = district_path("tianning")
    reply = [s[0] for s in path].index("write_reply")
    unsatisfied = ("rate_reply", "office_tianning", {"rating": "unsatisfied", "rating_note": "不具体"})
    drive(session, topic, path[: reply + 1] + [unsatisfied], NOW)
    after_one = stored(session, topic)
    for _ in range(24):
        drive(session, topic, [path[reply], unsatisfied], NOW)
    after_25 = stored(session, topic)
    assert task_count(after_25) == task_count(after_one)
    assert abs(len(json.dumps(after_25)) - len(json.dumps(after_one))) < 200
    assert open_ids(session, topic) == ["write_reply"]


def test_many_loops_of_both_kinds_run_to_closed_and_the_event_log_keeps_every_step(session):
    topic = start_topic(session, NOW)
    steps = with_loops(district_path("tianning", sensitive=True), 30, 10)
    drive(session, topic, steps, NOW)
    session.refresh(topic)
    assert topic.status is TopicStatus.CLOSED
    completed = session.query(Event).filter_by(topic_id=topic.id, kind="task_completed").count()
    assert completed == len(steps)
    final = stored(session, topic)
    assert final["completed"] is True and final["subprocesses"] == {}
    assert task_count(final) <= 4


def test_a_town_topic_drops_its_finished_approval_and_still_closes(session):
    topic = start_topic(session, NOW, level="town", district="tianning", town="zhenglu")
    path = with_loops(town_path("tianning", "zhenglu"), 5, 3)
    research = [s[0] for s in path].index("research")
    drive(session, topic, path[:research], NOW)
    assert [sp["spec"] for sp in stored(session, topic)["subprocesses"].values()] == ["topic_path"]
    drive(session, topic, path[research:], NOW)
    session.refresh(topic)
    assert topic.status is TopicStatus.CLOSED


def run_ready(workflow: BpmnWorkflow, bpmn_id: str, data: dict[str, Any]) -> BpmnWorkflow:
    """Complete one ready task, then store and restore the workflow as the service would."""
    task = next(t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.bpmn_id == bpmn_id)
    task.data.update(data)
    task.run()
    workflow.do_engine_steps()
    return state.restore(state.dump(workflow), workflow.spec, workflow.subprocess_specs)


def ready(workflow: BpmnWorkflow) -> list[str]:
    """Return the BPMN ids of the ready user tasks, sorted."""
    return sorted(t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.READY, manual=True))


def test_a_parallel_join_and_a_multi_instance_task_inside_a_loop_still_wait_for_every_branch():
    parser = SpiffBpmnParser()
    parser.add_bpmn_str((DATA / "parallel_loop.bpmn").read_bytes())
    workflow = state.new_workflow(parser.get_spec("parallel_loop"), {})
    workflow.do_engine_steps()
    sizes = []
    for loop in range(12):
        assert ready(workflow) == ["left", "right"], f"loop {loop}"
        workflow = run_ready(workflow, "right", {"side": f"right {loop}"})
        assert ready(workflow) == ["left"], "the join must wait for the other branch"
        workflow = run_ready(workflow, "left", {"side": f"left {loop}", "reviewers": ["甲", "乙"]})
        assert ready(workflow) == ["opinion", "opinion"]
        workflow = run_ready(workflow, "opinion", {"view": "同意"})
        assert ready(workflow) == ["opinion"]
        workflow = run_ready(workflow, "opinion", {"view": "反对"})
        assert workflow.get_tasks(state=TaskState.READY, manual=True)[0].data["opinions"] == ["同意", "反对"]
        workflow = run_ready(workflow, "check", {"again": loop < 11, "opinions": []})  # the next round collects anew
        sizes.append(len(workflow.tasks))
    assert workflow.is_completed()
    assert len(set(sizes[:-1])) == 1, "every loop leaves as many tasks as the one before"


def path_v2() -> bytes:
    """Return topic_path with a new task (公开协商成果) between the closing decision and the end."""
    xml = (BPMN_DIR / "topic_path.bpmn").read_text(encoding="utf-8")
    task = """<bpmn:userTask id="publish_result" name="公开协商成果">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="stage" value="reinspection" />
        <spiffworkflow:property name="form" value="follow_up" />
        <spiffworkflow:property name="candidate" value="committee" />
        <spiffworkflow:property name="clock" value="10wd" />
        <spiffworkflow:property name="warn" value="3wd" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>flow_close_to_end</bpmn:incoming>
      <bpmn:outgoing>flow_publish_to_end</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="closed" """
    xml = xml.replace('<bpmn:endEvent id="closed" ', task, 1)
    xml = xml.replace('sourceRef="close_decision" targetRef="closed"',
                      'sourceRef="close_decision" targetRef="publish_result"')
    xml = xml.replace("<bpmn:incoming>flow_close_to_end</bpmn:incoming>\n    </bpmn:endEvent>",
                      "<bpmn:incoming>flow_publish_to_end</bpmn:incoming>\n    </bpmn:endEvent>")
    xml = xml.replace('<bpmn:flowNodeRef>follow_up</bpmn:flowNodeRef>',
                      '<bpmn:flowNodeRef>follow_up</bpmn:flowNodeRef><bpmn:flowNodeRef>publish_result</bpmn:flowNodeRef>')
    flow = ('<bpmn:sequenceFlow id="flow_publish_to_end" sourceRef="publish_result" targetRef="closed" />\n'
            "  </bpmn:process>")
    return xml.replace("</bpmn:process>", flow, 1).encode()


def test_a_pruned_topic_migrates_to_a_new_version_of_its_path_and_runs_to_the_end(session):
    topic = start_topic(session, NOW)
    steps = with_loops(district_path("tianning"), 5, 2)
    reply = len(steps) - [s[0] for s in reversed(steps)].index("write_reply") - 1
    drive(session, topic, steps[:reply], NOW)
    item = open_task(session, topic, "write_reply")
    main = diagrams.load((BPMN_DIR / "topic_district.bpmn").read_bytes()).spec
    old, new = diagrams.load((BPMN_DIR / "topic_path.bpmn").read_bytes()).spec, diagrams.load(path_v2()).spec
    workflow = state.restore(session.get(WorkflowState, topic.id).state_json, main, {"topic_path": old})

    top_diff, sub_diffs = diff_workflow(state.SERIALIZER.registry, workflow, main, {"topic_path": new})
    for sp_id, sub_diff in sub_diffs.items():
        assert filter_tasks(sub_diff.changed + sub_diff.removed, state=TaskState.COMPLETED | TaskState.STARTED) == []
        migrate_workflow(sub_diff, workflow.subprocesses[sp_id], new)
    migrate_workflow(top_diff, workflow, main)
    workflow.subprocess_specs = {"topic_path": new}
    workflow.do_engine_steps()
    workflow = state.restore(state.dump(workflow), main, {"topic_path": new})

    assert ready(workflow) == ["write_reply"]
    assert workflow.get_task_from_id(UUID(item.task_uuid)) is not None, "the inbox row still names the ready task"
    for bpmn_id, _user, data in steps[reply:]:
        workflow = run_ready(workflow, bpmn_id, data)
    assert ready(workflow) == ["publish_result"]
    workflow = run_ready(workflow, "publish_result", {"method": "inspection", "findings": "已公开"})
    assert workflow.is_completed()
