"""Who is acting, and who may manage a decision: its decider, its recorder, or a workspace admin."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.services.errors import NotAllowed
from storage.models import Decision

# Asked only when the person is neither decider nor recorder, so the usual case costs nothing.
AdminCheck = Callable[[], Awaitable[bool]]


async def _not_asked() -> bool:
    return False


@dataclass(frozen=True)
class Actor:
    """The person doing something, in their workspace. `is_admin` asks Slack whether they are a
    workspace admin; it is called only when the rules need to know."""

    team_id: str
    user_id: str
    is_admin: AdminCheck = field(default=_not_asked, compare=False, repr=False)

    def owns(self, decision: Decision) -> bool:
        return self.user_id in (decision.decider_id, decision.recorder_id)

    async def admin_matters(self, decision: Decision) -> bool:
        """Whether the actor is an admin, asked only when that is what decides it.

        Asked before a write, because a write runs on a database thread and can't wait on Slack.
        """
        return not self.owns(decision) and await self.is_admin()


def ensure_can_manage(decision: Decision, actor: Actor, *, actor_is_admin: bool, what: str) -> None:
    """Raises NotAllowed, naming who can, unless the actor may manage this decision."""
    if actor.owns(decision) or actor_is_admin:
        return
    recorder = (
        ""
        if decision.recorder_id == decision.decider_id
        else f", the person who recorded it (<@{decision.recorder_id}>)"
    )
    raise NotAllowed(
        f"Only the decider (<@{decision.decider_id}>){recorder} or a workspace admin can {what}."
    )


def ensure_is_decider(decision: Decision, actor: Actor, what: str) -> None:
    if actor.user_id != decision.decider_id:
        raise NotAllowed(f"Only the decider, <@{decision.decider_id}>, can {what}.")
