"""What the scheduler sends: revisits, reminders and summaries, and the revisit form."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
)

from bot.ids import INPUT, Action
from bot.ids import Block as BlockId
from bot.ids import View as ViewId
from bot.parsing import read_day, read_number
from bot.services.revisits import LEARNED_MAX, REASON_MAX, dissents_to_call
from bot.ui.card import commit_buttons, next_look_name
from bot.ui.credit import CALL_LABEL, called_it
from bot.ui.modals import about, modal, modal_metadata
from bot.ui.text import Message, block_dicts, format_date, mention, quoted_title, safe_mrkdwn
from storage.models import (
    Decision,
    DecisionType,
    Disposition,
    Dissent,
    DissentCall,
    Outcome,
    Stance,
)
from storage.repository import DecisionRecord

WERE_WE_RIGHT = "Were we right?"
OUTCOME_LABEL = {
    Outcome.RIGHT: "Right: it did what we hoped",
    Outcome.PARTLY: "Partly right",
    Outcome.WRONG: "Wrong: we would decide differently now",
}
# The door question: Type 2 asks whether undoing was as cheap as thought, Type 1 whether it
# was one-way at all. Either "yes" means the door was called right.
DOOR_QUESTION = {
    DecisionType.TYPE_2: (
        "Was it as cheap to undo as we thought?",
        [("yes", "Yes"), ("no", "No: undoing it would have cost more than we thought")],
    ),
    DecisionType.TYPE_1: (
        "Looking back, was this really a one-way door?",
        [("yes", "Yes: it couldn't have been undone cheaply"), ("no", "No: it was a two-way door")],
    ),
}
DOOR_CALLED_RIGHT = "yes"
DOOR_CALL_SAID = {
    (DecisionType.TYPE_2, True): "the door was called right: as cheap to undo as we thought",
    (DecisionType.TYPE_2, False): "the door was called wrong: dearer to undo than we thought",
    (DecisionType.TYPE_1, True): "the door was called right: it really was one-way",
    (DecisionType.TYPE_1, False): "the door was called wrong: it was a two-way door",
}
# Two blocks each in a modal of at most 100: the longest-waiting are asked about first.
DISSENTS_CALLED_MAX = 20
DISPOSITION_DONE = {
    Disposition.KEEP: "kept it",
    Disposition.REVERSE: "reversed it",
    Disposition.LATER: "will revisit it later",
    Disposition.SUPERSEDE: "superseded it with a new decision",
}


def _title(record: DecisionRecord) -> str:
    return quoted_title(record.decision.title)


def revisit_button_value(decision_id: int, due_on: date) -> str:
    return f"{decision_id}|{due_on.isoformat()}"


def read_revisit_button_value(value: object) -> tuple[int, date] | None:
    """(decision id, due date) from a revisit button, or None if it isn't one we wrote."""
    number, _, due_on = str(value).partition("|")
    decision_id, day = read_number(number), read_day(due_on)
    return None if decision_id is None or day is None else (decision_id, day)


def build_revisit_message(record: DecisionRecord, due_on: date, *, nudge: bool) -> Message:
    """The decider's revisit (Type 2) or outcome review (Type 1): what now, and was it right."""
    decision = record.decision
    one_way = decision.decision_type is DecisionType.TYPE_1
    look = next_look_name(decision)
    if nudge:
        opening = f"A reminder: this {look} is still open."
    else:
        opening = (
            "Time to review how a decision turned out."
            if one_way
            else "Time to revisit a decision."
        )
    kind = "a Type 1 decision (a one-way door)" if one_way else "a Type 2 decision (a two-way door)"
    body = (
        f"{opening} {_title(record)} was {kind}, "
        f"decided on {format_date(decision.created_at.date())} and due for a look on "
        f"{format_date(due_on)}.\nDoes it still hold? {WERE_WE_RIGHT}"
    )
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=body)),
        SectionBlock(
            text=MarkdownTextObject(
                text="*What we decided and why*\n" + safe_mrkdwn(decision.what_and_why, 1500)
            )
        ),
        build_revisit_actions(decision, due_on, block_id=BlockId.REVISIT_ACTIONS),
    ]
    return Message(
        text=f"{opening} {_title(record)}: does it still hold?", blocks=block_dicts(blocks)
    )


