"""Process administration through the `shangliang` command: deploy, review, diff, migrate, operate, audit."""
import json
import re
from pathlib import Path

from tests import diagram_edits as edit
from workflows.demo.world import district_path

PATH_XML = (Path(__file__).resolve().parents[2] / "bpmn" / "topic_path.bpmn").read_bytes()


def test_a_clock_change_is_deployed_reviewed_and_applied_from_the_cli(shangliang, tmp_path):  # noqa: F811
    out = shangliang("start", "--as", "office_tianning", "--title", "加装电梯", "--category", "livelihood",
                     "--source", "public", "--level", "district", "--district", "tianning")
    topic_id = re.search(r"topic (\d+) started", out).group(1)
    for task_id, username, data in district_path("tianning")[:10]:
        listing = shangliang("tasks", "--as", username)
        line = next(row for row in listing.splitlines() if f"topic {topic_id}\t{task_id}\t" in row)
        shangliang("complete", line.split("\t")[0].removeprefix("task "), "--as", username,
                   "--data", json.dumps(data, ensure_ascii=False))
    changed = tmp_path / "topic_path.bpmn"
    changed.write_bytes(edit.set_property(PATH_XML, "write_reply", "clock", "2m"))
    out = shangliang("deploy", str(changed), "--as", "admin", "--note", "两个月", "--bind", "tianning")
    version = re.search(r"\(version (\d+)\)", out).group(1)
    assert "pending approval" in out
    assert shangliang("approve", version, "--as", "admin", code=2).startswith("error: a second process administrator")
    assert "bound for tianning" in shangliang("approve", version, "--as", "admin2")
    old = next(line.split("\t")[0] for line in shangliang("versions", "--process", "topic_path").splitlines()
               if "\ttopic_path v1\t" in line)
    assert shangliang("diff", old, version).splitlines() == [
        "~ write_reply (办理并书面答复) property clock: '3m' -> '2m'"]
    assert "can move" in shangliang("migrate", version, "--as", "admin")
    assert "moved" in shangliang("migrate", version, "--as", "admin", "--topic", topic_id, "--apply")
    assert "topic_path\ttianning\ttopic_path v2" in shangliang("bindings")
    assert "suspended" in shangliang("suspend", topic_id, "--as", "admin", "--reason", "等待")
    audit = shangliang("audit", "--as", "supervisor_city", "--target", f"topic:{topic_id}")
    assert [line.split("\t")[2] for line in audit.splitlines()[:-1]] == ["suspend", "migrate"]
    assert all(line.split("\t")[4] == "cli" for line in audit.splitlines()[:-1])
    exported = tmp_path / "out.bpmn"
    shangliang("export", version, "-o", str(exported))
    assert exported.read_bytes() == changed.read_bytes()
