"""Domain errors: each carries a short message a person can act on."""

from __future__ import annotations


class DecisionError(Exception):
    """Something the person can fix or should know; `message` is shown to them privately."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DecisionError):
    pass


class NotAllowed(DecisionError):
    pass


class DecisionClosed(DecisionError):
    pass


class InvalidInput(DecisionError):
    """Input that fails a rule; `field_errors` maps each form field to what is wrong with it."""

    def __init__(self, field_errors: dict[str, str]) -> None:
        super().__init__(" ".join(field_errors.values()))
        self.field_errors = field_errors


def check_length(
    errors: dict[str, str], field: str, text: str, limit: int, empty: str = ""
) -> None:
    """Notes in `errors` a text that is empty (when `empty` says what to write) or too long."""
    if not text and empty:
        errors[field] = empty
    elif len(text) > limit:
        errors[field] = f"Keep this to {limit} characters (it has {len(text)})."
