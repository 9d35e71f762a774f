"""What finding decisions looks like: /decide list, search and show, and the Home tab."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.ids import Action
from bot.services.classification import TYPE_LABEL
from bot.services.finding import HOME_PAGE, FullDecision, HomeData, HomeSection
from bot.ui.card import commit_buttons, describe_people, describe_status
from bot.ui.credit import CALLED_IT, describe_call
from bot.ui.revisits import (
    DISPOSITION_DONE,
    DOOR_CALL_SAID,
    OUTCOME_LABEL,
    build_revisit_actions,
)
from bot.ui.stats import describe_dissent_record
from bot.ui.text import Message, block_dicts, format_date, mention, quoted_title, safe_mrkdwn
from storage.finding import SEARCH_COUNT_MAX, Found
from storage.models import SYSTEM_ACTOR, Decision, DecisionEvent, Dissent

# Slack allows 50 blocks in a message and 100 in a Home tab.
SHOW_EVENTS_MAX = 15
SHOW_DISSENT_MAX = 10

Linker = Callable[[Decision], str | None]


def card_link(workspace_url: str | None) -> Linker:
    """The permalink of a decision's card: the workspace's URL, the channel and the ts."""

    def link(decision: Decision) -> str | None:
        if not workspace_url or not decision.message_ts:
            return None
        return f"{workspace_url.rstrip('/')}/archives/{decision.channel_id}/p{decision.message_ts.replace('.', '')}"

    return link


def _titled(decision: Decision, link: Linker) -> str:
    url = link(decision)
    title = quoted_title(decision.title, 120)
    return f"*<{url}|{title[1:-1]}>*" if url else f"*{title}*"


def decision_line(decision: Decision, link: Linker) -> str:
    """One decision in a list: its title (linked to its card), id, type, status and decider."""
    return (
        f"{_titled(decision, link)}  `#{decision.id}`\n"
        f"{TYPE_LABEL[decision.decision_type]} · {describe_status(decision)} · "
        f"decider {mention(decision.decider_id)} · <#{decision.channel_id}> · "
        f"{format_date(decision.created_at.date())}"
    )


def _pager(
    ids: tuple[str, str], found: Found, page_size: int, value: Callable[[int], str]
) -> list[Block]:
    """Previous / Next buttons for a page of `found`; `value` encodes the offset to go to."""
    previous_id, next_id = ids
    buttons = []
    if found.offset > 0:
        buttons.append(
            ButtonElement(
                text="Previous",
                action_id=previous_id,
                value=value(max(0, found.offset - page_size)),
            )
        )
    if found.more:
        buttons.append(
            ButtonElement(
                text=f"Next ({found.more} more)" if found.counted else "Next",
                action_id=next_id,
                value=value(found.offset + len(found.decisions)),
            )
        )
    return [ActionsBlock(elements=buttons)] if buttons else []


def build_channel_list(found: Found, channel_id: str, page_size: int, link: Linker) -> Message:
    if not found.decisions:
        text = "No decisions recorded in this channel yet. `/decide` records the first."
        return Message(
            text=text, blocks=block_dicts([SectionBlock(text=MarkdownTextObject(text=text))])
        )
    first = found.offset + 1
    last = found.offset + len(found.decisions)
    heading = f"Decisions in <#{channel_id}>, newest first ({first}\u2013{last} of {found.total})"
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=heading))]
    blocks += [
        SectionBlock(text=MarkdownTextObject(text=decision_line(d, link))) for d in found.decisions
    ]
    pager_ids = (Action.LIST_PREVIOUS, Action.LIST_NEXT)
    blocks += _pager(pager_ids, found, page_size, lambda offset: f"{channel_id}|{offset}")
    return Message(text=heading, blocks=block_dicts(blocks))


def build_search_results(found: Found, words: str, link: Linker) -> Message:
    shown = safe_mrkdwn(words, 200)
    if not found.decisions:
        text = (
            f"No decisions match \u201c{shown}\u201d in the channels you're in. "
            "Try fewer or shorter words."
        )
        return Message(
            text=text, blocks=block_dicts([SectionBlock(text=MarkdownTextObject(text=text))])
        )
    heading = f"Decisions matching \u201c{shown}\u201d in your channels, newest first"
    if found.more:
        of = str(found.total) if found.counted else f"more than {SEARCH_COUNT_MAX}"
        heading += f" (the newest {len(found.decisions)} of {of}; add words to narrow it)"
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=heading))]
    blocks += [
        SectionBlock(text=MarkdownTextObject(text=decision_line(d, link))) for d in found.decisions
    ]
    return Message(text=heading, blocks=block_dicts(blocks))


def _dissent_text(dissent: Dissent) -> str:
    text = f"{mention(dissent.user_id)} disagreed: {safe_mrkdwn(dissent.reason, 600)}"
    if dissent.would_change_mind:
        text += f"\n_What would change their mind:_ {safe_mrkdwn(dissent.would_change_mind, 300)}"
    if dissent.prediction:
        text += f"\n_What would show they were right:_ {safe_mrkdwn(dissent.prediction, 300)}"
    if dissent.answered_at:
        text += f"\n*Answer* ({mention(dissent.answered_by or '')}): heard: "
        text += f"{safe_mrkdwn(dissent.heard or '', 400)}; weighed: {safe_mrkdwn(dissent.weighed or '', 400)}"
    else:
        text += "\n_Not answered yet._"
    call = describe_call(dissent)
    if call:
        text += f"\n{call}"
    return text


def _event_text(event: DecisionEvent) -> str:
    detail = json.loads(event.detail or "{}")
    what = event.kind.replace("_", " ")
    if event.kind == "revisited" and detail.get("disposition") in DISPOSITION_DONE:
        what = DISPOSITION_DONE[detail["disposition"]]
    if event.kind == "edited" and detail.get("changed"):
        what = f"edited ({', '.join(detail['changed'])})"
    if event.kind == "withdrawn":
        what = f"withdrew it: {safe_mrkdwn(str(detail.get('reason') or ''), 300)}"
    if event.kind == "superseded":
        what = f"marked it superseded by #{detail.get('by_decision_id')}"
    if event.kind == "supersedes":
        what = f"recorded it to supersede #{detail.get('decision_id')}"
    actor = SYSTEM_ACTOR if event.actor_id == SYSTEM_ACTOR else mention(event.actor_id)
    return f"{format_date(event.at.date())} {event.at:%H:%M} UTC: {actor} {what}"


def build_full_decision(full: FullDecision, link: Linker) -> Message:
    """One decision in full, for /decide show: fits Slack's 50 blocks however long its story."""
    record, decision = full.record, full.record.decision
    url = link(decision)
    blocks: list[Block] = [
        HeaderBlock(text=f"#{decision.id}: {decision.title}"[:150]),
        SectionBlock(
            text=MarkdownTextObject(
                text=f"{TYPE_LABEL[decision.decision_type]} · {describe_status(decision)} · "
                f"decider {mention(decision.decider_id)} · <#{decision.channel_id}>"
                + (f" · {decision.confidence}% sure" if decision.confidence else "")
                + (f" · <{url}|the card>" if url else "")
            )
        ),
        SectionBlock(
            text=MarkdownTextObject(
                text="*What we decided and why*\n" + safe_mrkdwn(decision.what_and_why, 2900)
            )
        ),
        ContextBlock(elements=[MarkdownTextObject(text=safe_mrkdwn(decision.type_reason, 1000))]),
    ]
    if decision.options_considered:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text="*Options considered*\n" + safe_mrkdwn(decision.options_considered, 2900)
                )
            )
        )
    lines = describe_people(record)
    if lines:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text="*Commitments*\n" + "\n".join(lines)[:2900]))
        )
    for dissent in record.dissents[:SHOW_DISSENT_MAX]:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_dissent_text(dissent)[:2900])))
    if len(record.dissents) > SHOW_DISSENT_MAX:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"\u2026and {len(record.dissents) - SHOW_DISSENT_MAX} more dissent "
                        "(all of it is in the export)."
                    )
                ]
            )
        )
    for review in full.reviews[-5:]:
        line = f"*{format_date(review.due_on)}:* {mention(review.recorded_by)} {DISPOSITION_DONE[review.disposition]}"
        if review.outcome:
            line += f". Were we right? {OUTCOME_LABEL[review.outcome]}"
        if review.door_called_right is not None:
            said = DOOR_CALL_SAID[(decision.decision_type, review.door_called_right)]
            line += f"; {said}"
        if review.learned:
            line += f". Learned: {safe_mrkdwn(review.learned, 500)}"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=line[:2900])))
    history = full.history[-SHOW_EVENTS_MAX:]
    blocks.append(DividerBlock())
    blocks.append(
        SectionBlock(
            text=MarkdownTextObject(
                text="*History*"
                + (f" (the last {len(history)})" if len(full.history) > len(history) else "")
                + "\n"
                + "\n".join(_event_text(e) for e in history)[:2900]
            )
        )
    )
    return Message(
        text=f"Decision #{decision.id}: {safe_mrkdwn(decision.title, 150)}",
        blocks=block_dicts(blocks),
    )


