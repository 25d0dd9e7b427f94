"""Fixtures of the domain tests: the loopback SMTP server and webhook receiver (tests/receivers.py)."""
from tests.receivers import mailbox, robot

__all__ = ["mailbox", "robot"]
