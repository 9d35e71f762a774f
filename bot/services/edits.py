"""Editing a decision. An edit that changes what was decided outdates the commitments given
so far, and those people are asked to commit again; a small edit (a typo) keeps them. Every
edit is in the history, with what changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from bot.services.decisions import (
    check_can_manage,
    check_date,
    check_wording,
)
from bot.services.errors import InvalidInput
from bot.services.lookup import require_decision
from bot.services.permissions import Actor, ensure_can_manage
from storage import repository
from storage.db import Database
from storage.models import Decision, DecisionStatus, DecisionType
from storage.repository import DecisionRecord

EDIT_IT = "edit it"
# What the decision says: changing any of these changes what people committed to.
MATERIAL = ("title", "what_and_why", "options_considered")
FIELD_NAMES = {
    "title": "title",
    "what_and_why": "what and why",
    "options_considered": "options considered",
    "stakeholders": "who is asked to commit",
    "commit_by": "commit-by date",
    "revisit_on": "revisit date",
}


@dataclass(frozen=True)
class DecisionEdit:
    title: str
    what_and_why: str
    options_considered: str = ""
    stakeholder_ids: list[str] = field(default_factory=list)
    commit_by: date | None = None
    revisit_on: date | None = None  # Type 2's revisit, or Type 1's outcome review
    small: bool = False  # a typo or wording: commitments stand


@dataclass(frozen=True)
class EditOutcome:
    record: DecisionRecord
    changed: list[str]  # field names, in FIELD_NAMES
    asked_again: list[str]  # people whose commitment the edit outdated

    @property
    def material(self) -> bool:
        return bool(self.asked_again)


def validate_edit(edit: DecisionEdit, decision: Decision, now: datetime) -> None:
    errors = check_wording(
        edit.title, edit.what_and_why, edit.options_considered, edit.stakeholder_ids
    )
    one_way = decision.decision_type is DecisionType.TYPE_1
    look = "review_on" if one_way else "revisit_on"
    for name, picked, label in (
        ("commit_by", edit.commit_by if one_way else None, "The commit-by date"),
        (look, edit.revisit_on, "The outcome review date" if one_way else "The revisit date"),
    ):
        if picked != getattr(decision, "revisit_on" if name == look else name):
            problem = check_date(picked, now, label)  # an unchanged past date may stay
            if problem:
                errors[name] = problem
    if one_way and edit.commit_by is None:
        errors["commit_by"] = "A Type 1 decision needs a commit-by date."
    if one_way and edit.revisit_on and edit.commit_by and edit.revisit_on <= edit.commit_by:
        errors["review_on"] = "Review the outcome after the commit-by date: pick a later date."
    if errors:
        raise InvalidInput(errors)


def _apply(
    session: Session, decision: Decision, edit: DecisionEdit, stakeholders: list[str]
) -> list[str]:
    """Sets the new values; returns the names of the fields that changed."""
    new = {
        "title": edit.title.strip(),
        "what_and_why": edit.what_and_why.strip(),
        "options_considered": edit.options_considered.strip() or None,
        "revisit_on": edit.revisit_on,
    }
    if decision.decision_type is DecisionType.TYPE_1:
        new["commit_by"] = edit.commit_by
    changed = [name for name, value in new.items() if getattr(decision, name) != value]
    for name in changed:
        setattr(decision, name, new[name])
    if sorted(set(edit.stakeholder_ids)) != sorted(stakeholders):
        repository.set_stakeholders(session, decision=decision, user_ids=edit.stakeholder_ids)
        changed.append("stakeholders")
    return changed


async def ensure_can_edit(db: Database, actor: Actor, *, decision_id: int) -> DecisionRecord:
    decision, _ = await check_can_manage(db, actor, decision_id=decision_id, what=EDIT_IT)
    return await db.read(lambda session: repository.decision_record(session, decision))


async def edit_decision(
    db: Database, actor: Actor, *, decision_id: int, edit: DecisionEdit, now: datetime
) -> EditOutcome:
    team_id = actor.team_id
    decision, actor_is_admin = await check_can_manage(
        db, actor, decision_id=decision_id, what=EDIT_IT
    )
    validate_edit(edit, decision, now)

    def write(session: Session) -> EditOutcome:
        decision = require_decision(session, team_id=team_id, decision_id=decision_id, lock=True)
        ensure_can_manage(decision, actor, actor_is_admin=actor_is_admin, what=EDIT_IT)
        before = repository.decision_record(session, decision)
        old = {name: getattr(decision, name) for name in (*MATERIAL, "commit_by", "revisit_on")}
        changed = _apply(session, decision, edit, before.stakeholder_ids)
        asked_again: list[str] = []
        if changed:
            material = any(name in MATERIAL for name in changed)
            if material and not edit.small:
                asked_again = repository.outdate_commitments(session, decision=decision, at=now)
            decision.updated_at = now
            if (
                decision.status is DecisionStatus.DECIDED
                and decision.decision_type is DecisionType.TYPE_1
                and decision.commit_by
                and decision.commit_by >= now.date()
            ):
                decision.status = DecisionStatus.OPEN  # a later commit-by date reopens it for input
            session.add(decision)
            repository.add_event(
                session,
                decision=decision,
                actor_id=actor.user_id,
                kind="edited",
                at=now,
                detail={
                    "changed": changed,
                    "small": edit.small,
                    "before": {name: old[name] for name in changed if name in old},
                    "commitments_outdated": asked_again,
                },
            )
        return EditOutcome(repository.decision_record(session, decision), changed, asked_again)

    return await db.write(write)
