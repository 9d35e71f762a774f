"""The /decide form. It redraws itself when the type changes, to ask the three questions or
show the date that goes with the type; Slack keeps what was typed across each redraw."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.ids import INPUT, Action
from bot.ids import Block as BlockId
from bot.ids import View as ViewId
from bot.parsing import UnreadablePayload, is_channel_id, is_number, is_user_id, read_metadata
from bot.services.classification import (
    Affected,
    ClassificationAnswers,
    LocksIn,
    Undo,
    describe_suggestion,
    suggest_type,
)
from bot.services.decisions import (
    COMMIT_BY_DEFAULT_DAYS,
    NOT_SURE,
    REVISIT_DEFAULT_DAYS,
    STAKEHOLDERS_MAX,
    TEXT_MAX,
    TITLE_MAX,
)
from bot.ui.text import format_date, mention, quote
from storage.models import CONFIDENCE_LEVELS, DecisionType
from storage.repository import DecisionRecord

TYPE_OPTIONS = [
    (
        DecisionType.TYPE_1,
        "Type 1: one-way door",
        "Costly or impossible to undo. Stays open for input.",
    ),
    (DecisionType.TYPE_2, "Type 2: two-way door", "Cheap to undo. Decided now, revisited later."),
    (NOT_SURE, "Not sure", "Answer three questions and get a suggestion."),
]
QUESTIONS: list[tuple[str, str, str, list[tuple[str, str]]]] = [
    (
        BlockId.UNDO_CHEAPLY,
        Action.UNDO_CHEAPLY,
        "Can we undo it cheaply within a few weeks?",
        [(Undo.YES, "Yes"), (Undo.NO, "No"), (Undo.UNSURE, "Not sure")],
    ),
    (
        BlockId.LOCKS_IN,
        Action.LOCKS_IN,
        "Does it lock in customers, money, contracts or data?",
        [(LocksIn.YES, "Yes"), (LocksIn.NO, "No")],
    ),
    (
        BlockId.WHO_IS_AFFECTED,
        Action.WHO_IS_AFFECTED,
        "Who is affected if it is wrong?",
        [
            (Affected.TEAM, "Just our team"),
            (Affected.OTHER_TEAMS, "Other teams"),
            (Affected.CUSTOMERS, "Customers or the whole company"),
        ],
    ),
]


SOURCE_QUOTE_MAX = 600  # of the message a decision is recorded from, kept in the metadata


@dataclass(frozen=True)
class DecideModalOrigin:
    """Where the form was opened from; kept in the view's private_metadata."""

    channel_id: str
    response_url: str | None = None
    # Set when the form was opened by "Supersede" on a revisit: the decision it replaces.
    supersedes_id: int | None = None
    supersedes_due_on: str | None = None
    # Set when opened by "Record as decision" on a message: that message and its author.
    source_link: str | None = None
    source_quote: str | None = None
    source_author: str | None = None

    def to_metadata(self) -> str:
        return json.dumps(
            {
                "channel_id": self.channel_id,
                "response_url": self.response_url,
                "supersedes_id": self.supersedes_id,
                "supersedes_due_on": self.supersedes_due_on,
                "source_link": self.source_link,
                "source_quote": (self.source_quote or "")[:SOURCE_QUOTE_MAX] or None,
                "source_author": self.source_author,
            }
        )

    @classmethod
    def from_metadata(cls, metadata: object) -> DecideModalOrigin:
        """What to_metadata wrote; UnreadablePayload for anything else."""
        data = read_metadata(metadata, "the /decide form")
        texts = ("response_url", "supersedes_due_on", "source_link", "source_quote")
        supersedes_id, author = data.get("supersedes_id"), data.get("source_author")
        if (
            not is_channel_id(data.get("channel_id"))
            or any(not isinstance(data.get(key), str | None) for key in texts)
            or not (supersedes_id is None or is_number(supersedes_id))
            or not (author is None or is_user_id(author))
        ):
            raise UnreadablePayload("the /decide form's private_metadata is not what we wrote")
        return cls(
            channel_id=data["channel_id"],
            response_url=data.get("response_url"),
            supersedes_id=supersedes_id,
            supersedes_due_on=data.get("supersedes_due_on"),
            source_link=data.get("source_link"),
            source_quote=data.get("source_quote"),
            source_author=author,
        )


