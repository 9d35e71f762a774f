"""Learning from outcomes, end to end: a dissent's prediction called at the revisit and credited
on every surface, the decider's confidence, the door question, and `/decide stats`."""

from __future__ import annotations

import asyncio
import csv
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli import main
from bot.ids import INPUT, Action, Block
from bot.scheduler.sweep import Sweeper
from bot.slack.installations import OneWorkspace
from bot.ui.revisits import dissent_call_block_id
from storage.db import Database
from storage.models import Dissent, DissentCall, Outcome
from tests.conftest import ALICE, BOB, CAROL, CHANNEL, NOW
from tests.e2e.flows import record_decision, submit_decide_form
from tests.harness import BotUnderTest, blocks_text, response_json

REVISIT_DAY = NOW + timedelta(days=30)  # a Wednesday, in working hours
PREDICTION = "Ops cost goes over 2 days a month by March."


async def dissent(bot: BotUnderTest, card: dict[str, object], user: str, prediction: str) -> None:
    await bot.click(card, Action.OPEN_DISSENT, user=user, channel=CHANNEL)
    form = bot.latest_view(user)
    assert "What would show you were right?" in blocks_text(form.view["blocks"])
    response = await bot.submit(
        form,
        {Block.DISSENT_REASON: "It will cost us in ops.", Block.DISSENT_PREDICTION: prediction},
        user=user,
    )
    assert not response.body, response_json(response)


async def open_keep_form(bot: BotUnderTest, day: object = REVISIT_DAY) -> None:
    """The revisit comes due; the decider clicks Keep on it."""
    bot.deps.clock = lambda: day  # type: ignore[assignment,return-value]
    await Sweeper(bot.deps, OneWorkspace(bot.app.client), owner="process-a").sweep()
    revisit = next(
        m for m in reversed(bot.stand_in.channel_messages(ALICE)) if "revisit" in str(m["text"])
    )
    await bot.click(revisit, Action.REVISIT_KEEP, user=ALICE, channel=ALICE)


def card_text(bot: BotUnderTest, card: dict[str, object]) -> str:
    """The card as it reads now (the digest may have been posted after it)."""
    [now] = [m for m in bot.stand_in.channel_messages(CHANNEL) if m["ts"] == card["ts"]]
    return blocks_text(now["blocks"])  # type: ignore[arg-type]


async def dissent_ids(bot: BotUnderTest) -> dict[str, int]:
    rows = await bot.deps.db.read(lambda session: list(session.exec(select(Dissent))))
    return {d.user_id: d.id for d in rows if d.id is not None}


