"""Finding the decision an action is about, with the message to show when it can't be used."""

from __future__ import annotations

from typing import Protocol, TypeVar

from sqlmodel import Session

from bot.services.errors import DecisionClosed, NotFound
from storage import repository
from storage.models import Decision, DecisionStatus


class _Titled(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def status(self) -> DecisionStatus: ...


Found = TypeVar("Found", bound=_Titled)


def ensure_usable(found: Found | None, *, open_only: bool = True) -> Found:
    """What was found, unless it is missing (or closed, when only open ones will do)."""
    if found is None:
        raise NotFound("That decision no longer exists.")
    if open_only and found.status is DecisionStatus.CLOSED:
        raise DecisionClosed(f"\u201c{found.title}\u201d is closed, so it can't change any more.")
    return found


def require_decision(
    session: Session,
    *,
    team_id: str,
    decision_id: int,
    open_only: bool = True,
    lock: bool = False,
) -> Decision:
    """The decision, for a write about it when `lock` (see repository.get_decision)."""
    decision = repository.get_decision(session, team_id=team_id, decision_id=decision_id, lock=lock)
    return ensure_usable(decision, open_only=open_only)
