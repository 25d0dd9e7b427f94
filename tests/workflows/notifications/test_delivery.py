"""Delivering notifications to a real SMTP server and a real webhook receiver on loopback, with retries."""
import base64
import hashlib
import hmac
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import Channel, Delivery, DeliveryAttempt, DeliveryStatus, NotifyRoute
from tests.conftest import NOW
from workflows.deadlines.sweep import CHASE_BODY
from workflows.demo.world import user_named
from workflows.notifications.delivery import DeliverySettings, SmtpSettings, deliver_due, owner_id, robot_payload
from workflows.notifications.notify import Message, notify

MESSAGE = Message("reminder", "【催办】签收已逾期 2 个工作日：老旧小区加装电梯",
                  "议题：老旧小区加装电梯\n已逾期：2 个工作日")


def queue(session, channel, address, secret="", key="action:1") -> Delivery:
    route = NotifyRoute(purpose="reminder", channel=channel, address=address, secret=secret)
    session.add(route)
    session.flush()
    notify(session, MESSAGE, [user_named(session, "housing_tianning")], [route], key, NOW)
    session.commit()
    return session.scalar(select(Delivery).where(Delivery.route_id == route.id))


def settings(port=0, **kwargs) -> DeliverySettings:
    smtp = SmtpSettings(host="127.0.0.1" if port else "", port=port, sender="noreply@cppcc.example")
    return DeliverySettings(smtp=smtp,
                            **kwargs)


def log(session, delivery) -> list[tuple[bool, str]]:
    return [(a.ok, a.detail) for a in session.scalars(
        select(DeliveryAttempt).where(DeliveryAttempt.delivery_id == delivery.id).order_by(DeliveryAttempt.id))]


def test_an_email_reaches_the_smtp_server_once(session, mailbox):
    box, port = mailbox
    delivery = queue(session, Channel.EMAIL, "leader@housing.example")
    assert vars(deliver_due(session, NOW, settings(port))) == {"sent": 1, "retrying": 0, "failed": 0}
    assert vars(deliver_due(session, NOW + timedelta(hours=1), settings(port)))["sent"] == 0
    [mail] = box.messages
    assert mail["Subject"] == MESSAGE.title and mail["To"] == "leader@housing.example"
    assert "已逾期：2 个工作日" in mail.get_content()
    assert mail["Message-ID"].endswith("@cppcc.example>")
    session.refresh(delivery)
    assert delivery.status is DeliveryStatus.SENT and delivery.attempts == 1
    assert log(session, delivery)[0][0] is True


def test_a_signed_dingtalk_robot_gets_markdown(session, robot):
    queue(session, Channel.DINGTALK, f"{robot.url}/robot/send?access_token=abc", secret="SEC123")
    deliver_due(session, NOW, settings())
    [call] = robot.calls
    assert call["body"] == robot_payload(Channel.DINGTALK, MESSAGE.title, MESSAGE.body)
    assert call["body"]["msgtype"] == "markdown" and call["body"]["markdown"]["title"].startswith("【催办】")
    timestamp, sign = call["query"]["timestamp"][0], call["query"]["sign"][0]
    assert timestamp == str(int(NOW.timestamp() * 1000))
    expected = hmac.new(b"SEC123", f"{timestamp}\nSEC123".encode(), hashlib.sha256).digest()
    assert base64.b64decode(sign) == expected and call["query"]["access_token"] == ["abc"]


def test_a_wecom_robot_that_fails_is_retried_with_backoff(session, robot):
    delivery = queue(session, Channel.WECOM, f"{robot.url}/cgi-bin/webhook/send?key=k")
    robot.answers = [(500, {"error": "busy"}), (200, {"errcode": 45009, "errmsg": "api freq out of limit"})]
    assert deliver_due(session, NOW, settings()).retrying == 1
    assert deliver_due(session, NOW + timedelta(seconds=30), settings()).retrying == 0  # not yet due again
    assert deliver_due(session, NOW + timedelta(seconds=61), settings()).retrying == 1
    assert deliver_due(session, NOW + timedelta(minutes=7), settings()).sent == 1
    assert robot.calls[-1]["body"]["markdown"]["content"].startswith("#### 【催办】")
    attempts = log(session, delivery)
    assert [ok for ok, _ in attempts] == [False, False, True]
    assert "HTTP 500" in attempts[0][1] and "45009" in attempts[1][1]