@dataclass(frozen=True)
class DecideModalState:
    """What the form should look like now: what it was opened with and the choices made so far."""

    origin: DecideModalOrigin
    decider_id: str
    today: date
    title: str = ""
    what_and_why: str = ""
    type_choice: str | None = None
    answers: ClassificationAnswers = field(default_factory=ClassificationAnswers)

    @property
    def effective_type(self) -> DecisionType | None:
        if self.type_choice in (DecisionType.TYPE_1, DecisionType.TYPE_2):
            return DecisionType(self.type_choice)
        if self.type_choice == NOT_SURE and self.answers.complete:
            return suggest_type(self.answers).decision_type
        return None


def _option(value: str, text: str, description: str | None = None) -> Option:
    return Option(value=value, label=text, description=description)


def _radio(
    action_id: str, choices: list[tuple[str, str]], selected: str | None
) -> RadioButtonsElement:
    options = [_option(value, text) for value, text in choices]
    initial = next((o for o in options if o.value == selected), None)
    return RadioButtonsElement(action_id=action_id, options=options, initial_option=initial)


def _type_block(state: DecideModalState) -> InputBlock:
    options = [_option(value, text, description) for value, text, description in TYPE_OPTIONS]
    initial = next((o for o in options if o.value == state.type_choice), None)
    return InputBlock(
        block_id=BlockId.TYPE,
        label="Type",
        dispatch_action=True,
        element=RadioButtonsElement(
            action_id=Action.TYPE_CHOICE, options=options, initial_option=initial
        ),
    )


def _question_blocks(state: DecideModalState) -> list[Block]:
    chosen: dict[str, str | None] = {
        BlockId.UNDO_CHEAPLY: state.answers.undo_cheaply,
        BlockId.LOCKS_IN: state.answers.locks_in,
        BlockId.WHO_IS_AFFECTED: state.answers.affected,
    }
    blocks: list[Block] = [
        InputBlock(
            block_id=block_id,
            label=label,
            dispatch_action=True,
            element=_radio(action_id, choices, chosen[block_id]),
        )
        for block_id, action_id, label, choices in QUESTIONS
    ]
    if state.answers.complete:
        suggestion = describe_suggestion(suggest_type(state.answers))
        text = f":bulb: *Suggested:* {suggestion} Pick it above to make it yours, or keep \u201cNot sure\u201d to use it."
    else:
        text = "Answer all three to see which type this is."
    blocks.append(
        ContextBlock(block_id=BlockId.SUGGESTION, elements=[MarkdownTextObject(text=text)])
    )
    return blocks


def _date_blocks(state: DecideModalState) -> list[Block]:
    kind = state.effective_type
    blocks: list[Block] = []
    if kind in (None, DecisionType.TYPE_1):
        default = format_date(state.today + timedelta(days=COMMIT_BY_DEFAULT_DAYS))
        blocks.append(
            InputBlock(
                block_id=BlockId.COMMIT_BY,
                label="Commit by",
                optional=True,
                hint=f"Type 1 only: open for input until then. Default: {default}.",
                element=DatePickerElement(action_id=INPUT, placeholder=f"Default: {default}"),
            )
        )
    if kind is DecisionType.TYPE_1:
        blocks.append(
            InputBlock(
                block_id=BlockId.REVIEW_ON,
                label="Review the outcome on",
                optional=True,
                hint="Type 1 only: the day to look back at how it turned out. Leave empty for none.",
                element=DatePickerElement(action_id=INPUT),
            )
        )
    if kind in (None, DecisionType.TYPE_2):
        default = format_date(state.today + timedelta(days=REVISIT_DEFAULT_DAYS))
        blocks.append(
            InputBlock(
                block_id=BlockId.REVISIT_ON,
                label="Revisit on",
                optional=True,
                hint=f"Type 2 only: the day we come back to it. Default: {default}.",
                element=DatePickerElement(action_id=INPUT, placeholder=f"Default: {default}"),
            )
        )
    return blocks


CONFIDENCE_WORDS = {50: "a coin toss", 90: "near certain"}


