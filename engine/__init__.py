"""The SpiffWorkflow wrapper: WorkflowEngine and Instance, the Rules the domain gives them, the errors.

Importing it changes nothing: the composition root builds the WorkflowEngine (which installs
the engine's clock into SpiffWorkflow's timers) and hands it to the session factory.
"""
from engine.errors import (
    Conflict,
    DiagramRejected,
    Forbidden,
    InvalidInput,
    NotFound,
    Problem,
    ShangliangError,
    TooLarge,
)
from engine.rules import Rules
from engine.runtime.instance import Instance, Saved, WorkflowEngine

__all__ = [
    "Conflict",
    "DiagramRejected",
    "Forbidden",
    "Instance",
    "InvalidInput",
    "NotFound",
    "Problem",
    "Rules",
    "Saved",
    "ShangliangError",
    "TooLarge",
    "WorkflowEngine",
]
