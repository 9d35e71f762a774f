"""Type 1 (one-way door) or Type 2 (two-way door): three questions and a suggestion with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from storage.models import DecisionType

TYPE_MEANING = {
    DecisionType.TYPE_1: "one-way door: costly or impossible to undo, so we slow down and hear everyone",
    DecisionType.TYPE_2: "two-way door: cheap to undo, so we decide fast and come back to it",
}
TYPE_LABEL = {DecisionType.TYPE_1: "Type 1", DecisionType.TYPE_2: "Type 2"}
DOOR = {DecisionType.TYPE_1: "one-way door", DecisionType.TYPE_2: "two-way door"}


class Undo(StrEnum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


class LocksIn(StrEnum):
    YES = "yes"
    NO = "no"


class Affected(StrEnum):
    TEAM = "team"
    OTHER_TEAMS = "other_teams"
    CUSTOMERS = "customers"


@dataclass(frozen=True)
class ClassificationAnswers:
    undo_cheaply: Undo | None = None
    locks_in: LocksIn | None = None
    affected: Affected | None = None

    @property
    def complete(self) -> bool:
        return None not in (self.undo_cheaply, self.locks_in, self.affected)


@dataclass(frozen=True)
class TypeSuggestion:
    decision_type: DecisionType
    reason: str


def suggest_type(answers: ClassificationAnswers) -> TypeSuggestion:
    """Suggests a type from complete answers; anything that locks us in is a one-way door."""
    if not answers.complete:
        raise ValueError("all three questions need an answer before a type can be suggested")
    if answers.locks_in is LocksIn.YES:
        return TypeSuggestion(
            DecisionType.TYPE_1, "it locks in customers, money, contracts or data"
        )
    if answers.undo_cheaply is Undo.NO:
        return TypeSuggestion(DecisionType.TYPE_1, "it can't be undone cheaply within weeks")
    if answers.undo_cheaply is Undo.UNSURE and answers.affected is Affected.CUSTOMERS:
        return TypeSuggestion(
            DecisionType.TYPE_1,
            "it may not be cheap to undo, and customers would feel it if it is wrong",
        )
    who = {
        Affected.TEAM: "only our team would feel it if it is wrong",
        Affected.OTHER_TEAMS: "other teams would feel it, but nothing is locked in",
        Affected.CUSTOMERS: "customers would notice, but nothing is locked in",
    }[answers.affected or Affected.TEAM]
    if answers.undo_cheaply is Undo.YES:
        return TypeSuggestion(
            DecisionType.TYPE_2, f"it can be undone cheaply within weeks and {who}"
        )
    return TypeSuggestion(DecisionType.TYPE_2, f"nothing is locked in and {who}")


def describe_suggestion(suggestion: TypeSuggestion) -> str:
    label = TYPE_LABEL[suggestion.decision_type]
    return f"{label} ({DOOR[suggestion.decision_type]}), because {suggestion.reason}."