def _confidence_block() -> InputBlock:
    options = [
        _option(
            str(level),
            f"{level}%" + (f" ({CONFIDENCE_WORDS[level]})" if level in CONFIDENCE_WORDS else ""),
        )
        for level in CONFIDENCE_LEVELS
    ]
    return InputBlock(
        block_id=BlockId.CONFIDENCE,
        label="How sure are you that this is right?",
        optional=True,
        hint="Checked against how it turns out at each look back: /decide stats shows "
        "how well your confidence matches.",
        element=StaticSelectElement(action_id=INPUT, options=options, placeholder="Say how sure"),
    )


def wording_blocks(title: str, what_and_why: str, options: str | None) -> list[Block]:
    """What a decision says: its title, what and why, and the options considered."""
    return [
        InputBlock(
            block_id=BlockId.TITLE,
            label="Title",
            element=PlainTextInputElement(
                action_id=INPUT,
                max_length=TITLE_MAX,
                initial_value=title or None,
                placeholder="Move billing to Postgres",
            ),
        ),
        InputBlock(
            block_id=BlockId.WHAT_AND_WHY,
            label="What was decided, and why",
            element=PlainTextInputElement(
                action_id=INPUT,
                multiline=True,
                max_length=TEXT_MAX,
                initial_value=what_and_why or None,
            ),
        ),
        InputBlock(
            block_id=BlockId.OPTIONS,
            label="Options considered",
            optional=True,
            element=PlainTextInputElement(
                action_id=INPUT, multiline=True, max_length=TEXT_MAX, initial_value=options or None
            ),
        ),
    ]


def _source_blocks(origin: DecideModalOrigin) -> list[Block]:
    """The message a decision is being recorded from, quoted above the form."""
    if origin.source_quote is None and origin.source_link is None:
        return []
    by = f" by {mention(origin.source_author)}" if origin.source_author else ""
    where = f"<{origin.source_link}|this message>" if origin.source_link else "this message"
    text = f"Recording a decision from {where}{by}:\n{quote(origin.source_quote or '', 1500)}"
    return [ContextBlock(block_id=BlockId.SOURCE, elements=[MarkdownTextObject(text=text)])]


def _supersedes_blocks(origin: DecideModalOrigin) -> list[Block]:
    if origin.supersedes_id is None:
        return []
    text = (
        f"This new decision supersedes decision #{origin.supersedes_id}, "
        "which will be marked superseded when you record this one."
    )
    return [ContextBlock(elements=[MarkdownTextObject(text=text)])]


def superseding_form(
    record: DecisionRecord, *, due_on: date | None, decider_id: str, today: date
) -> DecideModalState:
    """The form for the decision that replaces `record`, starting from what it said.

    `due_on` is the revisit being answered, when it is superseded at its revisit.
    """
    old = record.decision
    return DecideModalState(
        origin=DecideModalOrigin(
            channel_id=old.channel_id,
            supersedes_id=record.id,
            supersedes_due_on=due_on.isoformat() if due_on else None,
        ),
        decider_id=decider_id,
        today=today,
        title=old.title,
        what_and_why=old.what_and_why,
    )


def build_decide_modal(state: DecideModalState) -> dict[str, Any]:
    """The /decide form, drawn for the choices made so far."""
    blocks: list[Block] = [
        *_supersedes_blocks(state.origin),
        *_source_blocks(state.origin),
        *wording_blocks(state.title, state.what_and_why, None),
        InputBlock(
            block_id=BlockId.DECIDER,
            label="Decider (the one owner)",
            element=UserSelectElement(action_id=INPUT, initial_user=state.decider_id),
        ),
        InputBlock(
            block_id=BlockId.STAKEHOLDERS,
            label="Whose commitment do you need?",
            optional=True,
            hint="They get buttons to agree and commit, disagree and commit, or disagree first.",
            element=UserMultiSelectElement(action_id=INPUT, max_selected_items=STAKEHOLDERS_MAX),
        ),
        _type_block(state),
    ]
    if state.type_choice == NOT_SURE:
        blocks += _question_blocks(state)
    blocks += _date_blocks(state)
    blocks.append(_confidence_block())
    view = View(
        type="modal",
        callback_id=ViewId.DECIDE,
        title="Record a decision",
        submit="Record",
        close="Cancel",
        private_metadata=state.origin.to_metadata(),
        blocks=blocks,
    )
    return view.to_dict()
