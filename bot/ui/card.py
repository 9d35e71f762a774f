"""The decision card: the message in the channel that shows a decision and who has committed."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.ids import Action
from bot.ids import Block as BlockId
from bot.services.classification import DOOR, TYPE_LABEL, TYPE_MEANING
from bot.ui.credit import CALLED_IT, called_it
from bot.ui.text import Message, block_dicts, escape, format_date, mention, safe_mrkdwn, truncate
from storage.models import Decision, DecisionStatus, DecisionType, Dissent, Ending, Stance
from storage.repository import DecisionRecord

PEOPLE_SHOWN_MAX = 40
TYPE_EMOJI = {DecisionType.TYPE_1: ":door:", DecisionType.TYPE_2: ":arrows_counterclockwise:"}


ENDING_NAME = {
    Ending.CLOSED: "Closed",
    Ending.WITHDRAWN: "Withdrawn",
    Ending.SUPERSEDED: "Superseded",
    Ending.REVERSED: "Reversed",
}


def describe_status(decision: Decision) -> str:
    if decision.status is DecisionStatus.CLOSED:
        on = f" on {format_date(decision.closed_at.date())}" if decision.closed_at else ""
        if decision.ended_as is Ending.SUPERSEDED and decision.superseded_by_id:
            return f"Superseded by #{decision.superseded_by_id}{on}"
        return ENDING_NAME[decision.ended_as or Ending.CLOSED] + on
    review = ""
    if decision.revisit_on:
        review = f" · {next_look_name(decision)} on {format_date(decision.revisit_on)}"
    if decision.status is DecisionStatus.OPEN and decision.commit_by:
        return f"Open for input until {format_date(decision.commit_by)}{review}"
    return f"Decided{review}"


def next_look_name(decision: Decision) -> str:
    """What looking back at a decision is called: Type 2s are revisited, Type 1s reviewed."""
    return "revisit" if decision.decision_type is DecisionType.TYPE_2 else "outcome review"


def describe_person(record: DecisionRecord, user_id: str) -> str:
    """One person's state on the card, and the credit if their dissent proved right."""
    dissent = next((d for d in record.dissents if d.user_id == user_id), None)
    state = _person_state(record, user_id, dissent)
    if dissent is not None and dissent.proved_right:
        state += f" · {CALLED_IT} called it"
    return state


def _person_state(record: DecisionRecord, user_id: str, dissent: Dissent | None) -> str:
    """Committed (which way), dissent awaiting answer, or waiting."""
    commitment = record.commitments.get(user_id)
    earlier = record.earlier.get(user_id)
    if commitment is None and earlier is not None:
        how = "agreed" if earlier.stance is Stance.AGREE else "disagreed"
        return (
            f":leftwards_arrow_with_hook: {mention(user_id)} {how} and committed to an earlier "
            "version; asked to commit again"
        )
    if commitment is not None:
        if commitment.stance is Stance.AGREE:
            return f":white_check_mark: {mention(user_id)} agreed and committed"
        return f":handshake: {mention(user_id)} disagreed and committed"
    if dissent is not None and not dissent.is_answered:
        return f":speech_balloon: {mention(user_id)} disagrees, awaiting the decider's answer"
    if dissent is not None:
        return f":hourglass_flowing_sand: {mention(user_id)} was answered, waiting for their commitment"
    return f":hourglass_flowing_sand: {mention(user_id)} waiting"


def people_on_card(record: DecisionRecord) -> list[str]:
    """Stakeholders first (in the order asked), then anyone else who dissented or committed.

    Of those who committed, only the ones loaded (all, unless it was loaded for a card).
    """
    people = list(record.stakeholder_ids)
    people += [d.user_id for d in record.dissents if d.user_id not in people]
    people += [u for u in record.commitments if u not in people]
    return people


def count_people_on_card(record: DecisionRecord) -> int:
    """How many people the card would list if it had room for everyone."""
    named = {*record.stakeholder_ids, *(d.user_id for d in record.dissents)}
    named_committed = sum(1 for user_id in named if user_id in record.commitments)
    return len(named) + record.commitment_count - named_committed


def summarize_commitments(record: DecisionRecord) -> str:
    asked = record.stakeholder_ids
    committed = sum(1 for user_id in asked if user_id in record.commitments)
    parts = [f"{committed} of {len(asked)} asked have committed"] if asked else []
    others = record.commitment_count - committed
    if others:
        parts.append(f"{others} more committed")
    unanswered = sum(1 for d in record.dissents if not d.is_answered)
    if unanswered:
        parts.append(f"{unanswered} dissent awaiting an answer")
    return " · ".join(parts) or "Nobody was asked to commit; anyone here can."


def describe_people(record: DecisionRecord) -> list[str]:
    """A line for each of the first people on the card, then how many more there are."""
    shown = people_on_card(record)[:PEOPLE_SHOWN_MAX]
    lines = [describe_person(record, user_id) for user_id in shown]
    people_count = count_people_on_card(record)
    if people_count > PEOPLE_SHOWN_MAX:
        lines.append(f"…and {people_count - PEOPLE_SHOWN_MAX} more")
    return lines