HOME_TITLES = {
    HomeSection.ASKING_COMMITMENT: "Asking for your commitment",
    HomeSection.DISSENT_TO_ANSWER: "Dissent for you to answer",
    HomeSection.REVISITS_DUE: "Your revisits that are due",
    HomeSection.OWNED: "Your decisions",
    HomeSection.RECENT: "Recent in your channels",
}


def _home_items(section: HomeSection, data: HomeData, link: Linker) -> list[Block]:
    blocks: list[Block] = []
    for decision in data.sections[section].decisions:
        assert decision.id is not None
        blocks.append(SectionBlock(text=MarkdownTextObject(text=decision_line(decision, link))))
        if section is HomeSection.ASKING_COMMITMENT:
            blocks.append(ActionsBlock(elements=commit_buttons(decision.id)))
        elif section is HomeSection.DISSENT_TO_ANSWER:
            dissents = data.unanswered.get(decision.id, [])[:5]
            who = ", ".join(mention(d.user_id) for d in dissents)
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"Dissent from {who}")]))
            blocks.append(
                ActionsBlock(
                    elements=[
                        ButtonElement(
                            text=f"Answer {i}" if len(dissents) > 1 else "Answer",
                            action_id=Action.OPEN_ANSWER,
                            value=str(d.id),
                        )
                        for i, d in enumerate(dissents, start=1)
                    ]
                )
            )
        elif section is HomeSection.REVISITS_DUE and decision.revisit_on:
            blocks.append(build_revisit_actions(decision, decision.revisit_on))
    return blocks


