"""Revisits, reminders and summaries: planned, claimed and sent once, through the stand-in Slack."""

from __future__ import annotations

import asyncio
import copy
from datetime import datetime, timedelta

from sqlmodel import col, select

from bot.ids import Action, Block
from bot.scheduler.sweep import Sweeper
from bot.services.due_work import LEASE, claim_due_work, plan_due_work, record_sending, record_sent
from bot.services.revisits import list_reviews
from bot.slack.installations import OneWorkspace
from storage.models import Disposition, DueWork, Outcome
from tests.conftest import ALICE, BOB, CAROL, CHANNEL, NOW, TEAM
from tests.e2e.flows import record_decision
from tests.harness import BotUnderTest, blocks_text, response_json

REVISIT_DAY = NOW + timedelta(days=30)  # Wed 23 Dec 2026, 10:00 UTC: working hours in London


def at(bot: BotUnderTest, moment: datetime) -> None:
    bot.deps.clock = lambda: moment


def sweeper(bot: BotUnderTest, owner: str = "process-a") -> Sweeper:
    return Sweeper(bot.deps, OneWorkspace(bot.app.client), owner=owner)


def direct_messages(bot: BotUnderTest, user: str) -> list[dict[str, object]]:
    return bot.stand_in.channel_messages(user)


async def test_a_revisit_reaches_the_decider_once_however_many_processes_sweep(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB], kind="type2")
    at(bot, REVISIT_DAY)
    first, second = sweeper(bot, "process-a"), sweeper(bot, "process-b")
    reports = [await first.sweep(), await second.sweep(), await first.sweep()]

    assert [r.sent for r in reports] == [1, 0, 0]
    (revisit,) = direct_messages(bot, ALICE)
    assert "Time to revisit a decision" in str(revisit["text"])
    assert "Adopt trunk-based development" in blocks_text(revisit["blocks"])  # type: ignore[arg-type]
    (line,) = bot.stand_in.thread(CHANNEL, card["ts"])  # type: ignore[arg-type]
    assert f"<@{ALICE}> has been asked whether this still holds" in line["text"]


async def test_nothing_is_sent_before_the_revisit_date(bot: BotUnderTest) -> None:
    await record_decision(bot, stakeholders=[BOB], kind="type2")
    at(bot, REVISIT_DAY - timedelta(days=1))
    assert (await sweeper(bot).sweep()).sent == 0
    assert direct_messages(bot, ALICE) == []


async def test_a_revisit_waits_for_the_deciders_working_hours(bot: BotUnderTest) -> None:
    bot.stand_in.users[ALICE].tz = "America/Los_Angeles"  # 10:00 UTC is 02:00 there
    await record_decision(bot, stakeholders=[BOB], kind="type2")
    at(bot, REVISIT_DAY)
    report = await sweeper(bot).sweep()
    assert (report.sent, report.put_off) == (0, 1)
    at(bot, REVISIT_DAY + timedelta(hours=6))  # 08:00 there: still too early
    assert (await sweeper(bot).sweep()).sent == 0
    at(bot, REVISIT_DAY + timedelta(hours=7))  # 09:00 there
    assert (await sweeper(bot).sweep()).sent == 1
    assert len(direct_messages(bot, ALICE)) == 1


async def test_work_claimed_by_a_process_that_died_is_sent_once_after_its_lease(
    bot: BotUnderTest,
) -> None:
    await record_decision(bot, stakeholders=[BOB], kind="type2")
    at(bot, REVISIT_DAY)
    await plan_due_work(bot.deps.db, now=REVISIT_DAY)
    claimed = await claim_due_work(bot.deps.db, owner="died-before-sending", now=REVISIT_DAY)
    assert len(claimed) == 1  # ...and then the process was killed

    assert (await sweeper(bot).sweep()).sent == 0  # the lease still holds
    at(bot, REVISIT_DAY + LEASE + timedelta(seconds=1))
    assert (await sweeper(bot).sweep()).sent == 1
    assert (await sweeper(bot, "process-c").sweep()).sent == 0
    assert len(direct_messages(bot, ALICE)) == 1


async def test_work_that_came_due_while_the_bot_was_down_is_sent_when_it_starts(
    bot: BotUnderTest,
) -> None:
    await record_decision(bot, stakeholders=[BOB], kind="type2")
    at(bot, REVISIT_DAY + timedelta(days=5))  # back after five days away (a Monday)
    # The revisit, and the channel's digest: the revisit is overdue by the digest's day.
    assert (await sweeper(bot).sweep()).sent == 2
    assert len(direct_messages(bot, ALICE)) == 1
    [digest] = bot.stand_in.channel_messages(CHANNEL)[1:]
    assert "Revisits overdue" in str(digest["blocks"])