def build_revisit_actions(
    decision: Decision, due_on: date, *, block_id: str | None = None
) -> ActionsBlock:
    """Keep, Reverse (Type 2 only: a one-way door can't be walked back), later, supersede."""
    assert decision.id is not None
    value = revisit_button_value(decision.id, due_on)
    buttons = [
        ButtonElement(text="Keep", action_id=Action.REVISIT_KEEP, value=value, style="primary"),
        ButtonElement(text="Reverse", action_id=Action.REVISIT_REVERSE, value=value),
        ButtonElement(text="Revisit later", action_id=Action.REVISIT_LATER, value=value),
        ButtonElement(text="Supersede", action_id=Action.REVISIT_SUPERSEDE, value=value),
    ]
    if decision.decision_type is DecisionType.TYPE_1:
        buttons = [b for b in buttons if b.action_id != Action.REVISIT_REVERSE]
    return ActionsBlock(block_id=block_id, elements=buttons)


def build_revisit_thread_line(record: DecisionRecord) -> Message:
    look = next_look_name(record.decision).capitalize()
    return Message(
        text=f"{look} day: {mention(record.decision.decider_id)} has been asked whether this "
        "still holds."
    )


def build_revisited_line(
    record: DecisionRecord,
    actor_id: str,
    disposition: Disposition,
    proved_right: Sequence[Dissent] = (),
) -> Message:
    """In the thread: what the revisit decided, and the credit for dissent that proved right."""
    decision = record.decision
    look = next_look_name(decision)
    line = f"{mention(actor_id)} held the {look} and {DISPOSITION_DONE[disposition]}"
    if decision.revisit_on:
        line += f"; next {look} on {format_date(decision.revisit_on)}"
    lines = [line + "."]
    for dissent in proved_right:
        said = dissent.prediction or dissent.reason
        lines.append(f"{called_it(dissent)}: {safe_mrkdwn(said, 1500)}")
    return Message(text="\n".join(lines))


def build_superseded_line(new: DecisionRecord, actor_id: str) -> Message:
    """In the old decision's thread: what replaced it."""
    return Message(text=f"{mention(actor_id)} superseded this with a new decision: {_title(new)}.")


def build_commit_reminder(record: DecisionRecord) -> Message:
    """One day before a Type 1 commit-by date, to a stakeholder who hasn't committed."""
    decision = record.decision
    due = format_date(decision.commit_by) if decision.commit_by else "soon"
    text = (
        f"{mention(decision.decider_id)} asked for your commitment on {_title(record)} "
        f"(Type 1, a one-way door) by {due}. Agree or disagree, please commit, or say why you "
        "disagree."
    )
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(block_id=BlockId.COMMIT_ACTIONS, elements=list(commit_buttons(record.id))),
    ]
    return Message(text=text, blocks=block_dicts(blocks))


def build_commit_summary(record: DecisionRecord) -> Message:
    """For the decider at the commit-by date: who committed, who didn't, what dissent is open."""
    agreed = [u for u, c in record.commitments.items() if c.stance is Stance.AGREE]
    disagreed = [u for u, c in record.commitments.items() if c.stance is Stance.DISAGREE]
    missing = [u for u in record.stakeholder_ids if u not in record.commitments]
    unanswered = [d.user_id for d in record.dissents if not d.is_answered]

    def people(users: list[str]) -> str:
        return ", ".join(mention(u) for u in users) or "nobody"

    lines = [
        f"The commit-by date of {_title(record)} has come.",
        f"*Agreed and committed:* {people(agreed)}",
        f"*Disagreed and committed:* {people(disagreed)}",
        f"*Not committed:* {people(missing)}",
    ]
    if unanswered:
        lines.append(f"*Dissent still waiting for your answer:* {people(unanswered)}")
    text = "\n".join(lines)
    return Message(
        text=text, blocks=block_dicts([SectionBlock(text=MarkdownTextObject(text=text))])
    )


def build_dissent_reminder(record: DecisionRecord) -> Message:
    unanswered = [d for d in record.dissents if not d.is_answered]
    who = ", ".join(mention(d.user_id) for d in unanswered)
    text = (
        f"Dissent on {_title(record)} from {who} has waited a day for your answer. "
        "Answering it (what you heard, how you weighed it) is what lets them commit."
    )
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
    for dissent in unanswered[:20]:
        assert dissent.id is not None
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"{mention(dissent.user_id)}: {safe_mrkdwn(dissent.reason, 500)}"
                ),
                accessory=ButtonElement(
                    text="Answer", action_id=Action.OPEN_ANSWER, value=str(dissent.id)
                ),
            )
        )
    return Message(text=text, blocks=block_dicts(blocks))