def build_home(data: HomeData, link: Linker) -> dict[str, Any]:
    """The Home tab: what is waiting on you first, then your decisions, then your channels'.

    Each section shows one page and pages on with its own buttons, so the tab stays well
    within Slack's 100 blocks however much there is.
    """
    offsets = {s: found.offset for s, found in data.sections.items()}
    waiting = sum(
        data.sections[s].total
        for s in (
            HomeSection.ASKING_COMMITMENT,
            HomeSection.DISSENT_TO_ANSWER,
            HomeSection.REVISITS_DUE,
        )
    )
    blocks: list[Block] = [
        HeaderBlock(text="Waiting on you"),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{waiting} thing{'s' if waiting != 1 else ''} waiting on you, the most urgent first."
                    if waiting
                    else "Nothing is waiting on you. :tada:"
                )
            ]
        ),
    ]
    for section in HomeSection:
        found = data.sections[section]
        if section is HomeSection.OWNED:
            if data.dissent.called:
                record = describe_dissent_record(data.dissent)
                blocks.append(
                    ContextBlock(elements=[MarkdownTextObject(text=f"{CALLED_IT} {record}")])
                )
            blocks.append(DividerBlock())
        if not found.decisions and section in (
            HomeSection.ASKING_COMMITMENT,
            HomeSection.DISSENT_TO_ANSWER,
            HomeSection.REVISITS_DUE,
        ):
            continue
        title = HOME_TITLES[section]
        if found.total and section is not HomeSection.RECENT:
            title += f" ({found.total})"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*{title}*")))
        if not found.decisions:
            blocks.append(
                ContextBlock(elements=[MarkdownTextObject(text="None yet. `/decide` records one.")])
            )
            continue
        blocks += _home_items(section, data, link)

        def value(offset: int, section: HomeSection = section) -> str:
            return json.dumps({**{s.value: o for s, o in offsets.items()}, section.value: offset})

        pager_ids = (Action.HOME_PREVIOUS, Action.HOME_NEXT)
        blocks += _pager(pager_ids, found, HOME_PAGE[section], value)
    return {"type": "home", "blocks": block_dicts(blocks)}
