"""Who may manage a decision: its decider, the person who recorded it, or a workspace admin."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.services.errors import NotAllowed
from storage.models import Decision

# Asked only when the person is neither decider nor recorder, so the usual case costs nothing.
AdminCheck = Callable[[], Awaitable[bool]]


def _owns(decision: Decision, actor_id: str) -> bool:
    return actor_id in (decision.decider_id, decision.recorder_id)


async def admin_matters(decision: Decision, actor_id: str, is_admin: AdminCheck) -> bool:
    """Whether the actor is an admin, asked only when that is what decides it.

    Asked before a write, because a write runs on the writer thread and can't wait on Slack.
    """
    return not _owns(decision, actor_id) and await is_admin()


def ensure_can_manage(
    decision: Decision, actor_id: str, *, actor_is_admin: bool, what: str
) -> None:
    """Raises NotAllowed, naming who can, unless the actor may manage this decision."""
    if _owns(decision, actor_id) or actor_is_admin:
        return
    recorder = (
        ""
        if decision.recorder_id == decision.decider_id
        else f", the person who recorded it (<@{decision.recorder_id}>)"
    )
    raise NotAllowed(
        f"Only the decider (<@{decision.decider_id}>){recorder} or a workspace admin can {what}."
    )


def ensure_is_decider(decision: Decision, actor_id: str, what: str) -> None:
    if actor_id != decision.decider_id:
        raise NotAllowed(f"Only the decider, <@{decision.decider_id}>, can {what}.")
