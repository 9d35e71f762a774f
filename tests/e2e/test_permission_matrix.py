"""Every action on a decision, by each kind of person, allowed or refused exactly as the README
says: anyone in the workspace commits; anyone but the decider dissents; only the decider answers
dissent; the decider, the recorder or a workspace admin edits, changes the type, closes,
withdraws, supersedes and answers the revisit; nobody in another workspace does anything."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from bot.ids import Action, Block
from bot.scheduler.sweep import Sweeper
from bot.services.decisions import load_record
from bot.slack.installations import OneWorkspace
from storage.models import DecisionStatus
from tests.conftest import ADMIN, ALICE, BOB, CAROL, CHANNEL, DAN, NOW, TEAM
from tests.e2e.flows import record_decision
from tests.harness import BotUnderTest

OUTSIDER, OTHER_TEAM = "U0OUTSIDER", "T0OTHER"
ROLES = {
    "decider": ALICE,
    "recorder": DAN,
    "stakeholder": BOB,
    "member": CAROL,
    "admin": ADMIN,
    "other workspace": OUTSIDER,
}
MANAGERS = {"decider", "recorder", "admin"}
IN_WORKSPACE = set(ROLES) - {"other workspace"}
ALLOWED = {
    "commit": IN_WORKSPACE,
    "dissent": IN_WORKSPACE - {"decider"},
    "answer dissent": {"decider"},
    "edit": MANAGERS,
    "change type": MANAGERS,
    "close": MANAGERS,
    "withdraw": MANAGERS,
    "supersede": MANAGERS,
    "revisit disposition": MANAGERS,
}
Story = Callable[[BotUnderTest, BotUnderTest, str], Awaitable[bool]]


async def a_decision(bot: BotUnderTest) -> dict[str, object]:
    """Alice's Type 2 decision, recorded by Dan, asking Bob."""
    return await record_decision(bot, stakeholders=[BOB], kind="type2", decider=ALICE, recorder=DAN)


def opened_a_form(bot: BotUnderTest, user: str, before: int) -> bool:
    return len(bot.stand_in.open_views(user)) > before


async def commit(bot: BotUnderTest, actor: BotUnderTest, user: str) -> bool:
    card = await a_decision(bot)
    await actor.click(card, Action.COMMIT_AGREE, user=user, channel=CHANNEL)
    record = await load_record(bot.deps.db, team_id=TEAM, decision_id=1)
    return user in record.commitments


def opens(action: str) -> Story:
    async def story(bot: BotUnderTest, actor: BotUnderTest, user: str) -> bool:
        card = await a_decision(bot)
        before = len(bot.stand_in.open_views(user))
        await actor.click(card, action, user=user, channel=CHANNEL)
        return opened_a_form(bot, user, before)

    return story


async def answer_dissent(bot: BotUnderTest, actor: BotUnderTest, user: str) -> bool:
    card = await a_decision(bot)
    dissenter = CAROL if user == BOB else BOB  # someone else's dissent, to answer
    await bot.click(card, Action.OPEN_DISSENT, user=dissenter, channel=CHANNEL)
    await bot.submit(
        bot.latest_view(dissenter), {Block.DISSENT_REASON: "Too soon."}, user=dissenter
    )
    dissent = bot.stand_in.thread(CHANNEL, str(card["ts"]))[-1]
    before = len(bot.stand_in.open_views(user))
    await actor.click(dissent, Action.OPEN_ANSWER, user=user, channel=CHANNEL)
    return opened_a_form(bot, user, before)


async def close(bot: BotUnderTest, actor: BotUnderTest, user: str) -> bool:
    card = await a_decision(bot)
    await actor.click(card, Action.CLOSE_DECISION, user=user, channel=CHANNEL)
    record = await load_record(bot.deps.db, team_id=TEAM, decision_id=1)
    return record.decision.status is DecisionStatus.CLOSED


async def revisit_disposition(bot: BotUnderTest, actor: BotUnderTest, user: str) -> bool:
    await a_decision(bot)
    bot.deps.clock = lambda: NOW + timedelta(days=30)  # its revisit day, in working hours
    await Sweeper(bot.deps, OneWorkspace(bot.app.client), owner="process-a").sweep()
    [revisit] = bot.stand_in.channel_messages(ALICE)
    before = len(bot.stand_in.open_views(user))
    await actor.click(revisit, Action.REVISIT_KEEP, user=user, channel=ALICE)
    return opened_a_form(bot, user, before)


STORIES: dict[str, Story] = {
    "commit": commit,
    "dissent": opens(Action.OPEN_DISSENT),
    "answer dissent": answer_dissent,
    "edit": opens(Action.OPEN_EDIT),
    "change type": opens(Action.OPEN_CHANGE_TYPE),
    "close": close,
    "withdraw": opens(Action.OPEN_WITHDRAW),
    "supersede": opens(Action.OPEN_SUPERSEDE),
    "revisit disposition": revisit_disposition,
}


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("action", list(STORIES))
async def test_each_action_is_allowed_or_refused_as_documented(
    bot: BotUnderTest, action: str, role: str
) -> None:
    user = ROLES[role]
    bot.stand_in.add_user(OUTSIDER)
    # Someone of another workspace sends the same clicks, as their own workspace's.
    actor = dataclasses.replace(bot, team_id=OTHER_TEAM) if role == "other workspace" else bot
    answered = len(bot.stand_in.responses) + len(bot.stand_in.ephemerals)
    allowed = await STORIES[action](bot, actor, user)
    assert allowed is (role in ALLOWED[action]), (
        f"{role} {'could' if allowed else 'could not'} {action}"
    )
    if not allowed:  # told why, privately
        assert len(bot.stand_in.responses) + len(bot.stand_in.ephemerals) > answered
