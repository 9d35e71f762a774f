"""The weekly digest of a channel: what was decided, what is waiting, and the input metrics a
team controls, each beside last week's."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from storage import digest_queries as queries
from storage import outcomes
from storage.db import Database
from storage.models import (
    Decision,
    DecisionReview,
    DecisionStatus,
    DecisionType,
    Dissent,
    Ending,
)

WEEK = timedelta(days=7)
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ANSWERED_WITHIN = timedelta(hours=24)
REVISIT_ON_TIME = timedelta(days=3)  # answered before the nudge
LIST_MAX = 10  # items shown per section; the rest are counted


@dataclass(frozen=True)
class DigestSchedule:
    weekday: int = 0  # Monday
    at: time = time(9, 0)
    zone: str = "UTC"

    def latest_before(self, now: datetime) -> datetime:
        """The most recent scheduled digest moment at or before `now`."""
        local = now.astimezone(ZoneInfo(self.zone))
        day = local.date() - timedelta(days=(local.weekday() - self.weekday) % 7)
        moment = datetime.combine(day, self.at, tzinfo=local.tzinfo)
        if moment > local:
            moment -= WEEK
        return moment.astimezone(now.tzinfo)


@dataclass(frozen=True)
class Week:
    """The seven days a digest covers, ending when it is sent."""

    end: datetime

    @property
    def start(self) -> datetime:
        return self.end - WEEK

    @property
    def label(self) -> str:
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end

    def holds_day(self, day: date) -> bool:
        return self.start.date() <= day < self.end.date()

    def before(self) -> Week:
        return Week(end=self.start)


@dataclass(frozen=True)
class Metrics:
    median_days_to_full_commitment: float | None
    dissent_answered_within_a_day: float | None  # shares, 0..1
    revisits_handled_on_time: float | None
    type2_decided_same_day: float | None
    # Of the looks back that said whether the door was called right, the share that did.
    doors_called_right: float | None = None


@dataclass
class DigestData:
    channel_id: str
    week: Week
    recorded: list[Decision] = field(default_factory=list)
    waiting: list[tuple[Decision, list[str]]] = field(default_factory=list)
    unanswered: list[tuple[Dissent, str]] = field(default_factory=list)
    revisits_due: list[Decision] = field(default_factory=list)
    revisits_overdue: list[Decision] = field(default_factory=list)  # the longest overdue
    revisits_overdue_count: int = 0
    reviews: list[tuple[DecisionReview, str]] = field(default_factory=list)
    no_longer_standing: list[Decision] = field(default_factory=list)  # withdrawn or superseded
    proved_right: list[tuple[Dissent, str]] = field(default_factory=list)  # called this week
    metrics: Metrics | None = None
    metrics_last_week: Metrics | None = None


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def _metrics(
    week: Week,
    decisions: list[Decision],
    dissents: list[Dissent],
    reviews: list[DecisionReview],
    full: list[queries.FullCommitment],
    type_changed_at: dict[int, datetime],
) -> Metrics:
    durations = [
        (f.last_commitment_at - f.recorded_at).total_seconds() / 86400
        for f in full
        if week.holds(f.last_commitment_at)
    ]
    voiced = [d for d in dissents if week.holds(d.created_at)]
    answered = [
        d for d in voiced if d.answered_at and d.answered_at - d.created_at <= ANSWERED_WITHIN
    ]
    handled = [r for r in reviews if week.holds_day(r.due_on)]
    on_time = [r for r in handled if r.recorded_at.date() <= r.due_on + REVISIT_ON_TIME]
    pending = [
        d
        for d in decisions
        if d.status is DecisionStatus.DECIDED and d.revisit_on and week.holds_day(d.revisit_on)
    ]
    raised = [
        d for d in decisions if d.decision_type is DecisionType.TYPE_2 and week.holds(d.created_at)
    ]
    same_day = [
        d
        for d in raised
        if d.id not in type_changed_at or type_changed_at[d.id].date() == d.created_at.date()
    ]
    doors = [
        r.door_called_right
        for r in reviews
        if week.holds(r.recorded_at) and r.door_called_right is not None
    ]
    return Metrics(
        median_days_to_full_commitment=statistics.median(durations) if durations else None,
        dissent_answered_within_a_day=_share(len(answered), len(voiced)),
        revisits_handled_on_time=_share(len(on_time), len(handled) + len(pending)),
        type2_decided_same_day=_share(len(same_day), len(raised)),
        doors_called_right=_share(sum(doors), len(doors)),
    )


async def build_digest_data(
    db: Database, *, team_id: str, channel_id: str, week: Week
) -> DigestData:
    """Everything a channel's digest shows for `week`, read in one consistent snapshot."""
    last_week = week.before()
    next_week_ends = (week.end + WEEK).date()

    def read(session: Session) -> DigestData:
        decisions = queries.channel_decisions(
            session,
            team_id=team_id,
            channel_id=channel_id,
            since=last_week.start,
            revisits_until=next_week_ends,
        )
        ids = [d.id for d in decisions if d.id is not None]
        waiting = queries.uncommitted_stakeholders(session, team_id=team_id, decision_ids=ids)
        dissents = queries.channel_dissents(
            session, team_id=team_id, channel_id=channel_id, since=last_week.start
        )
        reviews = queries.channel_reviews(
            session, team_id=team_id, channel_id=channel_id, due_since=last_week.start.date()
        )
        full = queries.full_commitments(
            session, team_id=team_id, channel_id=channel_id, since=last_week.start
        )
        changed = queries.type_changes(session, team_id=team_id, decision_ids=ids)
        today = week.end.date()
        overdue_count, overdue = queries.overdue_revisits(
            session, team_id=team_id, channel_id=channel_id, before=today, limit=LIST_MAX
        )
        by_id = {d.id: d for d in decisions}
        proved_right = outcomes.dissent_proved_right(
            session,
            outcomes.Scope(team_id, channel_id=channel_id),
            since=week.start,
            until=week.end,
        )

        def measure(of: Week) -> Metrics:
            voiced = [d for d, _ in dissents]
            return _metrics(of, decisions, voiced, [r for r, _ in reviews], full, changed)

        return DigestData(
            channel_id=channel_id,
            week=week,
            recorded=sorted(
                (d for d in decisions if week.holds(d.created_at)), key=lambda d: d.created_at
            ),
            waiting=[
                (by_id[i], users)
                for i, users in sorted(waiting.items())
                if by_id[i].status is not DecisionStatus.CLOSED
            ],
            unanswered=[(d, title) for d, title in dissents if not d.is_answered],
            revisits_due=[
                d
                for d in decisions
                if d.status is DecisionStatus.DECIDED
                and d.revisit_on
                and today <= d.revisit_on < next_week_ends
            ],
            revisits_overdue=overdue,
            revisits_overdue_count=overdue_count,
            reviews=[(r, title) for r, title in reviews if week.holds(r.recorded_at)],
            no_longer_standing=sorted(
                (
                    d
                    for d in decisions
                    if d.ended_as in (Ending.WITHDRAWN, Ending.SUPERSEDED)
                    and week.holds(d.closed_at)
                ),
                key=lambda d: d.closed_at or week.end,
            ),
            proved_right=proved_right,
            metrics=measure(week),
            metrics_last_week=measure(last_week),
        )

    # Over a big channel this is hundreds of milliseconds of work: off the loop, acks go on.
    return await db.read(read)


