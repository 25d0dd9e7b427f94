"""The restricted evaluator for every expression in a diagram (gateway conditions, timers …).

SpiffWorkflow's own script engine hands expressions to Python's ``eval``/``exec`` with full
builtins, so uploading a diagram would mean uploading code. Here an expression is parsed with
``ast`` and interpreted node by node: only task-data names, literals, comparisons, boolean
logic, arithmetic on numbers and a few named functions exist. Nothing is ever passed to eval.
"""
import ast
import operator
import time
from collections.abc import Callable, Mapping
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.task import Task

from engine.runtime import limits

MAX_EXPRESSION_LENGTH = 500
MAX_STRING_RESULT = 10_000
MAX_NUMBER_BITS = 256  # an integer beyond 2**256 is no count or amount a topic holds

FUNCTIONS: dict[str, Callable[..., Any]] = {
    "len": len,
    "str": str,
    "int": int,
    "bool": bool,
    "abs": abs,
    "min": min,
    "max": max,
}

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.Not: operator.not_, ast.USub: operator.neg, ast.UAdd: operator.pos,
}
_LITERALS = (str, int, float, bool, type(None))


class ExpressionError(ValueError):
    """The expression uses something outside the permitted language, or failed to evaluate."""


def check(text: str) -> ast.Expression:
    """Parse ``text`` and refuse anything outside the permitted language."""
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_EXPRESSION_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"not a valid expression: {exc.msg}") from None
    for node in ast.walk(tree):
        _check_node(node)
    return tree


def _check_node(node: ast.AST) -> None:
    if isinstance(node, ast.Name) and node.id.startswith("_"):
        raise ExpressionError(f"the name {node.id!r} is not allowed")
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords:
            raise ExpressionError(f"only these functions may be called: {', '.join(FUNCTIONS)}")
        return
    if isinstance(node, ast.Constant) and not isinstance(node.value, _LITERALS):
        raise ExpressionError(f"the literal {node.value!r} is not allowed")
    # '%0999999999d' % 1 and 'x' * 10**9 build a gigabyte from a short text
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Mult)) and any(
            isinstance(side, (ast.Constant, ast.List, ast.Tuple)) and not _is_number(side)
            for side in (node.left, node.right)):
        raise ExpressionError("only numbers may be multiplied or taken modulo (no text formatting or repetition)")
    allowed = (
        ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.BinOp, ast.Compare,
        ast.Name, ast.Load, ast.Constant, ast.List, ast.Tuple, ast.Dict, ast.Subscript, ast.IfExp,
    )
    if isinstance(node, allowed) or type(node) in _BINARY or type(node) in _COMPARE or type(node) in _UNARY:
        return
    raise ExpressionError(f"{type(node).__name__} is not allowed in an expression")


def _is_number(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)


def evaluate(text: str, data: Mapping[str, Any]) -> Any:
    """Evaluate ``text`` against task data after checking it, within a step and time budget."""
    tree = check(text)
    try:
        return _Interpreter(data).visit(tree.body)
    except ExpressionError:
        raise
    except Exception as exc:  # a data-dependent failure (ZeroDivision, TypeError …)
        raise ExpressionError(f"{type(exc).__name__}: {exc}") from None


