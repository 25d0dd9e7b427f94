"""The restore drill: back up under live writes, verify, restore, compare every table and file, continue a topic."""
import hashlib
import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine, select

from models import Attachment, Base, TaskItem, TaskStatus
from models.database import make_engine, writing
from tests.conftest import NOW
from tests.factories import drive, open_task, start_topic
from webui.cli import backup as backups
from webui.cli.commands import main
from workflows.demo.world import district_path, user_named
from workflows.topics import attachments
from workflows.wiring import session_factory

PDF = b"%PDF-1.4\n" + b"report " * 200


@pytest.fixture
def sqlite_url(db_url: str) -> str:
    if not db_url.startswith("sqlite"):
        pytest.skip("the drill under live writes compares with a SQLite copy; on PostgreSQL "
                    "test_a_quiet_backup_restores_every_table_and_file_exactly covers pg_dump and pg_restore")
    return db_url


def table_hashes(engine: Engine) -> dict[str, str]:
    """Return a sha256 of every table's rows, read in primary-key order."""
    hashes = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
            hashes[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return hashes


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): backups.sha256_of(p) for p in root.rglob("*") if p.is_file()}


def research_task(sessions):  # type: ignore[no-untyped-def]
    """Return the id of a topic's open research task (it takes a report file), and the topic's id."""
    with sessions() as session:
        topic = start_topic(session, NOW)
        path = district_path("tianning")
        drive(session, topic, path[:[s[0] for s in path].index("research")], NOW)
        return open_task(session, topic, "research").id, topic.id


def upload(sessions, folder: Path, task_id: int, n: int) -> None:  # type: ignore[no-untyped-def]
    with sessions() as session, writing(session):
        item = session.get(TaskItem, task_id)
        attachments.store(session, folder, user_named(session, "committee_tianning"), item, f"report-{n}.pdf",
                          io.BytesIO(PDF + str(n).encode()), now=NOW)


def test_restore_drill_under_live_writes(sqlite_url, sessions, db_engine, tmp_path):
    files = tmp_path / "attachments"
    task_id, topic_id = research_task(sessions)
    for n in range(3):
        upload(sessions, files, task_id, n)
    stop, written = threading.Event(), []

    def live_writes() -> None:
        n = 100
        while not stop.is_set():
            upload(sessions, files, task_id, n)
            with sessions() as session:
                start_topic(session, NOW, title=f"备份期间新议题 {n}")
            written.append(n)
            n += 1

    writer = threading.Thread(target=live_writes)
    writer.start()
    try:
        while len(written) < 2:
            stop.wait(0.05)
        folder = backups.backup(sqlite_url, files, tmp_path / "backups")
        while len(written) < 4:  # the writes go on after the copy
            stop.wait(0.05)
    finally:
        stop.set()
        writer.join()
    assert backups.verify(folder) == []

    restored_url, restored_files = f"sqlite:///{tmp_path / 'restored.sqlite3'}", tmp_path / "restored-attachments"
    backups.restore(folder, restored_url, restored_files)
    restored = make_engine(restored_url)
    try:
        copy = create_engine(f"sqlite:///file:{folder / backups.SQLITE_FILE}?mode=ro&uri=true")
        assert table_hashes(restored) == table_hashes(copy)
        copy.dispose()
        with session_factory(restored)() as session:
            rows = session.scalars(select(Attachment)).all()
            assert len(rows) >= 5  # the three before and at least two written while the server ran
            for row in rows:  # every attachment the copy records came with its file, byte for byte
                assert backups.sha256_of(restored_files / str(row.topic_id) / row.stored_name) == row.sha256
            research = district_path("tianning")[[s[0] for s in district_path("tianning")].index("research")]
            topic = session.get(TaskItem, task_id).topic
            drive(session, topic, [research], NOW)  # the restored topic goes on
            assert session.get(TaskItem, task_id).status is TaskStatus.COMPLETED
            assert topic.id == topic_id
    finally:
        restored.dispose()


@pytest.fixture
def empty_url(templates, tmp_path: Path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Return the URL of an empty database of the suite's kind (SQLite file or PostgreSQL database)."""
    url = templates.empty(tmp_path)
    yield url
    templates.drop(url)


def test_a_quiet_backup_restores_every_table_and_file_exactly(db_url, empty_url, sessions, db_engine, tmp_path):
    """On SQLite through the online backup API, on PostgreSQL through pg_dump and pg_restore."""
    files = tmp_path / "attachments"
    task_id, _ = research_task(sessions)
    upload(sessions, files, task_id, 1)
    folder = backups.backup(db_url, files, tmp_path / "backups")
    assert backups.verify(folder) == []
    backups.restore(folder, empty_url, tmp_path / "again")
    again = make_engine(empty_url)
    try:
        assert table_hashes(again) == table_hashes(db_engine)
        assert tree(tmp_path / "again") == tree(files) != {}
    finally:
        again.dispose()


def test_a_damaged_backup_is_reported_and_not_restored(sqlite_url, sessions, tmp_path):
    files = tmp_path / "attachments"
    task_id, _ = research_task(sessions)
    upload(sessions, files, task_id, 1)
    folder = backups.backup(sqlite_url, files, tmp_path / "backups")
    [stored] = [p for p in (folder / "attachments").rglob("*") if p.is_file()]
    stored.write_bytes(stored.read_bytes() + b"x")
    (folder / "stray.txt").write_text("not from the backup")
    problems = backups.verify(folder)
    assert any("sha256 differs" in p for p in problems) and any("stray.txt: not in the manifest" in p for p in problems)
    with pytest.raises(backups.BackupError, match="does not verify"):
        backups.restore(folder, f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path / "x")
    assert not (tmp_path / "x.sqlite3").exists()


def test_the_commands_back_up_verify_and_refuse_to_overwrite(sqlite_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SHANGLIANG_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("SHANGLIANG_ATTACHMENT_DIR", str(tmp_path / "attachments"))
    runner = CliRunner()
    made = runner.invoke(main, ["backup", str(tmp_path / "backups")])
    assert made.exit_code == 0, made.output
    folder = Path(made.output.strip())
    checked = runner.invoke(main, ["verify-backup", str(folder)])
    assert checked.exit_code == 0 and "backup verified" in checked.output
    refused = runner.invoke(main, ["restore", str(folder)])
    assert refused.exit_code == 2 and "exists: restore with --force" in refused.output
