"""Commit clicks: stored before the ack, once per person, changes kept in the history."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from bot.ids import Action
from bot.scheduler.sweep import Sweeper
from bot.slack.card_refresh import COMMITMENT_LINES_KEPT
from bot.slack.installations import OneWorkspace
from bot.slack.pacing import CHAT_UPDATE
from bot.ui.card import PEOPLE_SHOWN_MAX
from storage import repository
from tests.conftest import ALICE, BOB, CAROL, CHANNEL, DAN, NOW, TEAM
from tests.e2e.flows import record_decision
from tests.harness import BotUnderTest, blocks_text


async def history(bot: BotUnderTest, kind: str) -> list[dict[str, object]]:
    events = await bot.deps.db.read(
        lambda session: repository.list_events(session, team_id=TEAM, decision_id=1)
    )
    return [json.loads(e.detail) | {"actor": e.actor_id} for e in events if e.kind == kind]


async def test_agree_and_commit_updates_the_card_and_notes_it_in_the_thread(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB, CAROL])
    response = await bot.click(card, Action.COMMIT_AGREE, user=BOB, channel=CHANNEL)
    assert response.status == 200

    text = bot.card_text(CHANNEL)
    assert f"<@{BOB}> agreed and committed" in text
    assert f"<@{CAROL}> waiting" in text
    assert "1 of 2 asked have committed" in text
    thread = bot.stand_in.thread(CHANNEL, card["ts"])
    assert [m["text"] for m in thread] == [f"<@{BOB}> agreed and committed."]


async def test_a_second_click_changes_nothing_twice(bot: BotUnderTest) -> None:
    card = await record_decision(bot, stakeholders=[BOB])
    await bot.click(card, Action.COMMIT_DISAGREE, user=BOB, channel=CHANNEL)
    updates_after_first = len(bot.stand_in.calls_to("chat.update"))
    await bot.click(card, Action.COMMIT_DISAGREE, user=BOB, channel=CHANNEL)

    assert len(bot.stand_in.thread(CHANNEL, card["ts"])) == 1
    assert len(bot.stand_in.calls_to("chat.update")) == updates_after_first
    assert len(await history(bot, "committed")) == 1
    assert (
        bot.stand_in.responses[-1]["text"]
        == "You've already disagreed and committed. Nothing changed."
    )
    assert bot.stand_in.responses[-1]["response_type"] == "ephemeral"


async def test_a_change_of_stance_replaces_the_old_one_and_is_kept_in_the_history(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB])
    await bot.click(card, Action.COMMIT_AGREE, user=BOB, channel=CHANNEL)
    await bot.click(card, Action.COMMIT_DISAGREE, user=BOB, channel=CHANNEL)

    text = bot.card_text(CHANNEL)
    assert f"<@{BOB}> disagreed and committed" in text
    assert f"<@{BOB}> agreed and committed" not in text
    assert bot.stand_in.thread(CHANNEL, card["ts"])[-1]["text"] == (
        f"<@{BOB}> changed their commitment: now disagreed and committed (was agree)."
    )
    assert [(e["previous"], e["stance"]) for e in await history(bot, "committed")] == [
        (None, "agree"),
        ("agree", "disagree"),
    ]


async def test_anyone_in_the_channel_can_commit_not_only_those_asked(bot: BotUnderTest) -> None:
    card = await record_decision(bot, stakeholders=[BOB])
    await bot.click(card, Action.COMMIT_AGREE, user=CAROL, channel=CHANNEL)
    text = bot.card_text(CHANNEL)
    assert f"<@{CAROL}> agreed and committed" in text
    assert "0 of 1 asked have committed · 1 more committed" in text


async def test_the_commitment_is_stored_even_when_slack_fails_to_update_the_card(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB])
    bot.stand_in.fail_next(
        "chat.update", status=500, error="internal_error", retry_after=None, times=3
    )
    response = await bot.click(card, Action.COMMIT_AGREE, user=BOB, channel=CHANNEL)
    assert response.status == 200
    assert (await history(bot, "committed"))[0]["stance"] == "agree"
    assert bot.stand_in.responses == []  # stored, so not told it failed: the card catches up
    thread = bot.stand_in.thread(CHANNEL, card["ts"])
    assert [m["text"] for m in thread] == [f"<@{BOB}> agreed and committed."]


async def test_a_rate_limited_card_update_is_retried_after_retry_after(bot: BotUnderTest) -> None:
    card = await record_decision(bot, stakeholders=[BOB])
    bot.stand_in.fail_next("chat.update", status=429, error="ratelimited", retry_after=1)
    await bot.click(card, Action.COMMIT_AGREE, user=BOB, channel=CHANNEL)
    assert f"<@{BOB}> agreed and committed" in bot.card_text(CHANNEL)
    assert len(bot.stand_in.thread(CHANNEL, card["ts"])) == 1  # nothing doubled


async def test_a_closed_decision_refuses_commitments_privately(bot: BotUnderTest) -> None:
    card = await record_decision(bot, stakeholders=[BOB])
    await bot.click(card, Action.CLOSE_DECISION, user=ALICE, channel=CHANNEL)
    closed_card = bot.card(CHANNEL)
    assert "Closed on Mon 23 Nov 2026" in blocks_text(closed_card["blocks"])
    assert Action.COMMIT_AGREE not in str(closed_card["blocks"])

    # A stale copy of the card still has buttons; clicking one is refused, privately.
    response = await bot.click(card, Action.COMMIT_AGREE, user=BOB, channel=CHANNEL)
    assert response.status == 200
    assert "is closed, so it can't change any more" in bot.stand_in.responses[-1]["text"]
    assert await history(bot, "committed") == []


async def test_a_burst_of_clicks_is_one_card_redraw_and_one_thread_message(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB, CAROL, DAN])
    updates_before = len(bot.stand_in.calls_to("chat.update"))
    # A busy workspace has spent Slack's chat.update budget, so the redraw waits its turn.
    await spend_the_workspace_card_update_budget(bot)

    for person, action in ((BOB, Action.COMMIT_AGREE), (CAROL, Action.COMMIT_DISAGREE)):
        response = await bot.click(card, action, user=person, channel=CHANNEL, settle=False)
        assert response.status == 200
    await bot.click(card, Action.COMMIT_AGREE, user=DAN, channel=CHANNEL, settle=False)
    assert len(await history(bot, "committed")) == 3  # all stored before their acks
    await bot.settle()

    assert len(bot.stand_in.calls_to("chat.update")) == updates_before + 1
    text = bot.card_text(CHANNEL)
    assert "3 of 3 asked have committed" in text
    thread = bot.stand_in.thread(CHANNEL, card["ts"])
    assert [m["text"] for m in thread] == [
        f"<@{BOB}> agreed and committed.\n"
        f"<@{CAROL}> disagreed and committed.\n"
        f"<@{DAN}> agreed and committed."
    ]


async def test_clicks_while_the_card_is_drawn_cost_one_more_draw_and_keep_their_lines(
    bot: BotUnderTest,
) -> None:
    """Slack allows a workspace about 50 card updates a minute: the clicks made while Bob's
    was being drawn are drawn together once it is done, and not drawn a third time."""
    card = await record_decision(bot, stakeholders=[BOB, CAROL, DAN])
    updates_before = len(bot.stand_in.calls_to("chat.update"))
    delays = iter([2.0])  # Slack takes 2 s over the first redraw, then answers at once
    bot.stand_in.delays["chat.update"] = lambda: next(delays, 0.0)

    await bot.click(card, Action.COMMIT_AGREE, user=BOB, channel=CHANNEL, settle=False)
    await until_slack_has(bot, "chat.update", updates_before + 1)  # Bob's draw is with Slack
    for person in (CAROL, DAN):
        await bot.click(card, Action.COMMIT_AGREE, user=person, channel=CHANNEL, settle=False)
    await bot.settle()

    assert "3 of 3 asked have committed" in bot.card_text(CHANNEL)
    assert len(bot.stand_in.calls_to("chat.update")) == updates_before + 2
    thread = bot.stand_in.thread(CHANNEL, card["ts"])
    assert [m["text"] for m in thread] == [
        f"<@{BOB}> agreed and committed.",
        f"<@{CAROL}> agreed and committed.\n<@{DAN}> agreed and committed.",
    ]


async def until_slack_has(bot: BotUnderTest, method: str, calls: int) -> None:
    """Until Slack has been called `calls` times (an answer may still be on its way)."""
    for _ in range(500):
        if len(bot.stand_in.calls_to(method)) >= calls:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{method} was never called {calls} times")


async def spend_the_workspace_card_update_budget(bot: BotUnderTest, turns_more: int = 0) -> None:
    """As in a busy workspace: the next redraw has to wait its turn (1.2 s), and
    `turns_more` turns longer, for a test whose clicks must all arrive within that wait even
    on a loaded machine."""
    for _ in range(CHAT_UPDATE.burst + turns_more):
        await bot.deps.pace.reserve(("chat.update", TEAM), CHAT_UPDATE)


async def test_a_flood_of_commitments_is_one_thread_message_that_counts_the_rest(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB])
    await spend_the_workspace_card_update_budget(bot, turns_more=3)  # 27 clicks can take > 1.2 s
    people = [f"U{n:05d}" for n in range(COMMITMENT_LINES_KEPT + 6)]
    for person in people:
        await bot.click(card, Action.COMMIT_AGREE, user=person, channel=CHANNEL, settle=False)
    # The decider's own change in the same wait is never among the lines counted away.
    await bot.click(card, Action.CLOSE_DECISION, user=ALICE, channel=CHANNEL, settle=False)
    await bot.settle()

    assert len(await history(bot, "committed")) == len(people)  # every one stored
    thread = [m["text"] for m in bot.stand_in.thread(CHANNEL, card["ts"])]
    kept = [f"<@{person}> agreed and committed." for person in people[:COMMITMENT_LINES_KEPT]]
    more = "\u2026and 6 more commitments or changes since. The card shows where everyone stands."
    assert thread == [
        "\n".join([*kept, more]),
        f"<@{ALICE}> closed this decision. Commitments are final.",
    ]
    assert "Closed on" in bot.card_text(CHANNEL)


async def test_a_failed_redraw_in_a_burst_tells_nobody_and_a_sweep_draws_every_click(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB, CAROL])
    await spend_the_workspace_card_update_budget(bot)
    bot.stand_in.fail_next(
        "chat.update", status=500, error="internal_error", retry_after=None, times=3
    )
    told_before = len(bot.stand_in.responses)
    await bot.click(card, Action.COMMIT_AGREE, user=BOB, channel=CHANNEL, settle=False)
    await bot.click(card, Action.COMMIT_DISAGREE, user=BOB, channel=CHANNEL, settle=False)
    await bot.click(card, Action.COMMIT_AGREE, user=CAROL, channel=CHANNEL, settle=False)
    await bot.settle()

    assert bot.stand_in.responses[told_before:] == []
    assert [c["stance"] for c in await history(bot, "committed")] == [
        "agree",
        "disagree",
        "agree",
    ]
    assert "2 of 2 asked have committed" not in bot.card_text(CHANNEL)
    bot.deps.clock = lambda: NOW + timedelta(minutes=1)
    assert (await Sweeper(bot.deps, OneWorkspace(bot.app.client)).sweep()).cards_drawn == 1
    text = bot.card_text(CHANNEL)
    assert "2 of 2 asked have committed" in text
    assert f"<@{BOB}> disagreed and committed" in text


async def test_a_card_with_more_people_than_room_lists_the_first_and_counts_the_rest(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB, CAROL])
    others = [f"U{n:05d}" for n in range(PEOPLE_SHOWN_MAX + 5)]
    for person in others:
        await bot.click(card, Action.COMMIT_AGREE, user=person, channel=CHANNEL, settle=False)
    await bot.click(card, Action.COMMIT_DISAGREE, user=BOB, channel=CHANNEL, settle=False)
    await bot.settle()

    text = bot.card_text(CHANNEL)
    assert f"1 of 2 asked have committed · {len(others)} more committed" in text
    assert f"<@{BOB}> disagreed and committed" in text  # asked, and the last to click
    assert f"<@{CAROL}> waiting" in text
    room_for_others = PEOPLE_SHOWN_MAX - 2
    assert f"<@{others[room_for_others - 1]}> agreed" in text
    assert f"<@{others[room_for_others]}>" not in text
    assert f"…and {len(others) - room_for_others} more" in text
