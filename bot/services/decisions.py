"""Recording a decision and changing its type (bot/services/endings.py closes and ends it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.services.classification import (
    DOOR,
    TYPE_LABEL,
    ClassificationAnswers,
    describe_suggestion,
    suggest_type,
)
from bot.services.errors import InvalidInput, check_length
from bot.services.lookup import require_decision
from bot.services.permissions import Actor, ensure_can_manage
from storage import repository
from storage.db import Database
from storage.models import CONFIDENCE_LEVELS, Decision, DecisionStatus, DecisionType
from storage.repository import DecisionRecord

TITLE_MAX = 150
TEXT_MAX = 3000
STAKEHOLDERS_MAX = 30
COMMIT_BY_DEFAULT_DAYS = 3
REVISIT_DEFAULT_DAYS = 30
FURTHEST_DATE_DAYS = 2 * 366
NOT_SURE = "not_sure"
CHANGE_TYPE = "change its type"


@dataclass(frozen=True)
class DecisionDraft:
    """What someone typed into the /decide form, before any rule is applied."""

    team_id: str
    channel_id: str
    recorder_id: str
    title: str
    what_and_why: str
    decider_id: str
    options_considered: str = ""
    stakeholder_ids: list[str] = field(default_factory=list)
    type_choice: str | None = None  # "type1", "type2" or "not_sure"
    answers: ClassificationAnswers = field(default_factory=ClassificationAnswers)
    commit_by: date | None = None
    revisit_on: date | None = None
    review_on: date | None = None  # Type 1's optional outcome review
    source_link: str | None = None  # the message it was recorded from
    confidence: int | None = None  # the decider's, in percent: one of CONFIDENCE_LEVELS


def earliest_today(now: datetime) -> date:
    # The form's dates are in the person's own time zone, which a submission doesn't carry;
    # a date is "in the past" only once it is over everywhere (UTC-12 is the last to move on).
    return (now - timedelta(hours=12)).date()


def check_date(picked: date | None, now: datetime, label: str) -> str | None:
    if picked is None:
        return None
    if picked < earliest_today(now):
        return f"{label} is in the past. Pick today or a later date."
    if picked > now.date() + timedelta(days=FURTHEST_DATE_DAYS):
        return f"{label} is more than two years away. Pick a date within two years."
    return None


def check_wording(
    title: str, what_and_why: str, options: str, stakeholder_ids: list[str]
) -> dict[str, str]:
    """What is wrong with what a decision says and whom it asks, by field (the form and edits)."""
    errors: dict[str, str] = {}
    title, what_and_why, options = title.strip(), what_and_why.strip(), options.strip()
    if not title:
        errors["title"] = "Give the decision a title."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Keep the title to {TITLE_MAX} characters (it has {len(title)})."
    check_length(errors, "what_and_why", what_and_why, TEXT_MAX, "Say what was decided and why.")
    check_length(errors, "options_considered", options, TEXT_MAX)
    if len(set(stakeholder_ids)) > STAKEHOLDERS_MAX:
        errors["stakeholders"] = f"Ask at most {STAKEHOLDERS_MAX} people to commit."
    return errors


def _resolve_type(draft: DecisionDraft, errors: dict[str, str]) -> tuple[DecisionType, str] | None:
    if draft.type_choice in (DecisionType.TYPE_1, DecisionType.TYPE_2):
        decision_type = DecisionType(draft.type_choice)
        return decision_type, f"Chosen as {TYPE_LABEL[decision_type]} ({DOOR[decision_type]})."
    if draft.type_choice == NOT_SURE:
        answers = draft.answers
        if answers.complete:
            suggestion = suggest_type(answers)
            return suggestion.decision_type, f"Suggested: {describe_suggestion(suggestion)}"
        for field_name, answer in (
            ("q_undo_cheaply", answers.undo_cheaply),
            ("q_locks_in", answers.locks_in),
            ("q_who_is_affected", answers.affected),
        ):
            if answer is None:
                errors[field_name] = "Answer this so that a type can be suggested."
        return None
    errors["decision_type"] = "Choose Type 1, Type 2 or \u201cNot sure\u201d."
    return None


def validate_draft(draft: DecisionDraft, now: datetime) -> Decision:
    """Applies every rule of the form; raises InvalidInput naming each field that is wrong."""
    errors = check_wording(
        draft.title, draft.what_and_why, draft.options_considered, draft.stakeholder_ids
    )
    title = draft.title.strip()
    what_and_why = draft.what_and_why.strip()
    options = draft.options_considered.strip()
    if not draft.decider_id:
        errors["decider"] = "Choose the one person who owns this decision."
    if draft.confidence is not None and draft.confidence not in CONFIDENCE_LEVELS:
        levels = ", ".join(f"{level}%" for level in CONFIDENCE_LEVELS)
        errors["confidence"] = f"Pick a confidence of {levels}, or leave it empty."

    resolved = _resolve_type(draft, errors)
    for field_name, picked, label in (
        ("commit_by", draft.commit_by, "The commit-by date"),
        ("revisit_on", draft.revisit_on, "The revisit date"),
        ("review_on", draft.review_on, "The outcome review date"),
    ):
        problem = check_date(picked, now, label)
        if problem:
            errors[field_name] = problem

    commit_by = revisit_on = None
    status = DecisionStatus.DECIDED
    if resolved is not None:
        decision_type, _reason = resolved
        if decision_type is DecisionType.TYPE_1:
            if draft.revisit_on is not None:
                errors["revisit_on"] = (
                    "Type 1 decisions are one-way doors: they get no revisit date. "
                    "Clear this date, or choose Type 2."
                )
            commit_by = draft.commit_by or now.date() + timedelta(days=COMMIT_BY_DEFAULT_DAYS)
            status = DecisionStatus.OPEN
            revisit_on = draft.review_on
            if draft.review_on is not None and draft.review_on <= commit_by:
                errors.setdefault(
                    "review_on", "Review the outcome after the commit-by date: pick a later date."
                )
        else:
            if draft.review_on is not None:
                errors["review_on"] = (
                    "Type 2 decisions are revisited on their revisit date instead. "
                    "Clear this date, or choose Type 1."
                )
            if draft.commit_by is not None:
                errors["commit_by"] = (
                    "Type 2 decisions are decided at once: they have no commit-by date. "
                    "Clear this date, or choose Type 1."
                )
            revisit_on = draft.revisit_on or now.date() + timedelta(days=REVISIT_DEFAULT_DAYS)

    if errors or resolved is None:
        raise InvalidInput(errors)
    decision_type, type_reason = resolved
    return Decision(
        team_id=draft.team_id,
        channel_id=draft.channel_id,
        title=title,
        what_and_why=what_and_why,
        options_considered=options or None,
        decider_id=draft.decider_id,
        recorder_id=draft.recorder_id,
        decision_type=decision_type,
        type_reason=type_reason,
        status=status,
        commit_by=commit_by,
        revisit_on=revisit_on,
        created_at=now,
        updated_at=now,
        source_link=draft.source_link,
        confidence=draft.confidence,
    )


async def load_record(
    db: Database, *, team_id: str, decision_id: int, others_shown: int | None = None
) -> DecisionRecord:
    """The decision with its people; with `others_shown`, only as many as a card shows."""

    def read(session: Session) -> DecisionRecord:
        decision = require_decision(
            session, team_id=team_id, decision_id=decision_id, open_only=False
        )
        return repository.decision_record(session, decision, others_shown=others_shown)

    return await db.read(read)


@dataclass(frozen=True)
class RecordedDecision:
    record: DecisionRecord
    created: bool  # False when this form submission was already recorded


async def record_decision(
    db: Database,
    *,
    draft: DecisionDraft,
    now: datetime,
    source_view_id: str | None = None,
    also: Callable[[Session, Decision], None] | None = None,
) -> RecordedDecision:
    """Validates the draft and stores it with its stakeholders and the first history event.

    `also` runs in the same transaction once the new decision has its id (superseding an old one).
    """
    decision = validate_draft(draft, now)
    decision.source_view_id = source_view_id

    def write(session: Session) -> RecordedDecision:
        if source_view_id:
            existing = repository.find_decision_by_view(
                session, team_id=draft.team_id, source_view_id=source_view_id
            )
            if existing is not None:
                record = repository.decision_record(session, existing)
                return RecordedDecision(record=record, created=False)
        repository.insert_decision(
            session, decision=decision, stakeholder_ids=draft.stakeholder_ids
        )
        repository.add_event(
            session,
            decision=decision,
            actor_id=draft.recorder_id,
            kind="recorded",
            at=now,
            detail={"type": decision.decision_type, "type_reason": decision.type_reason},
        )
        assert decision.id is not None
        if also is not None:
            also(session, decision)
        return RecordedDecision(record=repository.decision_record(session, decision), created=True)

    try:
        return await db.write(write)
    except IntegrityError:
        # The same submission (or workflow step) arriving twice at once: on PostgreSQL both
        # may look before either inserts, and the second insert meets the unique view id.
        if source_view_id is None:
            raise
        existing = await db.read(
            lambda session: repository.find_decision_by_view(
                session, team_id=draft.team_id, source_view_id=source_view_id
            )
        )
        if existing is None:
            raise
        return RecordedDecision(
            record=await load_record(db, team_id=draft.team_id, decision_id=existing.id or 0),
            created=False,
        )


async def mark_card_posted(
    db: Database, *, team_id: str, decision_id: int, message_ts: str, now: datetime
) -> None:
    def write(session: Session) -> None:
        decision = require_decision(
            session, team_id=team_id, decision_id=decision_id, open_only=False, lock=True
        )
        decision.message_ts = message_ts
        decision.updated_at = now
        session.add(decision)
        repository.add_event(
            session,
            decision=decision,
            actor_id=decision.recorder_id,
            kind="card_posted",
            at=now,
            detail={"channel": decision.channel_id, "ts": message_ts},
            owes_card=False,  # the card is what was just drawn
        )

    await db.write(write)


async def check_can_manage(
    db: Database, actor: Actor, *, decision_id: int, what: str, open_only: bool = True
) -> tuple[Decision, bool]:
    """The decision and whether the actor is an admin, if the actor may manage it."""
    decision = await db.read(
        lambda session: require_decision(
            session, team_id=actor.team_id, decision_id=decision_id, open_only=open_only
        )
    )
    actor_is_admin = await actor.admin_matters(decision)
    ensure_can_manage(decision, actor, actor_is_admin=actor_is_admin, what=what)
    return decision, actor_is_admin


async def ensure_can_change(db: Database, actor: Actor, *, decision_id: int) -> Decision:
    """Checked before the change-type form opens, so only those who may change it see it."""
    decision, _ = await check_can_manage(db, actor, decision_id=decision_id, what=CHANGE_TYPE)
    return decision


async def change_type(
    db: Database,
    actor: Actor,
    *,
    decision_id: int,
    new_type: DecisionType,
    reason: str,
    now: datetime,
) -> tuple[DecisionRecord, bool]:
    """Switches between Type 1 and Type 2, with the dates that go with the new type."""

    def switch(session: Session, decision: Decision) -> bool:
        if decision.decision_type is new_type:
            return False
        old_type = decision.decision_type
        decision.decision_type = new_type
        decision.type_reason = reason.strip() or f"Changed to {TYPE_LABEL[new_type]}."
        if new_type is DecisionType.TYPE_1:
            decision.status = DecisionStatus.OPEN
            decision.commit_by = now.date() + timedelta(days=COMMIT_BY_DEFAULT_DAYS)
            decision.revisit_on = None
        else:
            decision.status = DecisionStatus.DECIDED
            decision.revisit_on = now.date() + timedelta(days=REVISIT_DEFAULT_DAYS)
            decision.commit_by = None
        decision.updated_at = now
        repository.add_event(
            session,
            decision=decision,
            actor_id=actor.user_id,
            kind="type_changed",
            at=now,
            detail={"from": old_type, "to": new_type, "reason": decision.type_reason},
        )
        return True

    return await manage_decision(
        db, actor, decision_id=decision_id, what=CHANGE_TYPE, change=switch
    )


# Applies a change to the decision in the write's session; False when there was nothing to do.
Change = Callable[[Session, Decision], bool]


async def manage_decision(
    db: Database,
    actor: Actor,
    *,
    decision_id: int,
    what: str,
    change: Change,
    open_only: bool = True,
) -> tuple[DecisionRecord, bool]:
    """A change only the decider, the recorder or an admin may make: checked before the write
    (asking Slack if need be) and again inside it, then applied; the record as it is after."""
    _, actor_is_admin = await check_can_manage(
        db, actor, decision_id=decision_id, what=what, open_only=open_only
    )

    def write(session: Session) -> tuple[DecisionRecord, bool]:
        decision = require_decision(
            session,
            team_id=actor.team_id,
            decision_id=decision_id,
            open_only=open_only,
            lock=True,
        )
        ensure_can_manage(decision, actor, actor_is_admin=actor_is_admin, what=what)
        changed = change(session, decision)
        if changed:
            session.add(decision)
        return repository.decision_record(session, decision), changed

    return await db.write(write)
