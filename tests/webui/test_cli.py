"""The `shangliang` command: a topic driven only through the CLI goes from proposal to closed."""
import json
import re
import subprocess
import sys

from workflows.demo.world import district_path


def test_a_topic_goes_from_proposal_to_closed_through_the_cli(shangliang):
    out = shangliang("start", "--as", "office_tianning", "--title", "社区养老助餐点", "--category", "livelihood",
                     "--source", "public", "--level", "district", "--district", "tianning")
    topic_id = re.search(r"topic (\d+) started", out).group(1)
    for task_id, username, data in district_path("tianning"):
        listing = shangliang("tasks", "--as", username)
        line = next(row for row in listing.splitlines() if f"topic {topic_id}\t{task_id}\t" in row)
        task = line.split("\t")[0].removeprefix("task ")
        shangliang("complete", task, "--as", username, "--data", json.dumps(data, ensure_ascii=False))
    history = shangliang("history", topic_id, "--as", "office_tianning")
    assert history.splitlines()[0].endswith("closed, stage reinspection")
    assert "topic_closed" in history.splitlines()[-1]


def test_cli_errors_are_one_line_and_exit_2(shangliang):
    out = shangliang("complete", "999", "--as", "office_tianning", "--data", "{}", code=2)
    assert out.strip() == "error: no task 999 that you can see"
    assert "not valid JSON" in shangliang("complete", "1", "--as", "office_tianning", "--data", "{", code=2)
    out = shangliang("start", "--as", "office_tianning", "--title", "x", "--category", "nope", "--source", "public",
                     "--level", "district", "--district", "tianning", code=2)
    assert out.startswith("error: the topic is incomplete") and "category" in out


def test_deadline_prints_the_due_date_first_and_marks_provisional_years(shangliang):
    assert shangliang("deadline", "2026-09-30", "--working-days", "1").strip() == "2026-10-08"
    assert shangliang("deadline", "2027-01-29", "--months", "1").split()[1:] == ["provisional"]


def test_deadline_bad_input_exits_2_in_a_real_process(db_url):
    env = {"SHANGLIANG_DATABASE_URL": db_url, "PATH": ""}
    for args in (["2026-02-30", "--working-days", "3"], ["2026-02-01", "--working-days", "-1"]):
        done = subprocess.run([sys.executable, "-m", "webui.cli", "deadline", *args], capture_output=True, text=True,
                              env=env, check=False)
        assert done.returncode == 2
        assert done.stderr.startswith("error: ") and len(done.stderr.strip().splitlines()) == 1
