"""Messages in a decision's thread and the private notes around it."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, SectionBlock

from bot.ids import Action
from bot.services.classification import DOOR, TYPE_LABEL
from bot.services.edits import FIELD_NAMES
from bot.ui.card import commit_buttons, describe_status
from bot.ui.text import (
    Message,
    block_dicts,
    escape,
    format_date,
    mention,
    quote,
    quoted_title,
    safe_mrkdwn,
)
from storage.models import Decision, Dissent, Stance

STANCE_DONE = {Stance.AGREE: "agreed and committed", Stance.DISAGREE: "disagreed and committed"}


def build_commitment_line(user_id: str, stance: Stance, previous: Stance | None) -> Message:
    """One short thread line for a new or changed commitment."""
    if previous is None:
        text = f"{mention(user_id)} {STANCE_DONE[stance]}."
    else:
        text = f"{mention(user_id)} changed their commitment: now {STANCE_DONE[stance]} (was {previous.value})."
    return Message(text=text)


# Short lines gathered in a burst go out as one message; a message has room for many more.
LINES_PER_MESSAGE = 40


def build_more_commitments_line(count: int) -> Message:
    """After a message's worth of commitment lines, how many more came in the same burst."""
    people = "1 more commitment" if count == 1 else f"{count:,} more commitments"
    return Message(text=f"…and {people} or changes since. The card shows where everyone stands.")


def merge_thread_lines(lines: list[Message]) -> list[Message]:
    """Joins consecutive plain lines into one message each; messages with buttons stay whole."""
    merged: list[Message] = []
    run: list[str] = []
    for line in lines:
        if line.blocks:
            if run:
                merged.append(Message(text="\n".join(run)))
                run = []
            merged.append(line)
            continue
        run.append(line.text)
        if len(run) == LINES_PER_MESSAGE:
            merged.append(Message(text="\n".join(run)))
            run = []
    if run:
        merged.append(Message(text="\n".join(run)))
    return merged


def build_dissent_message(decision: Decision, dissent: Dissent) -> Message:
    """The dissent in the thread, asking the decider to answer it."""
    assert dissent.id is not None
    body = f"*{mention(dissent.user_id)} disagrees*\n{quote(dissent.reason, 2000)}"
    if dissent.would_change_mind:
        body += f"\n*What would change their mind:* {safe_mrkdwn(dissent.would_change_mind, 700)}"
    if dissent.prediction:
        body += f"\n*What would show they were right:* {safe_mrkdwn(dissent.prediction, 700)}"
    ask = f"{mention(decision.decider_id)}, please answer this before asking for a commitment."
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=body)),
        SectionBlock(
            text=MarkdownTextObject(text=ask),
            accessory=ButtonElement(
                text="Answer this dissent",
                action_id=Action.OPEN_ANSWER,
                value=str(dissent.id),
                style="primary",
            ),
        ),
    ]
    return Message(
        text=f"{mention(dissent.user_id)} disagrees with \u201c{escape(decision.title)}\u201d. {ask}",
        blocks=block_dicts(blocks),
    )


def build_answer_message(decision: Decision, dissent: Dissent) -> Message:
    """The decider's answer in the thread, asking the dissenter to commit."""
    assert decision.id is not None
    body = (
        f"*{mention(decision.decider_id)} answered {mention(dissent.user_id)}\u2019s dissent*\n"
        f"*What I heard:* {safe_mrkdwn(dissent.heard or '', 1400)}\n"
        f"*How I weighed it:* {safe_mrkdwn(dissent.weighed or '', 1400)}"
    )
    ask = f"{mention(dissent.user_id)}, when you're ready, please commit: agreeing, or disagreeing."
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=body)),
        SectionBlock(text=MarkdownTextObject(text=ask)),
        ActionsBlock(elements=commit_buttons(decision.id, with_dissent=False)),
    ]
    return Message(
        text=f"{mention(decision.decider_id)} answered {mention(dissent.user_id)}\u2019s dissent. {ask}",
        blocks=block_dicts(blocks),
    )


def build_type_change_line(decision: Decision, actor_id: str) -> Message:
    kind = decision.decision_type
    return Message(
        text=(
            f"{mention(actor_id)} changed this to {TYPE_LABEL[kind]} ({DOOR[kind]}): "
            f"{safe_mrkdwn(decision.type_reason, 1000)} {describe_status(decision)}."
        )
    )


def build_closed_line(actor_id: str) -> Message:
    return Message(text=f"{mention(actor_id)} closed this decision. Commitments are final.")


def build_withdrawn_line(actor_id: str, reason: str) -> Message:
    return Message(
        text=f"{mention(actor_id)} withdrew this decision: {safe_mrkdwn(reason, 1000)}\n"
        "It no longer stands, and nobody is asked to commit to it."
    )


def build_superseded_by_line(old: Decision, new: Decision, actor_id: str) -> Message:
    """In the old decision's thread: which recorded decision replaced it.

    Its title is shown only when it was made in the same channel; from elsewhere it may be private.
    """
    where = (
        quoted_title(new.title) if new.channel_id == old.channel_id else f"in <#{new.channel_id}>"
    )
    return Message(
        text=f"{mention(actor_id)} marked this superseded by decision #{new.id}, {where}. "
        "It no longer stands."
    )


def build_commit_period_ended_line(decision: Decision) -> Message:
    due = f" ({format_date(decision.commit_by)})" if decision.commit_by else ""
    return Message(
        text=f"The commit-by date{due} has passed: this decision is decided. "
        "Anyone who hasn't committed can still do so."
    )


def build_edited_line(
    actor_id: str, decision: Decision, changed: list[str], asked_again: list[str], *, small: bool
) -> Message:
    """What an edit changed; if it outdated commitments, asks those people to commit again."""
    what = ", ".join(FIELD_NAMES[name] for name in changed)
    if not asked_again:
        kind = "made a small edit" if small else "edited this"
        return Message(text=f"{mention(actor_id)} {kind} (changed: {what}). Commitments stand.")
    who = " ".join(mention(u) for u in asked_again)
    text = (
        f"{mention(actor_id)} changed what was decided ({what}). {who}: you committed to the "
        "earlier version. Please read it again and commit, agreeing or disagreeing."
    )
    assert decision.id is not None
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(elements=commit_buttons(decision.id)),
    ]
    return Message(text=text, blocks=block_dicts(blocks))


def build_card_delayed(decision: Decision, slack_answer: str) -> Message:
    """Private note when Slack didn't take the card just now: it is saved, and will appear."""
    why = f" (it answered `{slack_answer}`)"
    return Message(
        text=(
            f"Your decision \u201c{escape(decision.title)}\u201d is saved. Slack didn't take its "
            f"card just now{why}; I'll post it in the channel as soon as Slack does, so there "
            "is no need to record it again."
        )
    )


def build_card_not_posted(decision: Decision, reason: str) -> Message:
    """Private note when the card couldn't go to the channel: the decision is safe, here's the fix."""
    assert decision.id is not None
    text = (
        f"Your decision \u201c{escape(decision.title)}\u201d is saved, but I couldn't post its card here: "
        f"{reason}"
    )
    blocks = [
        SectionBlock(
            text=MarkdownTextObject(text=text),
            accessory=ButtonElement(
                text="Post the card", action_id=Action.POST_CARD, value=str(decision.id)
            ),
        )
    ]
    return Message(text=text, blocks=block_dicts(blocks))