async def test_a_rate_limited_send_waits_and_arrives_once(bot: BotUnderTest) -> None:
    await record_decision(bot, stakeholders=[BOB], kind="type2")
    at(bot, REVISIT_DAY)
    bot.stand_in.fail_next("chat.postMessage", status=429, error="ratelimited", retry_after=1)
    assert (await sweeper(bot).sweep()).sent == 1
    assert len(direct_messages(bot, ALICE)) == 1


async def test_a_failed_send_is_retried_later_not_lost(bot: BotUnderTest) -> None:
    await record_decision(bot, stakeholders=[BOB], kind="type2")
    at(bot, REVISIT_DAY)
    bot.stand_in.fail_next(
        "chat.postMessage", status=503, error="service_unavailable", retry_after=None, times=5
    )
    report = await sweeper(bot).sweep()
    assert (report.sent, len(report.failed)) == (0, 1)
    at(bot, REVISIT_DAY + timedelta(minutes=2))
    assert (await sweeper(bot).sweep()).sent == 1
    assert len(direct_messages(bot, ALICE)) == 1


async def test_keep_with_a_next_date_records_the_outcome_and_moves_the_revisit(
    bot: BotUnderTest,
) -> None:
    await record_decision(bot, stakeholders=[BOB], kind="type2")
    at(bot, REVISIT_DAY)
    await sweeper(bot).sweep()
    (revisit,) = direct_messages(bot, ALICE)

    await bot.click(revisit, Action.REVISIT_KEEP, user=ALICE, channel=ALICE)
    next_date = (REVISIT_DAY + timedelta(days=90)).date()
    response = await bot.submit(
        bot.latest_view(ALICE),
        {
            Block.NEXT_REVISIT_ON: next_date,
            Block.REVISIT_OUTCOME: Outcome.PARTLY.value,
            Block.REVISIT_LEARNED: "Smaller batches helped; reviews got slower.",
        },
        user=ALICE,
    )
    assert not response.body
    (review,) = await list_reviews(bot.deps.db, team_id=TEAM, decision_id=1)
    assert (review.disposition, review.outcome, review.next_revisit_on) == (
        Disposition.KEEP,
        Outcome.PARTLY,
        next_date,
    )
    assert "revisit on Tue 23 Mar 2027" in bot.card_text(CHANNEL)

    # The old message's buttons can't answer the same revisit twice.
    await bot.click(revisit, Action.REVISIT_REVERSE, user=ALICE, channel=ALICE)
    assert "has already been answered" in bot.stand_in.responses[-1]["text"]


async def test_reverse_needs_a_reason_and_closes_the_decision(bot: BotUnderTest) -> None:
    await record_decision(bot, stakeholders=[BOB], kind="type2")
    at(bot, REVISIT_DAY)
    await sweeper(bot).sweep()
    (revisit,) = direct_messages(bot, ALICE)
    await bot.click(revisit, Action.REVISIT_REVERSE, user=ALICE, channel=ALICE)
    form = bot.latest_view(ALICE)

    response = await bot.submit(form, {Block.REVISIT_REASON: "  "}, user=ALICE)
    assert "Say why it is being reversed" in str(response.body)
    response = await bot.submit(form, {Block.REVISIT_REASON: "Release cadence halved."}, user=ALICE)
    assert not response.body
    assert "Reversed on Wed 23 Dec 2026" in bot.card_text(CHANNEL)
    assert "*Reversed:* Release cadence halved." in bot.card_text(CHANNEL)
    (review,) = await list_reviews(bot.deps.db, team_id=TEAM, decision_id=1)
    assert review.reason == "Release cadence halved." and review.disposition is Disposition.REVERSE


async def test_only_the_decider_recorder_or_an_admin_answers_a_revisit(bot: BotUnderTest) -> None:
    await record_decision(bot, stakeholders=[BOB], kind="type2")
    at(bot, REVISIT_DAY)
    await sweeper(bot).sweep()
    (revisit,) = direct_messages(bot, ALICE)
    await bot.click(revisit, Action.REVISIT_LATER, user=CAROL, channel=ALICE)
    told = bot.stand_in.responses[-1]["text"]
    assert f"Only the decider (<@{ALICE}>) or a workspace admin" in told
    assert bot.stand_in.open_views(CAROL) == []


