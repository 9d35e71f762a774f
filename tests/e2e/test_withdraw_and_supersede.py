"""Withdrawing a decision and marking it superseded, from its card: the decider's (or the
recorder's, or an admin's) to do, with the reason or the replacement kept, and nothing asked of
anyone about a decision that no longer stands."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.ids import Action, Block
from bot.scheduler.sweep import Sweeper
from bot.services.revisits import list_reviews
from bot.slack.installations import OneWorkspace
from bot.ui.modals import SUPERSEDE_WITH_EXISTING, SUPERSEDE_WITH_NEW
from storage.db import Database
from storage.repository import list_events
from tests.conftest import ADMIN, ALICE, BOB, CAROL, CHANNEL, NOW, TEAM
from tests.e2e.flows import record_decision
from tests.harness import BotUnderTest, blocks_text, response_json

SECRET = "G0000SECRET"


def action_ids(message: dict[str, Any]) -> set[str]:
    return {
        element["action_id"]
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    }


def card_of(bot: BotUnderTest, ts: object) -> dict[str, Any]:
    return next(m for m in bot.stand_in.channel_messages(CHANNEL) if m["ts"] == ts)


def waiting_on(home: dict[str, Any]) -> str:
    """The Home tab's "Waiting on you" part, before "Your decisions" and "Recent"."""
    return blocks_text(home["blocks"]).split("Your decisions")[0]


async def history(bot: BotUnderTest, decision_id: int) -> list[tuple[str, dict[str, Any]]]:
    events = await bot.deps.db.read(
        lambda session: list_events(session, team_id=TEAM, decision_id=decision_id)
    )
    return [(e.kind, json.loads(e.detail)) for e in events]


async def test_the_decider_withdraws_a_decision_with_a_reason_and_nothing_asks_about_it_again(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB], kind="type2", title="Buy Acme's CRM")
    assert "Buy Acme" in waiting_on(await bot.open_home(BOB))
    await bot.click(card, Action.OPEN_WITHDRAW, user=ALICE, channel=CHANNEL)
    form = bot.latest_view(ALICE)

    response = await bot.submit(form, {Block.WITHDRAW_REASON: "   "}, user=ALICE)
    assert response_json(response)["errors"] == {
        Block.WITHDRAW_REASON: "Say why it is withdrawn: the log keeps it for later."
    }
    assert "Decided · revisit on" in bot.card_text(CHANNEL)  # nothing changed

    response = await bot.submit(
        form, {Block.WITHDRAW_REASON: "Acme was bought; the <!channel> CRM is gone."}, user=ALICE
    )
    assert not response.body
    withdrawn = bot.card(CHANNEL)
    text = blocks_text(withdrawn["blocks"])
    assert "Withdrawn on Mon 23 Nov 2026" in text
    assert "*Withdrawn:* Acme was bought; the &lt;!channel&gt; CRM is gone." in text
    assert action_ids(withdrawn) == set()  # no commit buttons, no controls
    line = bot.stand_in.thread(CHANNEL, str(card["ts"]))[-1]["text"]
    assert line.startswith(f"<@{ALICE}> withdrew this decision: Acme was bought")
    assert "nobody is asked to commit to it" in line
    kind, detail = (await history(bot, 1))[-1]
    assert (kind, detail["reason"]) == ("withdrawn", "Acme was bought; the <!channel> CRM is gone.")
    await bot.command("show 1", user=BOB, channel=CHANNEL)
    full = blocks_text(bot.stand_in.responses[-1]["blocks"])
    assert "Withdrawn on Mon 23 Nov 2026" in full
    assert f"<@{ALICE}> withdrew it: Acme was bought; the &lt;!channel&gt; CRM is gone." in full

    # A commit button on the old card gets a private answer and changes nothing.
    await bot.click(card, Action.COMMIT_AGREE, user=BOB, channel=CHANNEL)
    assert "closed, so it can't change any more" in bot.stand_in.responses[-1]["text"]
    assert "agreed and committed" not in bot.card_text(CHANNEL)
    # Nobody is asked about it: not on the Home tab, and its revisit never comes.
    assert "Buy Acme" not in waiting_on(await bot.open_home(BOB))
    bot.deps.clock = lambda: NOW + timedelta(days=30)
    assert (await Sweeper(bot.deps, OneWorkspace(bot.app.client), owner="test").sweep()).sent == 0


async def test_only_the_decider_the_recorder_or_an_admin_may_withdraw_or_supersede(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB], decider=CAROL, recorder=ALICE)
    for action, what in (
        (Action.OPEN_WITHDRAW, "withdraw it"),
        (Action.OPEN_SUPERSEDE, "mark it superseded"),
    ):
        await bot.click(card, action, user=BOB, channel=CHANNEL)
        told = bot.stand_in.responses[-1]
        assert told["response_type"] == "ephemeral"
        assert told["text"] == (
            f"Only the decider (<@{CAROL}>), the person who recorded it (<@{ALICE}>) "
            f"or a workspace admin can {what}."
        )
    assert bot.stand_in.open_views(BOB) == []

    await bot.click(card, Action.OPEN_WITHDRAW, user=ADMIN, channel=CHANNEL)
    await bot.submit(bot.latest_view(ADMIN), {Block.WITHDRAW_REASON: "Duplicate."}, user=ADMIN)
    assert "Withdrawn on" in bot.card_text(CHANNEL)