class _Interpreter:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.steps = 0
        self.deadline = time.monotonic() + limits.MAX_EVALUATION_SECONDS

    def visit(self, node: ast.AST) -> Any:
        self.steps += 1
        if self.steps > limits.MAX_EVALUATION_STEPS or time.monotonic() > self.deadline:
            raise ExpressionError("the expression took longer than its budget to evaluate")
        return _bounded(getattr(self, f"visit_{type(node).__name__}")(node), node)

    def visit_Constant(self, node: ast.Constant) -> Any:
        return node.value

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id in self.data:
            return self.data[node.id]
        if node.id in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.id]
        raise ExpressionError(f"{node.id!r} is not in the task data")

    def visit_BoolOp(self, node: ast.BoolOp) -> Any:
        is_and = isinstance(node.op, ast.And)
        value: Any = is_and
        for operand in node.values:
            value = self.visit(operand)
            if bool(value) is not is_and:
                return value
        return value

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Any:
        return _UNARY[type(node.op)](self.visit(node.operand))

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, (ast.Mult, ast.Mod)) and not all(_numeric(v) for v in (left, right)):
            raise ExpressionError("only numbers may be multiplied or taken modulo")
        if isinstance(node.op, ast.Add) and sum(_size(v) for v in (left, right)) > MAX_STRING_RESULT:
            raise ExpressionError("result too long")  # refused before the concatenation is built
        return _BINARY[type(node.op)](left, right)

    def visit_Compare(self, node: ast.Compare) -> bool:
        left = self.visit(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.visit(comparator)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True

    def visit_IfExp(self, node: ast.IfExp) -> Any:
        return self.visit(node.body) if self.visit(node.test) else self.visit(node.orelse)

    def visit_Call(self, node: ast.Call) -> Any:
        assert isinstance(node.func, ast.Name)
        return FUNCTIONS[node.func.id](*(self.visit(a) for a in node.args))

    def visit_Subscript(self, node: ast.Subscript) -> Any:
        return self.visit(node.value)[self.visit(node.slice)]

    def visit_List(self, node: ast.List) -> list[Any]:
        return [self.visit(e) for e in node.elts]

    def visit_Tuple(self, node: ast.Tuple) -> tuple[Any, ...]:
        return tuple(self.visit(e) for e in node.elts)

    def visit_Dict(self, node: ast.Dict) -> dict[Any, Any]:
        return {self.visit(k): self.visit(v) for k, v in zip(node.keys, node.values, strict=True) if k is not None}


def _numeric(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple, dict)) else 0


def _bounded(value: Any, node: ast.AST) -> Any:
    """Refuse a computed value too large to keep (names return the data as it is)."""
    if isinstance(node, ast.Name):
        return value
    if _size(value) > MAX_STRING_RESULT:
        raise ExpressionError("result too long")
    if isinstance(value, int) and value.bit_length() > MAX_NUMBER_BITS:
        raise ExpressionError("number too large")
    return value


_TIMER_KINDS = {TimeDateEventDefinition: "timeDate", DurationTimerEventDefinition: "timeDuration",
                CycleTimerEventDefinition: "timeCycle"}


def check_bounds(task: Task, expression: str, value: Any) -> None:
    """Refuse a timer value or multi-instance count computed at run time beyond the engine's limits."""
    spec = task.task_spec
    definition = getattr(spec, "event_definition", None)
    kind = _TIMER_KINDS.get(type(definition))
    try:
        if kind is not None and getattr(definition, "expression", None) == expression:
            limits.timer_value(kind, value)
        elif isinstance(spec, LoopTask) and getattr(spec, "cardinality", None) == expression:
            limits.instances(value)
    except limits.LimitExceeded as exc:
        raise ExpressionError(str(exc)) from None


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """The script-engine environment the workflow runs with: expressions only, never scripts."""

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        """Evaluate a diagram expression with the restricted interpreter."""
        return evaluate(expression, {**(external_context or {}), **context})

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        """Refuse: diagrams with scripts are rejected at deploy time, so reaching this is a bug."""
        raise ExpressionError("scripts are not run by shangliang")

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        """Refuse: service tasks are not supported."""
        raise ExpressionError("service tasks are not supported")


class RestrictedScriptEngine(PythonScriptEngine):
    """SpiffWorkflow script engine wired to the restricted environment."""

    def __init__(self) -> None:
        super().__init__(environment=RestrictedEnvironment())

    def validate(self, expression: str) -> None:
        """Check an expression the way the parser asks engines to."""
        check(expression)

    def evaluate(self, task: Task, expression: str, external_context: Any = None) -> Any:
        """Evaluate for a task, refusing a timer or count beyond the engine's limits."""
        value = super().evaluate(task, expression, external_context)
        try:
            check_bounds(task, expression, value)
        except ExpressionError as exc:
            message = f"Error evaluating expression '{expression}'"
            raise WorkflowTaskException(message, task=task, exception=exc) from exc
        return value


SCRIPT_ENGINE = RestrictedScriptEngine()