async def test_an_unanswered_revisit_is_nudged_once_after_three_days(bot: BotUnderTest) -> None:
    await record_decision(bot, stakeholders=[BOB], kind="type2")
    at(bot, REVISIT_DAY)
    await sweeper(bot).sweep()
    at(bot, REVISIT_DAY + timedelta(days=3, minutes=1))  # Saturday 26 Dec, 10:01 UTC
    await sweeper(bot).sweep()  # put off to Monday's working hours
    at(bot, REVISIT_DAY + timedelta(days=5))
    await sweeper(bot).sweep()
    at(bot, REVISIT_DAY + timedelta(days=9))
    await sweeper(bot).sweep()
    texts = [str(m["text"]) for m in direct_messages(bot, ALICE)]
    assert len(texts) == 2 and "A reminder: this revisit is still open" in texts[1]


async def test_stakeholders_who_have_not_committed_are_reminded_once_the_day_before(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB, CAROL], kind="type1")
    await bot.click(card, Action.COMMIT_AGREE, user=CAROL, channel=CHANNEL)
    at(bot, NOW + timedelta(days=1))
    assert (await sweeper(bot).sweep()).sent == 0
    at(bot, NOW + timedelta(days=2))  # the day before the commit-by date
    await sweeper(bot).sweep()
    await sweeper(bot, "process-b").sweep()

    (reminder,) = direct_messages(bot, BOB)
    assert direct_messages(bot, CAROL) == []
    assert "asked for your commitment" in str(reminder["text"])
    response = await bot.click(reminder, Action.COMMIT_AGREE, user=BOB, channel=BOB)
    assert response.status == 200
    assert "2 of 2 asked have committed" in bot.card_text(CHANNEL)


async def test_the_decider_gets_a_summary_at_the_commit_by_date(bot: BotUnderTest) -> None:
    card = await record_decision(bot, stakeholders=[BOB, CAROL], kind="type1")
    await bot.click(card, Action.COMMIT_DISAGREE, user=CAROL, channel=CHANNEL)
    at(bot, NOW + timedelta(days=3))
    await sweeper(bot).sweep()
    (summary,) = direct_messages(bot, ALICE)
    text = str(summary["text"])
    assert f"*Disagreed and committed:* <@{CAROL}>" in text
    assert f"*Not committed:* <@{BOB}>" in text


async def test_dissent_unanswered_for_a_day_reminds_the_decider_once(bot: BotUnderTest) -> None:
    card = await record_decision(bot, stakeholders=[BOB], kind="type1")
    await bot.click(card, Action.OPEN_DISSENT, user=BOB, channel=CHANNEL)
    await bot.submit(bot.latest_view(BOB), {Block.DISSENT_REASON: "Too risky now."}, user=BOB)
    at(bot, NOW + timedelta(hours=23))
    await sweeper(bot).sweep()
    assert [m for m in direct_messages(bot, ALICE) if "waited a day" in str(m["text"])] == []
    at(bot, NOW + timedelta(hours=25))
    await sweeper(bot).sweep()
    await sweeper(bot).sweep()
    reminders = [m for m in direct_messages(bot, ALICE) if "waited a day" in str(m["text"])]
    assert len(reminders) == 1
    assert Action.OPEN_ANSWER in str(reminders[0]["blocks"])


async def test_a_closed_decision_gets_no_revisit(bot: BotUnderTest) -> None:
    card = await record_decision(bot, stakeholders=[BOB], kind="type2")
    await bot.click(card, Action.CLOSE_DECISION, user=ALICE, channel=CHANNEL)
    at(bot, REVISIT_DAY)
    assert (await sweeper(bot).sweep()).sent == 0
    assert direct_messages(bot, ALICE) == []


