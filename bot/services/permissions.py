"""Who may manage a decision: its decider, the person who recorded it, or a workspace admin."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.services.errors import NotAllowed
from storage.models import Decision

# Asked only when the person is neither decider nor recorder, so the usual case costs nothing.
AdminCheck = Callable[[], Awaitable[bool]]


async def ensure_can_manage(
    decision: Decision, actor_id: str, is_admin: AdminCheck, what: str
) -> None:
    """Raises NotAllowed, naming who can, unless the actor may manage this decision."""
    if actor_id in (decision.decider_id, decision.recorder_id) or await is_admin():
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