async def test_marking_superseded_by_a_new_decision_turns_the_form_into_decides(
    bot: BotUnderTest,
) -> None:
    old = await record_decision(bot, stakeholders=[BOB], title="Ship on Fridays")
    await bot.click(old, Action.OPEN_SUPERSEDE, user=ALICE, channel=CHANNEL)
    form = bot.latest_view(ALICE)
    response = await bot.submit(form, {Block.SUPERSEDE_HOW: SUPERSEDE_WITH_NEW}, user=ALICE)
    assert response_json(response)["response_action"] == "update"

    decide_form = bot.latest_view(ALICE)  # the same modal, now /decide's, filled in
    assert decide_form.id == form.id
    shown = blocks_text(decide_form.view["blocks"])
    assert "This new decision supersedes decision #1" in shown
    response = await bot.submit(
        decide_form,
        {
            Block.TITLE: "Ship on Thursdays",
            Block.WHAT_AND_WHY: "Fridays left nobody to fix what broke.",
            Block.DECIDER: ALICE,
            Block.STAKEHOLDERS: [BOB],
            Block.TYPE: "type2",
        },
        user=ALICE,
    )
    assert not response.body, response_json(response)

    assert "Ship on Thursdays" in bot.card_text(CHANNEL)  # the new card
    old_card = card_of(bot, old["ts"])
    assert "Superseded by #2 on Mon 23 Nov 2026" in blocks_text(old_card["blocks"])
    assert action_ids(old_card) == set()
    line = bot.stand_in.thread(CHANNEL, str(old["ts"]))[-1]["text"]
    assert line == f"<@{ALICE}> superseded this with a new decision: \u201cShip on Thursdays\u201d."
    assert (await history(bot, 1))[-1] == ("superseded", {"by_decision_id": 2, "due_on": None})
    assert ("supersedes", {"decision_id": 1}) in await history(bot, 2)
    # Not a revisit: no revisit answer is recorded for it.
    assert await list_reviews(bot.deps.db, team_id=TEAM, decision_id=1) == []


async def test_marking_superseded_by_a_decision_already_recorded_checks_the_number(
    bot: BotUnderTest,
) -> None:
    old = await record_decision(bot, stakeholders=[BOB], title="Ship on Fridays")
    await record_decision(bot, stakeholders=[], kind="type2", title="Ship on Thursdays")
    bot.stand_in.add_channel(SECRET, is_private=True, members={BOB})
    await record_decision(bot, stakeholders=[], channel=SECRET, decider=BOB, recorder=BOB)
    withdrawn = await record_decision(bot, stakeholders=[], kind="type2", title="Ship never")
    await bot.click(withdrawn, Action.OPEN_WITHDRAW, user=ALICE, channel=CHANNEL)
    await bot.submit(bot.latest_view(ALICE), {Block.WITHDRAW_REASON: "A joke."}, user=ALICE)
    before = blocks_text(card_of(bot, old["ts"])["blocks"])

    await bot.click(card_of(bot, old["ts"]), Action.OPEN_SUPERSEDE, user=ALICE, channel=CHANNEL)
    form = bot.latest_view(ALICE)
    hidden = (
        "There's no decision #3 that you can see. It may be in a private channel you're not in."
    )
    for typed, error in (
        ("", "Give the number of the decision that replaces this one."),
        (
            "next one",
            "\u201cnext one\u201d isn't a decision number. Use the number shown on its card, like 12.",
        ),
        ("#1", "A decision can't supersede itself. Give the number of the one that replaces it."),
        ("99", hidden.replace("#3", "#99")),
        ("3", hidden),  # Bob's private channel: the same answer as for no decision at all
        (
            "4",
            "#4 was withdrawn, so it can't replace another decision. Give one that still stands.",
        ),
    ):
        response = await bot.submit(
            form,
            {Block.SUPERSEDE_HOW: SUPERSEDE_WITH_EXISTING, Block.SUPERSEDED_BY: typed},
            user=ALICE,
        )
        assert response_json(response)["errors"] == {Block.SUPERSEDED_BY: error}, typed
        assert blocks_text(card_of(bot, old["ts"])["blocks"]) == before

    response = await bot.submit(form, {Block.SUPERSEDED_BY: " #2 "}, user=ALICE)
    assert not response.body
    old_card = card_of(bot, old["ts"])
    assert "Superseded by #2 on Mon 23 Nov 2026" in blocks_text(old_card["blocks"])
    assert bot.stand_in.thread(CHANNEL, str(old["ts"]))[-1]["text"] == (
        f"<@{ALICE}> marked this superseded by decision #2, \u201cShip on Thursdays\u201d. "
        "It no longer stands."
    )
    assert ("supersedes", {"decision_id": 1}) in await history(bot, 2)


