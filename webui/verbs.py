"""One view body for the URLs that differ only in their verb (approve/reject, suspend/resume/…, sign/return).

The API and the pages register such a view once per verb with ``route_verbs``: each verb keeps
its own URL and endpoint name (so url_for and the OpenAPI paths stay as they were), and the view
is told which verb it serves through a URL default.
"""
from collections.abc import Callable, Iterable
from typing import Any

from flask import Blueprint


def route_verbs(bp: Blueprint, rule: str, view: Callable[..., Any], verbs: Iterable[str], argument: str,
                urls: dict[str, str] | None = None) -> None:
    """Serve ``view`` on POST at ``rule`` (with ``{verb}``) for each verb, passing the verb as ``argument``.

    ``urls`` spells a verb differently in its URL than in its endpoint name (``return_`` → ``return``).
    """
    for verb in verbs:
        url = rule.format(verb=(urls or {}).get(verb, verb))
        bp.add_url_rule(url, verb, view, methods=["POST"], defaults={argument: verb})
