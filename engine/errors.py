"""Errors the engine raises; each carries the HTTP status an interface should answer with."""
from dataclasses import dataclass, field


class ShangliangError(Exception):
    """Base of every error a user can cause; ``status`` is what the API answers with."""

    status = 400

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(ShangliangError):
    """The thing asked for does not exist, or the user may not know that it does."""

    status = 404


class Forbidden(ShangliangError):
    """The user is known but lacks the role or scope for this action."""

    status = 403


class Conflict(ShangliangError):
    """The action lost a race, or the task is no longer in a state that allows it."""

    status = 409


class TooLarge(ShangliangError):
    """The upload is larger than the limit; refused before it is read as XML."""

    status = 413


class InvalidInput(ShangliangError):
    """Submitted data failed validation; ``fields`` maps each bad field to its message."""

    status = 422

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message, fields=fields or {})
        self.fields = fields or {}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a diagram, pointing at the element it concerns."""

    message: str
    element_id: str = ""
    element_name: str = ""

    def __str__(self) -> str:
        where = f"{self.element_id} ({self.element_name})" if self.element_name else self.element_id
        return f"{where}: {self.message}" if where else self.message


@dataclass
class DiagramRejected(ShangliangError):
    """A diagram failed validation; nothing of it was stored or run."""

    problems: list[Problem] = field(default_factory=list)
    status = 422

    def __post_init__(self) -> None:
        summary = "; ".join(str(p) for p in self.problems[:5])
        super().__init__(f"the diagram was refused: {summary}", problems=[vars(p) for p in self.problems])
