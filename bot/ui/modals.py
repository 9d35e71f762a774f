"""The small forms: voicing dissent, answering it, changing a decision's type, withdrawing it
and marking it superseded."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.ids import INPUT
from bot.ids import Block as BlockId
from bot.ids import View as ViewId
from bot.parsing import UnreadablePayload, is_number, read_metadata, require_day
from bot.services.classification import DOOR, TYPE_LABEL
from bot.services.dissent import ANSWER_MAX, PREDICTION_MAX, REASON_MAX, WOULD_CHANGE_MAX
from bot.services.endings import WITHDRAW_REASON_MAX
from bot.ui.card import next_look_name
from bot.ui.text import mention, quote, safe_mrkdwn
from storage.models import Decision, DecisionType, Dissent


def modal_metadata(**ids: int | str) -> str:
    return json.dumps(ids)


def _metadata_value(metadata: object, key: str) -> object:
    return read_metadata(metadata, "the form").get(key)


def read_modal_metadata(metadata: object, key: str) -> int:
    value = _metadata_value(metadata, key)
    if not is_number(value):
        raise UnreadablePayload(f"the form's private_metadata has no number {key}")
    assert isinstance(value, int)
    return value


def read_modal_text(metadata: object, key: str) -> str:
    value = _metadata_value(metadata, key)
    if not isinstance(value, str):
        raise UnreadablePayload(f"the form's private_metadata has no {key}")
    return value


def read_modal_date(metadata: object, key: str) -> date:
    return require_day(read_modal_text(metadata, key), f"the form's {key}")


def modal(
    callback_id: str, title: str, submit: str, metadata: str, blocks: list[Block]
) -> dict[str, Any]:
    view = View(
        type="modal",
        callback_id=callback_id,
        title=title,
        submit=submit,
        close="Cancel",
        private_metadata=metadata,
        blocks=blocks,
    )
    return view.to_dict()


def about(decision: Decision) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=f"*{safe_mrkdwn(decision.title, 150)}*"))


def build_dissent_modal(decision: Decision) -> dict[str, Any]:
    """Asks why the person disagrees, what would change their mind, and what would show
    they were right (a prediction the decider calls at the revisit)."""
    assert decision.id is not None
    return modal(
        ViewId.DISSENT,
        "Disagree",
        "Post dissent",
        modal_metadata(decision_id=decision.id),
        [
            about(decision),
            InputBlock(
                block_id=BlockId.DISSENT_REASON,
                label="Why do you disagree?",
                element=PlainTextInputElement(
                    action_id=INPUT, multiline=True, max_length=REASON_MAX
                ),
                hint="Posted in the decision's thread; the decider is asked to answer it.",
            ),
            InputBlock(
                block_id=BlockId.DISSENT_WOULD_CHANGE,
                label="What would change your mind?",
                optional=True,
                element=PlainTextInputElement(
                    action_id=INPUT, multiline=True, max_length=WOULD_CHANGE_MAX
                ),
            ),
            InputBlock(
                block_id=BlockId.DISSENT_PREDICTION,
                label="What would show you were right?",
                optional=True,
                element=PlainTextInputElement(
                    action_id=INPUT,
                    multiline=True,
                    max_length=PREDICTION_MAX,
                    placeholder="Ops cost goes over 2 days a month by March",
                ),
                hint=f"A prediction that can be checked. At the {next_look_name(decision)}, the "
                "decider says whether it came true, and the record credits you if it did.",
            ),
        ],
    )


def build_answer_modal(decision: Decision, dissent: Dissent) -> dict[str, Any]:
    """Asks the decider what they heard in a dissent and how they weighed it."""
    assert dissent.id is not None
    heard_before = dissent.heard or None
    weighed_before = dissent.weighed or None
    return modal(
        ViewId.ANSWER,
        "Answer dissent",
        "Post answer",
        modal_metadata(dissent_id=dissent.id),
        [
            about(decision),
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"{mention(dissent.user_id)} disagrees:\n{quote(dissent.reason, 2800)}"
                )
            ),
            InputBlock(
                block_id=BlockId.ANSWER_HEARD,
                label="What I heard",
                element=PlainTextInputElement(
                    action_id=INPUT,
                    multiline=True,
                    max_length=ANSWER_MAX,
                    initial_value=heard_before,
                ),
            ),
            InputBlock(
                block_id=BlockId.ANSWER_WEIGHED,
                label="How I weighed it",
                element=PlainTextInputElement(
                    action_id=INPUT,
                    multiline=True,
                    max_length=ANSWER_MAX,
                    initial_value=weighed_before,
                ),
            ),
        ],
    )


def build_change_type_modal(decision: Decision) -> dict[str, Any]:
    """Lets the decider switch between Type 1 and Type 2, saying why."""
    assert decision.id is not None
    options = [
        Option(value=kind, label=f"{TYPE_LABEL[kind]}: {DOOR[kind]}")
        for kind in (DecisionType.TYPE_1, DecisionType.TYPE_2)
    ]
    current = next(o for o in options if o.value == decision.decision_type)
    return modal(
        ViewId.CHANGE_TYPE,
        "Change type",
        "Change",
        modal_metadata(decision_id=decision.id),
        [
            about(decision),
            InputBlock(
                block_id=BlockId.NEW_TYPE,
                label="Type",
                element=RadioButtonsElement(
                    action_id=INPUT, options=options, initial_option=current
                ),
                hint="Type 1 stays open for input for 3 days; Type 2 is decided now and revisited in 30.",
            ),
            InputBlock(
                block_id=BlockId.TYPE_CHANGE_REASON,
                label="Why the change?",
                optional=True,
                element=PlainTextInputElement(action_id=INPUT, multiline=True, max_length=1000),
            ),
        ],
    )


def build_withdraw_modal(decision: Decision) -> dict[str, Any]:
    """Asks why the decision is withdrawn; the card and the log keep the answer."""
    assert decision.id is not None
    return modal(
        ViewId.WITHDRAW,
        "Withdraw decision",
        "Withdraw",
        modal_metadata(decision_id=decision.id),
        [
            about(decision),
            SectionBlock(
                text=MarkdownTextObject(
                    text="A withdrawn decision no longer stands: nobody is asked to commit to it "
                    "and it won't be revisited. It stays in the log, with your reason."
                )
            ),
            InputBlock(
                block_id=BlockId.WITHDRAW_REASON,
                label="Why is it withdrawn?",
                element=PlainTextInputElement(
                    action_id=INPUT, multiline=True, max_length=WITHDRAW_REASON_MAX
                ),
            ),
        ],
    )


SUPERSEDE_WITH_NEW = "new"
SUPERSEDE_WITH_EXISTING = "existing"


def build_supersede_modal(decision: Decision) -> dict[str, Any]:
    """Asks what replaces the decision: a new one, recorded next, or one already recorded."""
    assert decision.id is not None
    options = [
        Option(
            value=SUPERSEDE_WITH_NEW,
            label="A new decision",
            description="Next, the /decide form opens, filled in from this one.",
        ),
        Option(
            value=SUPERSEDE_WITH_EXISTING,
            label="A decision already recorded",
            description="Give its number below.",
        ),
    ]
    return modal(
        ViewId.SUPERSEDE,
        "Mark superseded",
        "Next",
        modal_metadata(decision_id=decision.id),
        [
            about(decision),
            InputBlock(
                block_id=BlockId.SUPERSEDE_HOW,
                label="What replaces it?",
                element=RadioButtonsElement(
                    action_id=INPUT, options=options, initial_option=options[0]
                ),
            ),
            InputBlock(
                block_id=BlockId.SUPERSEDED_BY,
                label="Number of the decision that replaces it",
                optional=True,
                element=PlainTextInputElement(action_id=INPUT, placeholder="12", max_length=20),
                hint="Shown on its card and in /decide list.",
            ),
        ],
    )
