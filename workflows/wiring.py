"""Wiring the domain into the engine and the database: the sessions every entry point uses.

Called by create_app (webui/__init__.py), the commands' database_sessions (webui/database.py),
the test fixtures and the benchmark. It builds the one WorkflowEngine with the topic Rules,
puts it in every session's ``info`` (services reach it with ``WorkflowEngine.of(session)``),
and installs the open-task tally, the timeline's deadline stamp and the proposals' status announcements
on every Session; nothing of this happens on import.
"""
from functools import cache

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine import WorkflowEngine
from models.database import make_session_factory
from workflows.participation import tracking
from workflows.rules.topic_rules import TopicRules
from workflows.supervision import tally
from workflows.topics import timeline


@cache
def workflow_engine() -> WorkflowEngine:
    """Return the process's one WorkflowEngine, built on first use."""
    return WorkflowEngine(rules=TopicRules())


def session_factory(db_engine: Engine) -> sessionmaker[Session]:
    """Return a session factory on ``db_engine`` whose sessions carry the WorkflowEngine and keep the tally."""
    tally.install()
    timeline.install()
    tracking.install()
    return make_session_factory(db_engine, info=workflow_engine().session_info())
