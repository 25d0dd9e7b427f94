"""Importing the engine, the domain and the models changes nothing: no listener, no patched timer clock.

Checked in a fresh interpreter, so nothing another test installed can hide an import side effect.
"""
import subprocess
import sys
from pathlib import Path

from SpiffWorkflow.bpmn.specs.event_definitions import timer
from sqlalchemy import event
from sqlalchemy.orm import Session

from engine import WorkflowEngine
from engine.runtime import engine_time
from workflows.supervision import tally
from workflows.wiring import session_factory, workflow_engine

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import datetime, importlib, pkgutil, sys
for package in ("models", "engine", "workflows"):
    root = importlib.import_module(package)
    for found in pkgutil.walk_packages(root.__path__, package + "."):
        if ".migrations" not in found.name:
            importlib.import_module(found.name)
from sqlalchemy.orm import Session
from SpiffWorkflow.bpmn.specs.event_definitions import timer
listeners = {name: len(getattr(Session().dispatch, name))
             for name in ("before_flush", "after_flush", "before_commit", "after_commit", "after_rollback")}
print(timer.datetime is datetime.datetime, sum(listeners.values()), "flask" in sys.modules, "webui" in sys.modules)
"""


def probe() -> str:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_importing_engine_workflows_and_models_installs_nothing():
    patched_timer_untouched, session_listeners, flask_imported, webui_imported = probe()
    assert patched_timer_untouched == "True", "importing patched SpiffWorkflow's timer clock"
    assert session_listeners == "0", "importing installed a Session listener"
    assert (flask_imported, webui_imported) == ("False", "False"), "the engine or the domain imports the web"


def test_the_session_factory_installs_the_tally_once_and_the_engine_its_clock(db_engine):
    sessions = session_factory(db_engine)
    installed = len(Session().dispatch.before_flush)
    session_factory(db_engine)
    assert len(Session().dispatch.before_flush) == installed
    assert event.contains(Session, "before_flush", tally._collect)
    with sessions() as session:
        assert WorkflowEngine.of(session) is workflow_engine()
    WorkflowEngine(workflow_engine().rules)
    assert timer.datetime is engine_time._InjectedDatetime
