"""Real servers on 127.0.0.1 for notification tests: an SMTP server (aiosmtpd) and a robot webhook receiver."""
import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    """Return a port nobody listens on at the moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler keeping every accepted message; it can hold one MAIL command until released."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.hold_at: int | None = None  # hold the n-th MAIL FROM (1-based)
        self.held = threading.Event()
        self.release = threading.Event()
        self.mail_commands = 0
        self.received = threading.Condition()

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        self.mail_commands += 1
        if self.mail_commands == self.hold_at:
            self.held.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 30)
            return "451 4.3.0 try again later"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.received:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            self.received.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 60) -> bool:
        """Wait until ``count`` messages were accepted."""
        with self.received:
            return self.received.wait_for(lambda: len(self.messages) >= count, timeout)


class Robot(BaseHTTPRequestHandler):
    """Records each POST and answers with the next queued (status, body), else errcode 0."""

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        server: RobotServer = self.server  # type: ignore[assignment]
        parts = urlsplit(self.path)
        server.calls.append({"path": parts.path, "query": parse_qs(parts.query), "body": body})
        if server.hold_at == len(server.calls):  # received, not yet answered: the sender cannot know it arrived
            server.held.set()
            server.release.wait(60)
        status, answer = server.answers.pop(0) if server.answers else (200, {"errcode": 0, "errmsg": "ok"})
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        """Keep test output quiet."""


class RobotServer(ThreadingHTTPServer):
    """The webhook receiver: ``calls`` it saw, ``answers`` it will give."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Robot)
        self.calls: list[dict[str, Any]] = []
        self.answers: list[tuple[int, dict[str, Any]]] = []
        self.hold_at: int | None = None  # hold the n-th POST (1-based) after receiving it, until released
        self.held, self.release = threading.Event(), threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    """Run an SMTP server on loopback; yield its handler and port."""
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    box.release.set()
    controller.stop()


@pytest.fixture
def robot() -> Iterator[RobotServer]:
    """Run a webhook receiver on loopback."""
    server = RobotServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
