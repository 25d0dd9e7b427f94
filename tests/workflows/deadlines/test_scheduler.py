"""The scheduler: one coalesced job with a fixed id, the embedded guard, and a restart mid-sweep."""
import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from engine.time import scheduler
from models import DeadlineAction, Delivery, DeliveryAttempt, DeliveryStatus, Event, NotifyRoute, Organization, Unit
from tests.deadline_helpers import topic_waiting_for_signature
from workflows.deadlines.recurring import SweepAndDeliver


def test_one_job_with_a_fixed_id_coalesced_one_at_a_time_without_a_grace_limit(sessions):
    built = scheduler.build(sessions, SweepAndDeliver.from_env(), interval_seconds=60)
    built.start(paused=True)
    try:
        built.add_job(print, "interval", seconds=60, id=scheduler.JOB_ID, replace_existing=True)
        [job] = built.get_jobs()  # registering under the same id again replaced it
        job = built.get_job(scheduler.JOB_ID)
        assert job.trigger.interval == timedelta(seconds=60)
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, None)
    finally:
        built.shutdown(wait=False)


def test_the_embedded_scheduler_stays_off_under_tests_and_reloaders():
    assert not scheduler.should_start_embedded({"TESTING": True}, {})
    assert not scheduler.should_start_embedded({}, {"PYTEST_CURRENT_TEST": "x"})
    assert not scheduler.should_start_embedded({}, {"SHANGLIANG_SCHEDULER": "off"})
    assert not scheduler.should_start_embedded({"DEBUG": True}, {})
    assert scheduler.should_start_embedded({"DEBUG": True}, {"WERKZEUG_RUN_MAIN": "true"})
    assert scheduler.should_start_embedded({}, {})
    assert scheduler.start_embedded(lambda: None, SweepAndDeliver.from_env(), {"TESTING": True}, {}) is None


def test_the_embedded_scheduler_starts_once_per_process(sessions):
    try:
        first = scheduler.start_embedded(sessions, SweepAndDeliver.from_env(), {}, {}, interval_seconds=3600)
        second = scheduler.start_embedded(sessions, SweepAndDeliver.from_env(), {}, {}, interval_seconds=3600)
        assert first is second and first.running and len(first.get_jobs()) == 1
    finally:
        scheduler.stop_embedded()
    assert scheduler._embedded is None


def logged(process: subprocess.Popen, text: str, timeout: float = 60) -> bool:
    """Wait until the process writes a line containing ``text`` to stderr (then keep draining it)."""
    seen = threading.Event()

    def read() -> None:
        for line in process.stderr:
            if text in line.decode(errors="replace"):
                seen.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    process.readers = [reader]  # type: ignore[attr-defined]
    return seen.wait(timeout)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Stop a process this test started, by its pid, and close its pipe."""
    process.send_signal(sig)
    process.wait()
    for reader in getattr(process, "readers", []):
        reader.join(10)
    process.stderr.close()


def start_scheduler(db_url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "SHANGLIANG_DATABASE_URL": db_url, "SHANGLIANG_SMTP_HOST": "127.0.0.1",
           "SHANGLIANG_SMTP_PORT": str(port), "SHANGLIANG_REMIND_AFTER_WD": "2", "SHANGLIANG_ESCALATE_AFTER_WD": "5"}
    env.pop("PYTEST_CURRENT_TEST", None)
    command = [sys.executable, "-c", "from webui.cli.commands import main; main()", "scheduler", "--interval", "3600"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_killing_the_scheduler_mid_sweep_and_restarting_it_sends_nothing_twice(sessions, db_url, mailbox):
    box, port = mailbox
    started = datetime.now(UTC) - timedelta(days=60)  # the real clock runs in the scheduler process
    with sessions() as session:
        session.add_all([
            NotifyRoute(unit=session.scalar(select(Unit).where(Unit.code == "tianning-housing")), purpose="reminder",
                        channel="email", address="leader@housing.example"),
            NotifyRoute(organization=session.scalar(select(Organization).where(Organization.code == "tianning")),
                        purpose="escalation", channel="email", address="duban@tianning.example")])
        session.commit()
        for n in range(3):
            topic_waiting_for_signature(session, title=f"议题{n}", start=started)
    box.hold_at = 3  # the third e-mail waits at MAIL FROM, before any of it is sent
    first = start_scheduler(db_url, port)
    try:
        assert box.held.wait(60), first.stderr.read().decode() if first.poll() is not None else "no third e-mail"
    finally:
        stop(first, signal.SIGKILL)
    box.release.set()
    assert len(box.messages) == 2
    second = start_scheduler(db_url, port)
    try:
        assert box.wait_for(6), "the restarted scheduler did not finish the deliveries"
        assert logged(second, '"delivery_sent": 4'), "the restarted scheduler did not finish its run"
    finally:
        stop(second)
    ids = [m["Message-ID"] for m in box.messages]
    assert len(ids) == 6 and len(set(ids)) == 6
    subjects = sorted(m["Subject"][:4] for m in box.messages)
    assert subjects == ["【催办】"] * 3 + ["【督办】"] * 3
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(DeadlineAction)) == 6
        assert session.scalar(select(func.count()).where(Event.kind == "task_reminded")) == 3
        assert session.scalar(select(func.count()).where(Event.kind == "task_escalated")) == 3
        deliveries = session.scalars(select(Delivery)).all()
        assert {d.status for d in deliveries} == {DeliveryStatus.SENT}
        # The first scheduler had leased all six before it died: the four it never finished count two leases.
        assert sorted(d.attempts for d in deliveries) == [1, 1, 2, 2, 2, 2]
        assert session.scalars(select(DeliveryAttempt.ok)).all() == [True] * 6


def test_a_robot_message_caught_mid_send_by_a_kill_is_not_sent_twice(sessions, db_url, mailbox, robot):
    _, port = mailbox
    started = datetime.now(UTC) - timedelta(days=60)
    with sessions() as session:
        session.add_all([
            NotifyRoute(unit=session.scalar(select(Unit).where(Unit.code == "tianning-housing")), purpose="reminder",
                        channel="wecom", address=f"{robot.url}/send"),
            NotifyRoute(organization=session.scalar(select(Organization).where(Organization.code == "tianning")),
                        purpose="escalation", channel="dingtalk", address=f"{robot.url}/robot/send")])
        session.commit()
        for n in range(3):
            topic_waiting_for_signature(session, title=f"议题{n}", start=started)
    robot.hold_at = 3  # the third message has arrived at the robot when the scheduler dies
    first = start_scheduler(db_url, port)
    try:
        assert robot.held.wait(60), "no third robot message"
    finally:
        stop(first, signal.SIGKILL)
    robot.release.set()
    second = start_scheduler(db_url, port)
    try:
        assert logged(second, '"delivery_sent": 3'), "the restarted scheduler did not finish its run"
    finally:
        stop(second)
    texts = [call["body"]["markdown"]["content" if "content" in call["body"]["markdown"] else "text"]
             for call in robot.calls]
    assert len(texts) == 6 and len(set(texts)) == 6, "every message arrived once"
    with sessions() as session:
        deliveries = session.scalars(select(Delivery).order_by(Delivery.id)).all()
        assert sorted(d.status for d in deliveries) == [DeliveryStatus.FAILED] + [DeliveryStatus.SENT] * 5
        [interrupted] = [d for d in deliveries if d.status is DeliveryStatus.FAILED]
        assert "interrupted while sending" in interrupted.last_error and interrupted.sending_since is None