async def test_a_replacement_from_another_channel_is_named_by_channel_not_title(
    bot: BotUnderTest,
) -> None:
    old = await record_decision(bot, stakeholders=[], title="Ship on Fridays")
    bot.stand_in.add_channel(SECRET, is_private=True, members={ALICE, BOB})
    await record_decision(bot, stakeholders=[], channel=SECRET, title="Acquire Initech")
    await bot.click(card_of(bot, old["ts"]), Action.OPEN_SUPERSEDE, user=ALICE, channel=CHANNEL)
    await bot.submit(
        bot.latest_view(ALICE),
        {Block.SUPERSEDE_HOW: SUPERSEDE_WITH_EXISTING, Block.SUPERSEDED_BY: "2"},
        user=ALICE,
    )
    line = bot.stand_in.thread(CHANNEL, str(old["ts"]))[-1]["text"]
    assert (
        line
        == f"<@{ALICE}> marked this superseded by decision #2, in <#{SECRET}>. It no longer stands."
    )
    assert "Initech" not in blocks_text(card_of(bot, old["ts"])["blocks"])


async def test_a_closed_decision_still_stands_so_it_can_be_superseded_but_not_once_withdrawn(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB])
    await bot.click(card, Action.CLOSE_DECISION, user=ALICE, channel=CHANNEL)
    closed = bot.card(CHANNEL)
    assert action_ids(closed) == {Action.OPEN_SUPERSEDE, Action.OPEN_WITHDRAW}

    await bot.click(closed, Action.OPEN_WITHDRAW, user=ALICE, channel=CHANNEL)
    await bot.submit(bot.latest_view(ALICE), {Block.WITHDRAW_REASON: "Legal said no."}, user=ALICE)
    assert "Withdrawn on Mon 23 Nov 2026" in bot.card_text(CHANNEL)

    # The closed card's buttons, clicked late, explain instead of opening a form.
    await bot.click(closed, Action.OPEN_SUPERSEDE, user=ALICE, channel=CHANNEL)
    assert bot.stand_in.responses[-1]["text"] == (
        "\u201cAdopt trunk-based development\u201d was withdrawn already, so it can't change "
        "any more."
    )
    assert bot.stand_in.open_views(ALICE) == []


async def test_the_export_says_how_each_decision_ended(
    bot: BotUnderTest, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await record_decision(bot, stakeholders=[], title="Ship on Fridays")
    await record_decision(bot, stakeholders=[], title="Ship on Thursdays")
    third = await record_decision(bot, stakeholders=[], title="Ship never")
    await bot.click(card_of(bot, first["ts"]), Action.OPEN_SUPERSEDE, user=ALICE, channel=CHANNEL)
    await bot.submit(
        bot.latest_view(ALICE),
        {Block.SUPERSEDE_HOW: SUPERSEDE_WITH_EXISTING, Block.SUPERSEDED_BY: "2"},
        user=ALICE,
    )
    await bot.click(third, Action.OPEN_WITHDRAW, user=ALICE, channel=CHANNEL)
    await bot.submit(bot.latest_view(ALICE), {Block.WITHDRAW_REASON: "A joke."}, user=ALICE)

    monkeypatch.setenv("DATABASE_URL", db.url)
    out = tmp_path / "md"
    assert await asyncio.to_thread(main, ["export", "--format", "md", "--out", str(out)]) == 0
    status = {
        p.name: next(line for line in p.read_text().splitlines() if "**Status:**" in line)
        for p in out.glob("000*.md")
    }
    assert status == {
        "0001-ship-on-fridays.md": "- **Status:** superseded by 2 on 2026-11-23",
        "0002-ship-on-thursdays.md": "- **Status:** open",
        "0003-ship-never.md": "- **Status:** withdrawn on 2026-11-23: A joke.",
    }


async def test_the_digest_lists_what_was_withdrawn_or_superseded_this_week(
    bot: BotUnderTest,
) -> None:
    first = await record_decision(bot, stakeholders=[BOB], title="Ship on Fridays")
    await record_decision(bot, stakeholders=[], kind="type2", title="Ship on Thursdays")
    await bot.click(card_of(bot, first["ts"]), Action.OPEN_SUPERSEDE, user=ALICE, channel=CHANNEL)
    await bot.submit(
        bot.latest_view(ALICE),
        {Block.SUPERSEDE_HOW: SUPERSEDE_WITH_EXISTING, Block.SUPERSEDED_BY: "2"},
        user=ALICE,
    )
    bot.deps.clock = lambda: NOW + timedelta(days=7)  # the week that holds it is over
    await bot.command("digest", user=ALICE, channel=CHANNEL)
    await bot.settle()
    shown = blocks_text(bot.stand_in.responses[-1]["blocks"])
    assert (
        "*Withdrawn or superseded*\n\u2022 \u201cShip on Fridays\u201d: Superseded by #2 on Mon 23 Nov 2026"
        in shown
    )
    assert "Waiting for commitment" not in shown  # Bob isn't asked about a superseded decision