async def test_supersede_opens_the_form_prefilled_and_links_the_new_decision(
    bot: BotUnderTest,
) -> None:
    old_card = await record_decision(bot, stakeholders=[BOB], kind="type2")
    at(bot, REVISIT_DAY)
    await sweeper(bot).sweep()
    (revisit,) = direct_messages(bot, ALICE)

    await bot.click(revisit, Action.REVISIT_SUPERSEDE, user=ALICE, channel=ALICE)
    form = bot.latest_view(ALICE)
    assert "Adopt trunk-based development" in str(form.view["blocks"])  # pre-filled
    response = await bot.submit(
        form,
        {
            Block.TITLE: "Trunk-based development with release branches",
            Block.WHAT_AND_WHY: "Hotfixes need a branch to land on.",
            Block.DECIDER: ALICE,
            Block.TYPE: "type2",
        },
        user=ALICE,
    )
    assert not response.body

    new_card = bot.card(CHANNEL)
    assert "Trunk-based development with release branches" in blocks_text(new_card["blocks"])
    (review,) = await list_reviews(bot.deps.db, team_id=TEAM, decision_id=1)
    assert review.disposition is Disposition.SUPERSEDE
    assert "Trunk-based development with release branches" in (review.reason or "")
    thread = bot.stand_in.thread(CHANNEL, old_card["ts"])  # type: ignore[arg-type]
    assert "superseded this with a new decision" in thread[-1]["text"]
    old = next(m for m in bot.stand_in.channel_messages(CHANNEL) if m["ts"] == old_card["ts"])
    assert "Superseded by #2 on Wed 23 Dec 2026" in blocks_text(old["blocks"])


async def test_a_type_1_outcome_review_is_the_revisit_flow_without_reverse(
    bot: BotUnderTest,
) -> None:
    await bot.command("", user=ALICE, channel=CHANNEL)
    form = bot.latest_view(ALICE)
    await bot.choose(form, Block.TYPE, "type1", user=ALICE)
    form = bot.latest_view(ALICE)
    entries = {
        Block.TITLE: "Sign the three-year data centre lease",
        Block.WHAT_AND_WHY: "Cheaper per rack than the cloud at our size.",
        Block.DECIDER: ALICE,
        Block.STAKEHOLDERS: [BOB],
    }
    # The review must come after the commit-by date (3 days by default): refused under its field.
    response = await bot.submit(
        form, {**entries, Block.REVIEW_ON: (NOW + timedelta(days=2)).date()}, user=ALICE
    )
    assert "after the commit-by date" in response_json(response)["errors"][Block.REVIEW_ON]
    review_day = NOW + timedelta(days=9)  # Wed 2 Dec 2026, 10:00 UTC
    response = await bot.submit(form, {Block.REVIEW_ON: review_day.date()}, user=ALICE)
    assert not response.body
    card = bot.card(CHANNEL)
    assert "Open for input until Thu 26 Nov 2026 · outcome review on Wed 2 Dec 2026" in (
        blocks_text(card["blocks"])
    )

    # The day after the commit-by date the sweep moves it to decided, on the card and in the thread.
    at(bot, NOW + timedelta(days=4))
    assert (await sweeper(bot).sweep()).decided == 1
    await bot.settle()  # the card is redrawn after the sweep, as a follow-up
    assert "Decided · outcome review on Wed 2 Dec 2026" in bot.card_text(CHANNEL)
    thread = bot.stand_in.thread(CHANNEL, card["ts"])  # type: ignore[arg-type]
    assert "The commit-by date (Thu 26 Nov 2026) has passed" in thread[-1]["text"]
    assert (await sweeper(bot).sweep()).decided == 0

    at(bot, review_day)
    await sweeper(bot).sweep()
    review = next(
        m for m in direct_messages(bot, ALICE) if "review how a decision turned out" in str(m)
    )
    buttons = str(review["blocks"])
    assert Action.REVISIT_KEEP in buttons and Action.REVISIT_REVERSE not in buttons
    await bot.click(review, Action.REVISIT_KEEP, user=ALICE, channel=ALICE)
    keep_form = bot.latest_view(ALICE)
    assert "Next outcome review" in str(keep_form.view["blocks"])
    bot.stand_in.views.pop(keep_form.id)
    # A Reverse click (from a hand-made message) is refused: a one-way door is not walked back.
    forged = copy.deepcopy(review)
    forged["blocks"][-1]["elements"][0]["action_id"] = Action.REVISIT_REVERSE  # type: ignore[index]
    await bot.click(forged, Action.REVISIT_REVERSE, user=ALICE, channel=ALICE)
    assert "can't be reversed at its outcome review" in bot.stand_in.responses[-1]["text"]

    await bot.click(review, Action.REVISIT_KEEP, user=ALICE, channel=ALICE)
    response = await bot.submit(
        bot.latest_view(ALICE), {Block.REVISIT_OUTCOME: Outcome.RIGHT.value}, user=ALICE
    )
    assert not response.body
    (stored,) = await list_reviews(bot.deps.db, team_id=TEAM, decision_id=1)
    assert (stored.disposition, stored.outcome) == (Disposition.KEEP, Outcome.RIGHT)
    thread = bot.stand_in.thread(CHANNEL, card["ts"])  # type: ignore[arg-type]
    assert "held the outcome review and kept it" in thread[-1]["text"]