def dissent_call_block_id(dissent_id: int) -> str:
    return f"{BlockId.DISSENT_CALL_PREFIX}{dissent_id}"


def _dissent_call_blocks(record: DecisionRecord) -> list[Block]:
    """Each dissent not called yet, with what it predicted: did it prove right?"""
    dissents = dissents_to_call(record)[:DISSENTS_CALLED_MAX]
    if not dissents:
        return []
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text="*The dissent, and whether it proved right*\nA dissent that came true "
                "is credited on the card and in the thread, and its author is told."
            )
        )
    ]
    for dissent in dissents:
        assert dissent.id is not None
        text = f"{mention(dissent.user_id)} disagreed: {safe_mrkdwn(dissent.reason, 900)}"
        if dissent.prediction:
            text += f"\n*What would show they were right:* {safe_mrkdwn(dissent.prediction, 900)}"
        blocks += [
            SectionBlock(text=MarkdownTextObject(text=text)),
            InputBlock(
                block_id=dissent_call_block_id(dissent.id),
                label="Did it come true?",
                optional=True,
                element=RadioButtonsElement(
                    action_id=INPUT,
                    options=[Option(value=c, label=CALL_LABEL[c]) for c in DissentCall],
                ),
            ),
        ]
    return blocks


def build_called_it_notice(record: DecisionRecord, dissent: Dissent) -> Message:
    """Told privately to a dissenter whose dissent the decider judged to have come true."""
    look = next_look_name(record.decision)
    text = (
        f"You called it. At the {look} of {_title(record)}, {mention(record.decision.decider_id)} "
        "judged that your dissent came true. It is credited to you on the decision's card and "
        "in its record."
    )
    return Message(
        text=text, blocks=block_dicts([SectionBlock(text=MarkdownTextObject(text=text))])
    )


def build_revisit_modal(
    record: DecisionRecord, due_on: date, disposition: Disposition
) -> dict[str, Any]:
    """The revisit form for one disposition, with "were we right?" beside it."""
    fields: list[Block] = [about(record.decision)]
    if disposition is Disposition.REVERSE:
        fields.append(
            InputBlock(
                block_id=BlockId.REVISIT_REASON,
                label="Why reverse it?",
                element=PlainTextInputElement(
                    action_id=INPUT, multiline=True, max_length=REASON_MAX
                ),
            )
        )
    else:
        fields.append(
            InputBlock(
                block_id=BlockId.NEXT_REVISIT_ON,
                label="Look at it again on"
                if disposition is Disposition.LATER
                else f"Next {next_look_name(record.decision)}",
                optional=disposition is Disposition.KEEP,
                element=DatePickerElement(action_id=INPUT),
                hint="Leave empty if it needs no more revisits."
                if disposition is Disposition.KEEP
                else None,
            )
        )
    question, answers = DOOR_QUESTION[record.decision.decision_type]
    fields += [
        InputBlock(
            block_id=BlockId.REVISIT_DOOR,
            label=question,
            optional=True,
            element=RadioButtonsElement(
                action_id=INPUT,
                options=[Option(value=value, label=label) for value, label in answers],
            ),
        ),
        InputBlock(
            block_id=BlockId.REVISIT_OUTCOME,
            label=WERE_WE_RIGHT,
            optional=True,
            element=RadioButtonsElement(
                action_id=INPUT,
                options=[Option(value=o, label=OUTCOME_LABEL[o]) for o in Outcome],
            ),
        ),
        InputBlock(
            block_id=BlockId.REVISIT_LEARNED,
            label="What we learned",
            optional=True,
            element=PlainTextInputElement(action_id=INPUT, multiline=True, max_length=LEARNED_MAX),
        ),
        *_dissent_call_blocks(record),
    ]
    titles = {
        Disposition.KEEP: "Keep",
        Disposition.REVERSE: "Reverse",
        Disposition.LATER: "Revisit later",
    }
    return modal(
        ViewId.REVISIT,
        titles[disposition],
        "Record",
        modal_metadata(
            decision_id=record.id, due_on=due_on.isoformat(), disposition=disposition.value
        ),
        fields,
    )