TREND_WEEKS = 12


@dataclass(frozen=True)
class WeekFigures:
    """One week of a channel's input metrics, for the chart of their trend."""

    week: Week
    metrics: Metrics
    dissent_proved_right: int


async def metric_trend(
    db: Database, *, team_id: str, channel_id: str, end: datetime, weeks: int = TREND_WEEKS
) -> list[WeekFigures]:
    """The channel's input metrics for each of the `weeks` weeks up to `end`, oldest first,
    measured as the digest measures its week."""
    ends = [end - WEEK * back for back in reversed(range(weeks))]
    since = Week(end=ends[0]).start

    def read(session: Session) -> list[WeekFigures]:
        decisions = queries.channel_decisions(
            session,
            team_id=team_id,
            channel_id=channel_id,
            since=since,
            revisits_until=(end + WEEK).date(),
        )
        ids = [d.id for d in decisions if d.id is not None]
        dissents = queries.channel_dissents(
            session, team_id=team_id, channel_id=channel_id, since=since
        )
        reviews = queries.channel_reviews(
            session, team_id=team_id, channel_id=channel_id, due_since=since.date()
        )
        full = queries.full_commitments(
            session, team_id=team_id, channel_id=channel_id, since=since
        )
        changed = queries.type_changes(session, team_id=team_id, decision_ids=ids)
        proved = outcomes.dissent_proved_right(
            session, outcomes.Scope(team_id, channel_id=channel_id), since=since, until=end
        )
        voiced, looked_back = [d for d, _ in dissents], [r for r, _ in reviews]
        figures = []
        for week_end in ends:
            week = Week(end=week_end)
            figures.append(
                WeekFigures(
                    week=week,
                    metrics=_metrics(week, decisions, voiced, looked_back, full, changed),
                    dissent_proved_right=sum(1 for d, _ in proved if week.holds(d.called_at)),
                )
            )
        return figures

    return await db.read(read)


async def set_weekly_digest(
    db: Database, *, team_id: str, channel_id: str, enabled: bool, by: str, now: datetime
) -> None:
    await db.write(
        lambda session: queries.set_digest_enabled(
            session, team_id=team_id, channel_id=channel_id, enabled=enabled, by=by, at=now
        )
    )


async def weekly_digest_enabled(db: Database, *, team_id: str, channel_id: str) -> bool:
    return await db.read(
        lambda session: queries.digest_enabled(session, team_id=team_id, channel_id=channel_id)
    )
