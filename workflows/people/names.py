"""Cleaning a name that arrives outside the web forms (a workbook import, a sign-in name, the command line).

The web layer refuses these characters in any request (webui/text_guard.py); a name read from a
file is cleaned here instead, since the person importing cannot see them: NUL (PostgreSQL cannot
store it) and the bidirectional overrides and isolates, which make a name read as something else.
"""
import re

HIDDEN = re.compile("[\x00\u202a-\u202e\u2066-\u2069]")


def clean(value: str) -> str:
    """Return the text without NUL and bidirectional control characters."""
    return HIDDEN.sub("", value)
