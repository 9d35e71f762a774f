"""Learning from outcomes: how well a decider's stated confidence matched how decisions turned
out (calibration, with a Brier score), how often doors were called right, and dissent that
proved right. `/decide stats`, the digest and the Home tab show what is worked out here.

Each look back (a revisit or outcome review) that said "were we right?" scores the decision's
confidence once: right counts 1, partly 0.5, wrong 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from storage import outcomes as queries
from storage.db import Database
from storage.models import CONFIDENCE_LEVELS, DecisionType, Dissent, Outcome
from storage.outcomes import DissentRecord, LookBack, Scope

OUTCOME_SCORE = {Outcome.RIGHT: 1.0, Outcome.PARTLY: 0.5, Outcome.WRONG: 0.0}
TOO_FEW = 3  # fewer scored looks back than this, and a share would say more than it knows
# How far the share right may sit from the stated confidence and still read as calibrated.
CALIBRATED_WITHIN = 0.10
STATS_WEEKS_DEFAULT = 12
STATS_WEEKS_MAX = 520


@dataclass(frozen=True)
class Level:
    """One confidence level: decisions stated at it, and how its looks back turned out."""

    confidence: int
    decisions: int
    scored: int
    right_share: float | None  # None while fewer than TOO_FEW were scored


@dataclass(frozen=True)
class Calibration:
    levels: list[Level]
    scored: int
    brier: float | None  # None while fewer than TOO_FEW were scored

    def worst_miss(self) -> tuple[Level, float] | None:
        """The level whose share right is furthest from its confidence, and by how much
        (negative: right less often than stated, over-confident)."""
        read = [
            (lv, lv.right_share - lv.confidence / 100)
            for lv in self.levels
            if lv.right_share is not None
        ]
        return max(read, key=lambda item: abs(item[1]), default=None)


def calibrate(stated: Sequence[int], looks: Sequence[LookBack]) -> Calibration:
    scored = [
        (look.confidence, OUTCOME_SCORE[look.outcome])
        for look in looks
        if look.confidence is not None and look.outcome is not None
    ]
    levels = []
    for level in CONFIDENCE_LEVELS:
        scores = [score for confidence, score in scored if confidence == level]
        levels.append(
            Level(
                confidence=level,
                decisions=sum(1 for c in stated if c == level),
                scored=len(scores),
                right_share=sum(scores) / len(scores) if len(scores) >= TOO_FEW else None,
            )
        )
    brier = (
        sum((confidence / 100 - score) ** 2 for confidence, score in scored) / len(scored)
        if len(scored) >= TOO_FEW
        else None
    )
    return Calibration(levels=levels, scored=len(scored), brier=brier)


@dataclass(frozen=True)
class DoorRate:
    decision_type: DecisionType
    answered: int
    called_right: int

    @property
    def share(self) -> float | None:
        return self.called_right / self.answered if self.answered >= TOO_FEW else None


def door_rates(looks: Sequence[LookBack]) -> list[DoorRate]:
    """For each type, of the looks back that said whether the door was called right, how many."""
    rates = []
    for kind in (DecisionType.TYPE_1, DecisionType.TYPE_2):
        said = [
            look.door_called_right
            for look in looks
            if look.decision_type is kind and look.door_called_right is not None
        ]
        rates.append(DoorRate(kind, answered=len(said), called_right=sum(said)))
    return rates


@dataclass(frozen=True)
class ScopeStats:
    calibration: Calibration
    doors: list[DoorRate]
    proved_right: list[tuple[Dissent, str]]


@dataclass(frozen=True)
class Stats:
    weeks: int
    channel: ScopeStats | None  # None when the person may not see the channel
    person: ScopeStats
    dissent: DissentRecord  # the person's own, all time


def _scope_stats(session: Session, scope: Scope, since: datetime) -> ScopeStats:
    looks = queries.looks_back(session, scope, since=since)
    return ScopeStats(
        calibration=calibrate(queries.confidences_stated(session, scope, since=since), looks),
        doors=door_rates(looks),
        proved_right=queries.dissent_proved_right(session, scope, since=since),
    )


async def stats(
    db: Database,
    *,
    team_id: str,
    channel_id: str | None,
    user_id: str,
    weeks: int,
    now: datetime,
) -> Stats:
    """The channel's figures (unless `channel_id` is None) and the person's, over `weeks`."""
    since = now - timedelta(weeks=weeks)

    def read(session: Session) -> Stats:
        channel = (
            _scope_stats(session, Scope(team_id, channel_id=channel_id), since)
            if channel_id
            else None
        )
        return Stats(
            weeks=weeks,
            channel=channel,
            person=_scope_stats(session, Scope(team_id, decider_id=user_id), since),
            dissent=queries.dissent_record(session, team_id=team_id, user_id=user_id),
        )

    return await db.read(read)