def credit_lines(record: DecisionRecord) -> list[str]:
    """Each dissent that proved right, credited with what it predicted."""
    lines = []
    for dissent in record.dissents:
        if dissent.proved_right:
            said = dissent.prediction or dissent.reason
            lines.append(f"{called_it(dissent)}: {safe_mrkdwn(said, 300)}")
    return lines


def _people_blocks(record: DecisionRecord) -> list[Block]:
    lines = describe_people(record)
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=f"*Commitments* · {summarize_commitments(record)}")
        )
    ]
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > 2900:
            blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(chunk))))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(chunk))))
    return blocks


def commit_buttons(decision_id: int, *, with_dissent: bool = True) -> list[ButtonElement]:
    value = str(decision_id)
    buttons = [
        ButtonElement(
            text="Agree & commit", action_id=Action.COMMIT_AGREE, value=value, style="primary"
        ),
        ButtonElement(text="Disagree & commit", action_id=Action.COMMIT_DISAGREE, value=value),
    ]
    if with_dissent:
        buttons.append(ButtonElement(text="Disagree", action_id=Action.OPEN_DISSENT, value=value))
    return buttons


def _decider_controls(decision: Decision) -> list[ButtonElement]:
    """Edit, change type and close while it is open or decided; withdraw and supersede while it
    still stands (a closed decision does); nothing once it no longer stands."""
    value = str(decision.id)
    buttons: list[ButtonElement] = []
    if decision.status is not DecisionStatus.CLOSED:
        buttons += [
            ButtonElement(text="Edit", action_id=Action.OPEN_EDIT, value=value),
            ButtonElement(text="Change type", action_id=Action.OPEN_CHANGE_TYPE, value=value),
            ButtonElement(
                text="Close decision",
                action_id=Action.CLOSE_DECISION,
                value=value,
                confirm=ConfirmObject(
                    title="Close this decision?",
                    text="Nobody will be able to commit or dissent any more.",
                    confirm="Close it",
                    deny="Keep it open",
                ),
            ),
        ]
    if decision.still_stands:
        buttons += [
            ButtonElement(text="Mark superseded", action_id=Action.OPEN_SUPERSEDE, value=value),
            ButtonElement(
                text="Withdraw", action_id=Action.OPEN_WITHDRAW, value=value, style="danger"
            ),
        ]
    return buttons


def _confidence_field(decision: Decision) -> list[MarkdownTextObject]:
    if decision.confidence is None:
        return []
    return [MarkdownTextObject(text=f"*Decider's confidence*\n{decision.confidence}%")]


def build_decision_card(record: DecisionRecord) -> Message:
    """The card for a decision: what, why, type, decider, status, each person's state, buttons."""
    decision = record.decision
    kind = decision.decision_type
    blocks: list[Block] = [
        HeaderBlock(text=truncate(decision.title, 150)),
        SectionBlock(
            fields=[
                MarkdownTextObject(text=f"*Decider*\n{mention(decision.decider_id)}"),
                MarkdownTextObject(
                    text=f"*Type*\n{TYPE_EMOJI[kind]} {TYPE_LABEL[kind]} · {DOOR[kind]}"
                ),
                MarkdownTextObject(text=f"*Status*\n{describe_status(decision)}"),
                MarkdownTextObject(text=f"*Recorded by*\n{mention(decision.recorder_id)}"),
                *_confidence_field(decision),
            ]
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{TYPE_LABEL[kind]}, a {TYPE_MEANING[kind]}. {safe_mrkdwn(decision.type_reason, 2000)}"
                )
            ]
        ),
        SectionBlock(
            text=MarkdownTextObject(
                text="*What we decided and why*\n" + safe_mrkdwn(decision.what_and_why, 2900)
            )
        ),
    ]
    if decision.options_considered:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text="*Options considered*\n" + safe_mrkdwn(decision.options_considered, 2900)
                )
            )
        )
    if decision.source_link:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=f"Recorded from <{decision.source_link}|a message>.")
                ]
            )
        )
    if decision.end_reason:
        ended = ENDING_NAME[decision.ended_as or Ending.CLOSED]
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=f"*{ended}:* {safe_mrkdwn(decision.end_reason, 1000)}")
                ]
            )
        )
    credits = credit_lines(record)[:10]
    if credits:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=truncate("*Dissent that proved right*\n" + "\n".join(credits), 3000)
                )
            )
        )
    blocks.append(DividerBlock())
    blocks += _people_blocks(record)
    if decision.status is not DecisionStatus.CLOSED:
        blocks.append(
            ActionsBlock(block_id=BlockId.COMMIT_ACTIONS, elements=commit_buttons(record.id))
        )
    controls = _decider_controls(decision)
    if controls:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text="For the decider, the recorder or an admin:")]
            )
        )
        blocks.append(ActionsBlock(block_id=BlockId.DECIDER_ACTIONS, elements=controls))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Decision #{record.id} · `/decide show {record.id}` for its full history"
                )
            ]
        )
    )
    text = f"Decision: {escape(decision.title)} ({TYPE_LABEL[kind]}, {describe_status(decision).lower()})"
    return Message(text=truncate(text, 3000), blocks=block_dicts(blocks))
