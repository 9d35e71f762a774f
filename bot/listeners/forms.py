"""Reading what people entered in our modals, from view.state.values."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from bot.ids import INPUT, Action, Block
from bot.listeners.payload import valid_user_ids
from bot.parsing import is_user_id, read_number, require_day
from bot.services.classification import Affected, ClassificationAnswers, LocksIn, Undo
from bot.services.decisions import DecisionDraft
from bot.ui.decide_modal import DecideModalOrigin, DecideModalState


def view_value(view: dict[str, Any], block_id: str, action_id: str = INPUT) -> dict[str, Any]:
    """The state Slack sent for one input: {"value": ...}, {"selected_users": [...]}, ..."""
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    block = values.get(block_id) if isinstance(values, dict) else None
    element = block.get(action_id) if isinstance(block, dict) else None
    return element if isinstance(element, dict) else {}


def text_value(view: dict[str, Any], block_id: str) -> str:
    value = view_value(view, block_id).get("value")
    return value if isinstance(value, str) else ""


def selected_value(view: dict[str, Any], block_id: str, action_id: str = INPUT) -> str | None:
    option = view_value(view, block_id, action_id).get("selected_option")
    return option.get("value") if isinstance(option, dict) else None


def selected_date(view: dict[str, Any], block_id: str) -> date | None:
    picked = view_value(view, block_id).get("selected_date")
    return require_day(picked, f"the date in {block_id}") if picked else None


E = TypeVar("E", bound=StrEnum)


def _enum_or_none(kind: type[E], value: str | None) -> E | None:
    try:
        return kind(value) if value is not None else None
    except ValueError:
        return None


def read_answers(view: dict[str, Any]) -> ClassificationAnswers:
    return ClassificationAnswers(
        undo_cheaply=_enum_or_none(
            Undo, selected_value(view, Block.UNDO_CHEAPLY, Action.UNDO_CHEAPLY)
        ),
        locks_in=_enum_or_none(LocksIn, selected_value(view, Block.LOCKS_IN, Action.LOCKS_IN)),
        affected=_enum_or_none(
            Affected, selected_value(view, Block.WHO_IS_AFFECTED, Action.WHO_IS_AFFECTED)
        ),
    )


def _chosen_user(view: dict[str, Any], block_id: str) -> str:
    """The person picked in a users_select, or "" (then the form says to choose one)."""
    picked = view_value(view, block_id).get("selected_user")
    return picked if is_user_id(picked) else ""


def chosen_users(view: dict[str, Any], block_id: str) -> list[str]:
    """The people picked in a multi_users_select (only what are user ids)."""
    picked = view_value(view, block_id).get("selected_users")
    return valid_user_ids(picked) if isinstance(picked, list) else []


def read_decide_state(view: dict[str, Any], *, user_id: str, today: date) -> DecideModalState:
    """The form's state now, to redraw it after the type or a question changes."""
    return DecideModalState(
        origin=DecideModalOrigin.from_metadata(view.get("private_metadata", "")),
        decider_id=_chosen_user(view, Block.DECIDER) or user_id,
        today=today,
        type_choice=selected_value(view, Block.TYPE, Action.TYPE_CHOICE),
        answers=read_answers(view),
    )


def read_decide_draft(view: dict[str, Any], *, team_id: str, user_id: str) -> DecisionDraft:
    """The submitted /decide form as a draft for the decisions service to check."""
    origin = DecideModalOrigin.from_metadata(view.get("private_metadata", ""))
    return DecisionDraft(
        team_id=team_id,
        channel_id=origin.channel_id,
        recorder_id=user_id,
        title=text_value(view, Block.TITLE),
        what_and_why=text_value(view, Block.WHAT_AND_WHY),
        options_considered=text_value(view, Block.OPTIONS),
        decider_id=_chosen_user(view, Block.DECIDER),
        stakeholder_ids=chosen_users(view, Block.STAKEHOLDERS),
        type_choice=selected_value(view, Block.TYPE, Action.TYPE_CHOICE),
        answers=read_answers(view),
        commit_by=selected_date(view, Block.COMMIT_BY),
        revisit_on=selected_date(view, Block.REVISIT_ON),
        review_on=selected_date(view, Block.REVIEW_ON),
        source_link=origin.source_link,
        confidence=read_number(selected_value(view, Block.CONFIDENCE)),
    )
