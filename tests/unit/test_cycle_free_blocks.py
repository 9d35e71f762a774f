"""Block Kit turned into dicts without reference cycles, and exactly as slack_sdk would."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.ui import cycle_free_blocks
from bot.ui.card import build_decision_card
from bot.ui.decide_modal import DecideModalOrigin, DecideModalState, build_decide_modal
from bot.ui.modals import build_answer_modal, build_dissent_modal
from bot.ui.thread import build_dissent_message
from storage.models import Commitment, Dissent, Stance
from storage.repository import DecisionRecord
from tests.unit.test_builders import NOW, decision

DISSENT = Dissent(
    id=3,
    decision_id=7,
    team_id="T1",
    user_id="U2",
    reason="Too soon & <costly>",
    created_at=NOW,
    would_change_mind="A pilot",
)


def card() -> Any:
    record = DecisionRecord(
        decision=decision(options_considered="Keep MySQL"),
        stakeholder_ids=["U2", "U3"],
        commitments={
            f"W{i}": Commitment(
                decision_id=7, team_id="T1", user_id=f"W{i}", stance=Stance.AGREE, committed_at=NOW
            )
            for i in range(45)
        },
        dissents=[DISSENT],
    )
    return build_decision_card(record).blocks


def decide_forms() -> Any:
    origin = DecideModalOrigin(channel_id="C1", response_url="https://hooks.slack.com/x")
    return [
        build_decide_modal(
            DecideModalState(origin=origin, decider_id="U1", today=NOW.date(), type_choice=choice)
        )
        for choice in (None, "type1", "type2", "not_sure")
    ]


def dissent_flow() -> Any:
    return [
        build_dissent_modal(decision()),
        build_answer_modal(decision(), DISSENT),
        build_dissent_message(decision(), DISSENT).blocks,
    ]


BUILDS: list[Callable[[], Any]] = [card, decide_forms, dissent_flow]


@pytest.fixture
def slack_sdks_own() -> Iterator[None]:
    cycle_free_blocks.restore_slack_sdks_method()
    yield
    cycle_free_blocks.serialise_blocks_without_cycles()


def cyclic_garbage_left_by(build: Callable[[], Any]) -> int:
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        build()
        gc.collect()
        return len(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


@pytest.mark.parametrize("build", BUILDS, ids=lambda build: build.__name__)
def test_the_dicts_are_the_ones_slack_sdk_makes(build: Callable[[], Any]) -> None:
    ours = build()
    cycle_free_blocks.restore_slack_sdks_method()
    try:
        theirs = build()
    finally:
        cycle_free_blocks.serialise_blocks_without_cycles()
    assert ours == theirs


@pytest.mark.parametrize("build", BUILDS, ids=lambda build: build.__name__)
def test_building_leaves_nothing_for_the_cycle_collector(build: Callable[[], Any]) -> None:
    assert cyclic_garbage_left_by(build) == 0


@pytest.mark.usefixtures("slack_sdks_own")
def test_slack_sdks_own_method_leaves_cycles_so_it_is_replaced() -> None:
    # When a slack_sdk release stops making cycles, this fails: the swap can then go.
    assert cycle_free_blocks.slack_sdk_leaves_cycles()
    assert cyclic_garbage_left_by(decide_forms) > 100
