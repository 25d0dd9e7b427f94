"""The `shangliang` deadline commands: due dates, the calendar, clocks, routes and a one-shot sweep."""
import pytest
from click.testing import CliRunner

from webui.cli.commands import main


@pytest.fixture
def run(db_url):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), env={"SHANGLIANG_DATABASE_URL": db_url})

    return invoke


@pytest.mark.parametrize("args, line", [
    (("2026-02-13", "--working-days", "2"), "2026-02-24"),
    (("2026-09-18", "--working-days", "1"), "2026-09-20"),
    (("2026-07-01", "--months", "3"), "2026-10-08"),
    (("2026-12-15", "--months", "2"), "2027-02-15 provisional"),
    (("2027-02-04", "--working-days", "1"), "2027-02-09 provisional"),
])
def test_deadline_prints_the_due_date_first(run, args, line):
    result = run("deadline", *args)
    assert result.exit_code == 0 and result.output == line + "\n"


@pytest.mark.parametrize("args", [("2026-02-30", "--months", "1"), ("2026-02-13", "--working-days", "-1"),
                                  ("2026-02-13",), ("2026-02-13", "--months", "1", "--working-days", "1"),
                                  ("yesterday", "--months", "1")])
def test_bad_deadline_input_is_one_line_and_status_2(run, args):
    result = run("deadline", *args)
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert result.output.startswith("error:") or "Error" in result.output


def test_an_official_year_changes_the_answer(run, tmp_path):
    csv = tmp_path / "2027.csv"
    csv.write_text("date,is_workday,note\n2027-02-09,false,春节\n", encoding="utf-8")
    result = run("calendar", "import", str(csv), "--year", "2027", "--as", "admin", "--source", "测试通知")
    assert result.exit_code == 0 and "schedule official" in result.output
    assert run("deadline", "2027-02-04", "--working-days", "1").output == "2027-02-05\n"
    assert "2027-02-09\tholiday\t春节" in run("calendar", "show", "2027").output
    refused = run("calendar", "import", str(csv), "--year", "2027", "--as", "office_tianning")
    assert refused.exit_code == 2 and "process administrator" in refused.output


def test_clocks_routes_and_a_sweep(run):
    assert "write_reply\t办理并书面答复\t3m\twarn 10wd\tfrom signed\tdiagram" in run("clocks").output
    set_ = run("clocks", "set", "--as", "admin", "--district", "wujin", "--process", "topic_path", "--task",
               "write_reply", "--clock", "2m", "--warn", "10wd")
    assert set_.exit_code == 0
    wujin = run("clocks", "--district", "wujin").output
    assert "write_reply\t办理并书面答复\t2m\twarn 10wd\tfrom signed\tdistrict" in wujin
    assert run("clocks", "--district", "nowhere").exit_code == 2
    route = run("route", "add", "--as", "admin", "--unit", "wujin-housing", "--purpose", "reminder",
                "--channel", "email", "--address", "leader@wujin.example")
    assert route.exit_code == 0 and "via email" in route.output
    bad = run("route", "add", "--as", "admin", "--unit", "wujin-housing", "--purpose", "reminder",
              "--channel", "wecom", "--address", "ftp://x")
    assert bad.exit_code == 2
    swept = run("sweep", "--now", "2026-03-02T09:00:00+08:00")
    assert swept.exit_code == 0 and swept.output.startswith("swept {")
    assert run("sweep", "--now", "soon").exit_code == 2
