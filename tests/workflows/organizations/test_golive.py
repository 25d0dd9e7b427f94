"""Going live from an empty database: the first administrator, the bundled diagrams, a district imported
from the XLSX template, and a topic moved to handling by the imported people only."""
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import func, select

from models import AuditEntry, Member, Organization, Role, TaskStatus, Unit, User
from models.database import make_engine, writing
from tests import golive_district
from webui.cli.commands import main
from workflows.demo.world import district_path, run_steps, user_named
from workflows.organizations import bulk
from workflows.topics import lifecycle as topics
from workflows.topics.inbox import open_tasks
from workflows.wiring import session_factory

PASSWORD = "Xinqu-Admin-2026!"


@pytest.fixture
def empty_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'golive.sqlite3'}"


@pytest.fixture
def shangliang(empty_url, monkeypatch):
    monkeypatch.setenv("SHANGLIANG_DATABASE_URL", empty_url)
    runner = CliRunner()

    def run(*args: str, code: int = 0, stdin: str | None = None) -> str:
        result = runner.invoke(main, list(args), input=stdin)
        assert result.exit_code == code, result.output
        return result.output

    return run


def test_a_district_goes_live_from_an_empty_database(shangliang, empty_url, tmp_path):
    shangliang("init-db")
    assert "sysadmin created" in shangliang("create-admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert "diagrams deployed" in shangliang("install-diagrams")
    shangliang("template", str(tmp_path / "template.xlsx"))
    assert load_workbook(tmp_path / "template.xlsx").sheetnames[:6] == list(bulk.COLUMNS)
    path = tmp_path / "xinqu.xlsx"
    path.write_bytes(golive_district.workbook())

    checked = shangliang("import", str(path), "--as", "sysadmin", "--dry-run")
    assert "人员\tcreated 60" in checked and "nothing written" in checked
    imported = shangliang("import", str(path), "--as", "sysadmin")
    assert "组织\tcreated 10" in imported and "单位\tcreated 20" in imported and "委员\tcreated 30" in imported

    engine = make_engine(empty_url)
    with session_factory(engine)() as session:
        towns = session.scalar(select(func.count(Organization.id)).where(Organization.parent.has(code="xinqu")))
        assert (towns, session.scalar(select(func.count(Unit.id))), session.scalar(select(func.count(Member.id)))) \
            == (8, 20, 30)
        assert session.scalar(select(func.count(User.id))) == 61  # the 60 imported and the administrator
        audited = session.scalar(select(func.count(AuditEntry.id)))

        again = shangliang("import", str(path), "--as", "sysadmin")
        assert "created 0\tchanged 0\tunchanged 60" in again
        session.expire_all()
        assert session.scalar(select(func.count(AuditEntry.id))) == audited  # nothing changed, nothing audited

        office = user_named(session, "office_xinqu")
        with writing(session):
            topic = topics.start_topic(session, office, {
                "title": "老旧小区加装电梯", "description": "居民反映上下楼难", "category": "livelihood",
                "source": "public", "platform_level": "district", "district": "xinqu", "town": None})
        path_steps = district_path("xinqu")
        upto = next(i for i, step in enumerate(path_steps) if step[0] == "sign_receipt")
        run_steps(session, topic, path_steps[:upto], topic.created_at)
        session.refresh(topic)
        assert topic.stage == "handling"
        [receipt] = [i for i in open_tasks(session, topic) if i.status is TaskStatus.READY]
        assert (receipt.bpmn_id, receipt.role, receipt.candidate_unit.code) == \
            ("sign_receipt", Role.HANDLING_UNIT, "xinqu-housing")
    engine.dispose()


def test_a_second_first_administrator_is_refused(shangliang):
    shangliang("init-db")
    shangliang("create-admin", "--password-stdin", stdin=PASSWORD + "\n")
    out = shangliang("create-admin", "--username", "other", "--password-stdin", stdin=PASSWORD + "\n", code=2)
    assert "已有系统管理员" in out


def test_a_weak_first_password_is_refused_and_writes_nothing(shangliang, empty_url):
    shangliang("init-db")
    out = shangliang("create-admin", "--password-stdin", stdin="short\n", code=2)
    assert "至少 8 个字符" in out
    engine = make_engine(empty_url)
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count(User.id))) == 0
    engine.dispose()


def test_one_bad_row_of_200_imports_nothing_and_names_the_row(shangliang, empty_url, tmp_path):
    shangliang("init-db")
    shangliang("create-admin", "--password-stdin", stdin=PASSWORD + "\n")
    people = golive_district.rows()[bulk.PEOPLE]
    people += [[f"extra{i:03d}", f"补充{i:03d}", f"135{i:08d}", "", "", "", "承办单位", "xinqu-civil", "", ""]
               for i in range(140)]
    people[150][2] = "12345"  # the spreadsheet's row 152: a header, then rows from 2
    assert len(people) == 200
    path = tmp_path / "bad.xlsx"
    path.write_bytes(golive_district.workbook({bulk.PEOPLE: people}))
    out = shangliang("import", str(path), "--as", "sysadmin", code=2)
    assert "人员 第 152 行：手机号 12345 格式不正确" in out
    assert "nothing was imported" in out
    engine = make_engine(empty_url)
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count(Organization.id))) == 0
        assert session.scalar(select(func.count(User.id))) == 1
    engine.dispose()


def test_the_dry_run_lists_every_problem_in_chinese(db_url, session):
    admin = _system_admin(session)
    changes = {
        bulk.ORGS: [["changzhou", "常州市", "市", ""], ["xinqu", "常州新区", "区", "changzhou"],
                    ["xinqu", "重复", "镇", "xinqu"], ["t9", "某镇", "镇", "nowhere"],
                    ["loop-a", "甲", "街道", "loop-b"], ["loop-b", "乙", "街道", "loop-a"]],
    }
    sheets = bulk.read(golive_district.workbook(changes))
    report = bulk.check(session, sheets)
    messages = [str(p) for p in report.problems]
    assert "组织 第 4 行：编码 xinqu 重复（第 3 行已有）" in messages
    assert "组织 第 5 行：上级编码 nowhere 不存在" in messages
    assert any(m.startswith("组织 第 6 行：") and "循环" in m for m in messages)
    with writing(session):
        assert bulk.apply(session, admin, sheets).problems
    assert session.scalar(select(Organization.id).where(Organization.code == "xinqu")) is None


def test_a_file_that_is_not_a_workbook_is_refused():
    from engine.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        bulk.read(b"PK\x03\x04 not really a zip")
    assert "不是有效的 XLSX 文件" in refused.value.fields["file"]


def test_an_export_imports_back_unchanged(session):
    admin = _system_admin(session)
    sheets = bulk.read(golive_district.workbook())
    with writing(session):
        assert not bulk.apply(session, admin, sheets).problems
    exported = bulk.export(session)
    with writing(session):
        report = bulk.apply(session, admin, bulk.read(exported))
    assert not report.problems
    assert all(c["created"] == 0 and c["changed"] == 0 for c in report.counts.values()), report.counts
    assert load_workbook(io.BytesIO(exported))[bulk.ORGS].max_row > 10


def _system_admin(session) -> User:
    from workflows.people import directory

    with writing(session):
        user = directory.create_user(session, None, username="sys", display_name="系统管理员")
        directory.assign_role(session, None, user, Role.SYSTEM_ADMIN)
    return user