async def test_a_shutdown_mid_sweep_finishes_the_send_in_flight_and_gives_the_rest_back(
    bot: BotUnderTest,
) -> None:
    for title in ("Try weekly releases", "Try pairing", "Try no-meeting Fridays"):
        await record_decision(bot, stakeholders=[], kind="type2", title=title)
    at(bot, REVISIT_DAY)
    slow_first = iter([1.0])  # Slack takes a second over the first revisit
    in_flight = asyncio.Event()

    def first_is_slow() -> float:
        in_flight.set()
        return next(slow_first, 0.0)

    bot.stand_in.delays["chat.postMessage"] = first_is_slow
    stopping = sweeper(bot, "process-a")

    job = asyncio.create_task(stopping.sweep())
    await asyncio.wait_for(in_flight.wait(), timeout=10)  # the first revisit reached Slack
    job.cancel()  # as the scheduler's job is, at shutdown
    await stopping.stop(within_seconds=5)

    # The send in flight finished and was recorded; nothing else went out from this process.
    sent = await bot.deps.db.read(
        lambda session: list(
            session.exec(select(DueWork).where(col(DueWork.sent_at).is_not(None))).all()
        )
    )
    assert len(direct_messages(bot, ALICE)) == 1 and len(sent) == 1 and sent[0].message_ts
    # The rest were given back: another process sends them now, not after a lease.
    assert (await sweeper(bot, "process-b").sweep()).sent == 2
    assert len(direct_messages(bot, ALICE)) == 3


async def died_mid_send(bot: BotUnderTest, *, recorded: bool) -> None:
    """A process claims the revisit, notes it is sending, and Slack takes the DM; then the
    process is killed, before (`recorded` False) or just after it recorded the send."""
    await plan_due_work(bot.deps.db, now=REVISIT_DAY)
    (work,) = await claim_due_work(bot.deps.db, owner="killed", now=REVISIT_DAY)
    await record_sending(bot.deps.db, work=work, owner="killed", now=REVISIT_DAY)
    posted = await bot.app.client.chat_postMessage(channel=ALICE, text="Time to revisit a decision")
    if recorded:
        await record_sent(
            bot.deps.db, work=work, owner="killed", now=REVISIT_DAY, message_ts=posted["ts"]
        )


async def test_a_send_cut_short_after_slack_took_it_is_sent_again_and_counted(
    bot: BotUnderTest,
) -> None:
    await record_decision(bot, stakeholders=[BOB], kind="type2")
    await died_mid_send(bot, recorded=False)

    at(bot, REVISIT_DAY + LEASE + timedelta(seconds=1))
    report = await sweeper(bot).sweep()
    assert (report.sent, report.resent) == (1, 1)
    # The duplicate window: chat.postMessage has no idempotency key, so Alice has it twice,
    # and the work says so.
    assert len(direct_messages(bot, ALICE)) == 2
    (work,) = await bot.deps.db.read(
        lambda s: s.exec(select(DueWork).where(DueWork.kind == "revisit")).all()
    )
    assert (work.interrupted_sends, work.sending_since) == (1, None)


async def test_a_send_slack_refused_is_retried_without_counting_it_as_doubled(
    bot: BotUnderTest,
) -> None:
    await record_decision(bot, stakeholders=[BOB], kind="type2")
    at(bot, REVISIT_DAY)
    bot.stand_in.fail_next("chat.postMessage", status=500, error="internal_error", times=3)
    assert (await sweeper(bot).sweep()).failed
    at(bot, REVISIT_DAY + timedelta(minutes=2))
    report = await sweeper(bot).sweep()
    assert (report.sent, report.resent) == (1, 0)
    assert len(direct_messages(bot, ALICE)) == 1


async def test_the_thread_line_of_a_recorded_revisit_is_not_lost_to_a_crash(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB], kind="type2")
    await died_mid_send(bot, recorded=True)  # killed before posting the thread line

    at(bot, REVISIT_DAY)
    report = await sweeper(bot).sweep()  # any process, straight away
    assert (report.sent, report.thread_lines) == (0, 1)
    assert len(direct_messages(bot, ALICE)) == 1
    (line,) = bot.stand_in.thread(CHANNEL, card["ts"])  # type: ignore[arg-type]
    assert f"<@{ALICE}> has been asked whether this still holds" in line["text"]
    assert (await sweeper(bot).sweep()).thread_lines == 0  # once