def test_it_gives_up_after_the_last_attempt(session, robot):
    delivery = queue(session, Channel.WECOM, f"{robot.url}/send")
    robot.answers = [(200, {"errcode": 93000, "errmsg": "invalid webhook url"})] * 2
    deliver_due(session, NOW, settings(max_attempts=2))
    assert deliver_due(session, NOW + timedelta(minutes=2), settings(max_attempts=2)).failed == 1
    session.refresh(delivery)
    assert delivery.status is DeliveryStatus.FAILED and "93000" in delivery.last_error


def test_unconfigured_email_and_unreachable_robots_are_logged(session):
    mail = queue(session, Channel.EMAIL, "a@b.example", key="action:1")
    hook = queue(session, Channel.WECOM, "http://127.0.0.1:9/nothing-listens", key="action:2")
    assert deliver_due(session, NOW, settings()).retrying == 2
    assert "SHANGLIANG_SMTP_HOST is empty" in log(session, mail)[0][1]
    assert "ConnectionRefusedError" in log(session, hook)[0][1] or "URLError" in log(session, hook)[0][1]


def test_a_redirecting_robot_is_not_followed(session, robot):
    from http.server import BaseHTTPRequestHandler

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/")
            self.end_headers()

        def log_message(self, *args):
            pass

    robot.RequestHandlerClass = Redirect
    delivery = queue(session, Channel.WECOM, f"{robot.url}/send")
    deliver_due(session, NOW, settings())
    assert "HTTP 302" in log(session, delivery)[0][1]


def test_a_lease_held_by_a_dead_deliverer_on_this_host_is_taken_over(session, mailbox):
    box, port = mailbox
    delivery = queue(session, Channel.EMAIL, "leader@housing.example")
    gone = subprocess.Popen(["true"])
    gone.wait()
    host = owner_id().rpartition(":")[0]
    delivery.status, delivery.attempts = DeliveryStatus.SENDING, 1
    delivery.lease_owner, delivery.lease_until = f"{host}:{gone.pid}", NOW + timedelta(minutes=5)
    session.commit()
    assert deliver_due(session, NOW, settings(port)).sent == 1
    assert len(box.messages) == 1 and delivery.attempts == 2


def test_a_lease_held_by_a_live_deliverer_is_left_alone_until_it_expires(session, mailbox):
    box, port = mailbox
    delivery = queue(session, Channel.EMAIL, "leader@housing.example")
    delivery.status, delivery.lease_owner = DeliveryStatus.SENDING, "another-host:1"
    delivery.lease_until = NOW + timedelta(minutes=5)
    session.commit()
    assert deliver_due(session, NOW, settings(port)).sent == 0
    assert deliver_due(session, NOW + timedelta(minutes=6), settings(port)).sent == 1


@pytest.mark.parametrize("env, field, value", [
    ({"SHANGLIANG_SMTP_HOST": "mail.example", "SHANGLIANG_SMTP_PORT": "587", "SHANGLIANG_SMTP_STARTTLS": "yes"},
     "smtp", SmtpSettings(host="mail.example", port=587, starttls=True)),
    ({"SHANGLIANG_DELIVERY_MAX_ATTEMPTS": "3"}, "max_attempts", 3),
])
def test_settings_come_from_the_environment(env, field, value):
    assert getattr(DeliverySettings.from_env(env), field) == value


def test_an_english_route_receives_its_email_in_english(session, mailbox):
    box, port = mailbox
    routes = [NotifyRoute(purpose="reminder", channel=Channel.EMAIL, address=f"{lang}@housing.example", locale=lang)
              for lang in ("en", "zh")]
    session.add_all(routes)
    session.flush()
    message = Message("reminder", "【催办】%(task)s已逾期 %(overdue)s 个工作日：%(topic)s", CHASE_BODY, None, None,
                      {"task": "签收", "overdue": 2, "topic": "老旧小区加装电梯", "topic_id": 7, "unit": "天宁区住建局",
                       "due": "2026-03-04"}, body_worded=True)
    notify(session, message, [], routes, "language", NOW)
    session.commit()
    assert vars(deliver_due(session, NOW, settings(port)))["sent"] == 2
    mails = {mail["To"]: mail for mail in box.messages}
    english, chinese = mails["en@housing.example"], mails["zh@housing.example"]
    assert english["Subject"] == "[Reminder] Sign for receipt is 2 working days overdue: 老旧小区加装电梯"
    assert "Overdue: 2 working days" in english.get_content() and "已逾期" not in english.get_content()
    assert chinese["Subject"] == "【催办】签收已逾期 2 个工作日：老旧小区加装电梯"
    assert "已逾期：2 个工作日" in chinese.get_content()
