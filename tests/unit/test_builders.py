"""The Block Kit builders, checked by the stand-in's Slack rules at and beyond their limits."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.ids import Action
from bot.ui.card import build_decision_card
from bot.ui.decide_modal import DecideModalOrigin, DecideModalState, build_decide_modal
from bot.ui.modals import (
    build_answer_modal,
    build_change_type_modal,
    build_dissent_modal,
    build_supersede_modal,
    build_withdraw_modal,
)
from bot.ui.text import escape, truncate
from bot.ui.thread import build_answer_message, build_dissent_message
from storage.models import (
    Commitment,
    Decision,
    DecisionStatus,
    DecisionType,
    Dissent,
    Ending,
    Stance,
)
from storage.repository import DecisionRecord
from tests.harness import blocks_text
from tests.slack_stand_in.block_kit import check_blocks, check_view

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def decision(**changes: object) -> Decision:
    base: dict[str, object] = dict(
        id=7,
        team_id="T1",
        channel_id="C1",
        message_ts="1.1",
        title="Use Postgres",
        what_and_why="Transactions.",
        decider_id="U1",
        recorder_id="U1",
        decision_type=DecisionType.TYPE_1,
        type_reason="Chosen.",
        status=DecisionStatus.OPEN,
        commit_by=date(2026, 11, 26),
        created_at=NOW,
        updated_at=NOW,
    )
    return Decision(**(base | changes))


def test_escape_neutralises_slack_control_characters() -> None:
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_truncate_never_splits_an_escape() -> None:
    cut = truncate("a" * 8 + "&amp;" + "b" * 10, 12)
    assert cut == "a" * 8 + "…"
    assert truncate("short", 10) == "short"


def test_a_card_with_the_longest_text_and_hundreds_of_people_is_valid_for_slack() -> None:
    worst = "&<>" * 1000  # 3,000 characters that triple in length when escaped
    stakeholders = [f"U{i:05d}" for i in range(30)]
    commitments = {
        f"W{i:05d}": Commitment(
            decision_id=7, team_id="T1", user_id=f"W{i:05d}", stance=Stance.AGREE, committed_at=NOW
        )
        for i in range(400)
    }
    record = DecisionRecord(
        decision=decision(
            title="T" * 150, what_and_why=worst, options_considered=worst, type_reason=worst
        ),
        stakeholder_ids=stakeholders,
        commitments=commitments,
        dissents=[],
    )
    card = build_decision_card(record)
    assert check_blocks(card.blocks, surface="message") == []
    text = "\n".join(str(b) for b in card.blocks)
    assert "…and 390 more" in text
    assert "0 of 30 asked have committed · 400 more committed" in text


def test_a_closed_card_asks_no_commitment_and_an_ended_one_offers_nothing() -> None:
    def buttons(**fields: object) -> list[str]:
        record = DecisionRecord(
            decision=decision(status=DecisionStatus.CLOSED, closed_at=NOW, **fields),
            stakeholder_ids=[],
            commitments={},
        )
        blocks = build_decision_card(record).blocks
        return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]

    # Closed, it still stands: it can be superseded or withdrawn, but nobody commits any more.
    assert buttons() == [Action.OPEN_SUPERSEDE, Action.OPEN_WITHDRAW]
    assert buttons(ended_as=Ending.CLOSED) == [Action.OPEN_SUPERSEDE, Action.OPEN_WITHDRAW]
    for ending in (Ending.WITHDRAWN, Ending.SUPERSEDED, Ending.REVERSED):
        assert buttons(ended_as=ending) == []


def test_a_closed_card_says_how_it_ended() -> None:
    def status(**fields: object) -> str:
        record = DecisionRecord(
            decision=decision(status=DecisionStatus.CLOSED, closed_at=NOW, **fields),
            stakeholder_ids=[],
            commitments={},
        )
        return blocks_text(build_decision_card(record).blocks)

    assert "Closed on Mon 23 Nov 2026" in status()
    assert "Withdrawn on Mon 23 Nov 2026" in status(ended_as=Ending.WITHDRAWN, end_reason="No.")
    assert "*Withdrawn:* No." in status(ended_as=Ending.WITHDRAWN, end_reason="No.")
    assert "Superseded by #7 on" in status(ended_as=Ending.SUPERSEDED, superseded_by_id=7)
    assert "Reversed on Mon 23 Nov 2026" in status(ended_as=Ending.REVERSED)


def test_every_modal_is_valid_for_slack_at_its_largest() -> None:
    origin = DecideModalOrigin(
        channel_id="C1", response_url="https://hooks.slack.com/commands/T1/1/x"
    )
    for choice in (None, "type1", "type2", "not_sure"):
        view = build_decide_modal(
            DecideModalState(origin=origin, decider_id="U1", today=NOW.date(), type_choice=choice)
        )
        assert check_view(view) == [], choice
    dissent = Dissent(
        id=3,
        decision_id=7,
        team_id="T1",
        user_id="U2",
        reason="&" * 3000,
        created_at=NOW,
        would_change_mind="<" * 1000,
        heard="h" * 3000,
        weighed="w" * 3000,
    )
    long_title = decision(title="<" * 150)
    for view in (
        build_dissent_modal(long_title),
        build_answer_modal(long_title, dissent),
        build_change_type_modal(long_title),
        build_withdraw_modal(long_title),
        build_supersede_modal(long_title),
    ):
        assert check_view(view) == []
    for message in (
        build_dissent_message(long_title, dissent),
        build_answer_message(long_title, dissent),
    ):
        assert check_blocks(message.blocks, surface="message") == []
        assert "<" not in message.text.replace("<@U1>", "").replace("<@U2>", "")