async def test_a_prediction_that_came_true_is_credited_on_every_surface(
    bot: BotUnderTest, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = await record_decision(bot, stakeholders=[BOB, CAROL], kind="type2")
    await dissent(bot, card, CAROL, PREDICTION)
    await dissent(bot, card, BOB, "")
    thread = bot.stand_in.thread(CHANNEL, card["ts"])  # type: ignore[arg-type]
    assert f"What would show they were right:* {PREDICTION}" in blocks_text(thread[-2]["blocks"])

    await open_keep_form(bot)
    form = bot.latest_view(ALICE)
    shown = blocks_text(form.view["blocks"])
    assert PREDICTION in shown and "Was it as cheap to undo as we thought?" in shown
    ids = await dissent_ids(bot)
    response = await bot.submit(
        form,
        {
            Block.REVISIT_OUTCOME: Outcome.PARTLY.value,
            Block.REVISIT_DOOR: "yes",
            dissent_call_block_id(ids[CAROL]): DissentCall.CAME_TRUE.value,
            dissent_call_block_id(ids[BOB]): DissentCall.DID_NOT.value,
        },
        user=ALICE,
    )
    assert not response.body, response_json(response)

    # The card, the thread and a private word to Carol.
    shown = card_text(bot, card)
    assert f":dart: <@{CAROL}> called it: {PREDICTION}" in shown
    assert f"<@{BOB}>" in shown and f":dart: <@{BOB}> called it" not in shown
    thread_text = bot.stand_in.thread(CHANNEL, card["ts"])[-1]["text"]  # type: ignore[arg-type]
    assert "held the revisit and kept it" in thread_text
    assert f"<@{CAROL}> called it: {PREDICTION}" in thread_text
    [told] = bot.stand_in.channel_messages(CAROL)
    assert "You called it." in str(told["text"])
    assert bot.stand_in.channel_messages(BOB) == []

    # /decide show.
    await bot.command("show 1", user=BOB, channel=CHANNEL)
    shown = blocks_text(bot.stand_in.responses[-1]["blocks"])
    assert f"<@{CAROL}> called it: the decider judged that this came true." in shown
    assert "The decider judged that this didn't come true." in shown
    assert "the door was called right: as cheap to undo as we thought" in shown

    # The Home tab: Carol's own record.
    home = blocks_text((await bot.open_home(CAROL))["blocks"])
    assert "1 of your dissents proved right (1 called at a look back, 1 voiced)." in home

    # Every export format.
    async def export(kind: str) -> Path:
        monkeypatch.setenv("DATABASE_URL", db.url)
        out = tmp_path / kind
        assert await asyncio.to_thread(main, ["export", "--format", kind, "--out", str(out)]) == 0
        return out

    document = json.loads((await export("json") / "decisions.json").read_text())
    calls = {d["user_id"]: d["called"] for d in document["decisions"][0]["dissents"]}
    assert calls == {CAROL: "came_true", BOB: "did_not"}
    assert document["decisions"][0]["reviews"][0]["door_called_right"] is True
    [row] = list(csv.DictReader((await export("csv") / "decisions.csv").open()))
    assert (row["dissent_proved_right"], row["doors_called_right"]) == ("1", "1 of 1")
    record = next((await export("md")).glob("0001-*.md")).read_text()
    assert f"What would show they were right: {PREDICTION}" in record
    assert f"**{CAROL} called it:** it came true" in record

    # The week's digest (Monday 28 December) counts it, and the door called right.
    bot.deps.clock = lambda: NOW + timedelta(days=35, minutes=1)
    await Sweeper(bot.deps, OneWorkspace(bot.app.client), owner="process-a").sweep()
    [digest] = [
        m
        for m in bot.stand_in.channel_messages(CHANNEL)
        if str(m["text"]).startswith("Decisions this week")
        and "*Dissent that proved right*" in str(m["blocks"])
    ]
    shown = blocks_text(digest["blocks"])  # type: ignore[arg-type]
    assert f":dart: <@{CAROL}> called it on \u201cAdopt trunk-based development\u201d" in shown
    assert "Doors called right, at the looks back that said: *100%*" in shown


async def test_cant_tell_yet_asks_again_at_the_next_revisit(bot: BotUnderTest) -> None:
    card = await record_decision(bot, stakeholders=[CAROL], kind="type2")
    await dissent(bot, card, CAROL, PREDICTION)
    await open_keep_form(bot)
    ids = await dissent_ids(bot)
    next_time = (REVISIT_DAY + timedelta(days=28)).date()
    await bot.submit(
        bot.latest_view(ALICE),
        {
            Block.NEXT_REVISIT_ON: next_time,
            dissent_call_block_id(ids[CAROL]): DissentCall.CANT_TELL.value,
        },
        user=ALICE,
    )
    assert "called it" not in card_text(bot, card)
    assert bot.stand_in.channel_messages(CAROL) == []

    await open_keep_form(bot, REVISIT_DAY + timedelta(days=28))
    form = bot.latest_view(ALICE)
    assert PREDICTION in blocks_text(form.view["blocks"])  # asked again
    await bot.submit(
        form, {dissent_call_block_id(ids[CAROL]): DissentCall.CAME_TRUE.value}, user=ALICE
    )
    assert f":dart: <@{CAROL}> called it" in card_text(bot, card)


async def test_a_call_on_another_decisions_dissent_changes_nothing(bot: BotUnderTest) -> None:
    other = await record_decision(bot, stakeholders=[CAROL], kind="type1", title="Other")
    await dissent(bot, other, CAROL, "It slips a quarter.")
    await record_decision(bot, stakeholders=[], kind="type2")  # decision 2, no dissent
    await open_keep_form(bot)
    form = bot.latest_view(ALICE)
    assert "Did it come true?" not in blocks_text(form.view["blocks"])
    ids = await dissent_ids(bot)
    # A forged state naming decision 1's dissent in decision 2's revisit form.
    view = bot.stand_in.views[form.id]
    view.view["blocks"].append(
        {
            "type": "input",
            "block_id": dissent_call_block_id(ids[CAROL]),
            "label": {"type": "plain_text", "text": "x"},
            "element": {
                "type": "radio_buttons",
                "action_id": INPUT,
                "options": [{"text": {"type": "plain_text", "text": "y"}, "value": "came_true"}],
            },
        }
    )
    response = await bot.submit(form, {dissent_call_block_id(ids[CAROL]): "came_true"}, user=ALICE)
    assert not response.body, response_json(response)
    rows = await bot.deps.db.read(lambda session: session.get(Dissent, ids[CAROL]))
    assert rows is not None and rows.called is None
    assert bot.stand_in.channel_messages(CAROL) == []


async def test_confidence_is_asked_checked_and_shown(bot: BotUnderTest) -> None:
    await bot.command("", user=ALICE, channel=CHANNEL)
    form = bot.latest_view(ALICE)
    assert "How sure are you that this is right?" in blocks_text(form.view["blocks"])
    entries = {
        Block.TITLE: "Try weekly releases",
        Block.WHAT_AND_WHY: "Smaller releases, fewer surprises.",
        Block.DECIDER: ALICE,
        Block.TYPE: "type2",
        Block.CONFIDENCE: "80",
    }
    await submit_decide_form(bot, entries)
    assert "*Decider's confidence*\n80%" in bot.card_text(CHANNEL)
