"""Every table decisionbot stores, in one place.

Timestamps are timezone-aware UTC in Python; SQLite keeps them as naive UTC,
which `UTCDateTime` converts on the way in and out. Every row carries its
Slack team id so that every query can be scoped by team.

A decision's people (stakeholders, commitments, dissent) are indexed by (team_id,
decision_id), the way they are always asked for. With an index on team_id alone, SQLite
chose it and read every row the team had to find one decision's.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, DateTime, Index, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always gives back aware UTC datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_column(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def long_text(*, nullable: bool = False) -> Any:
    return Field(sa_column=Column(Text, nullable=nullable))


class DecisionType(StrEnum):
    TYPE_1 = "type1"  # one-way door
    TYPE_2 = "type2"  # two-way door


class DecisionStatus(StrEnum):
    OPEN = "open"  # Type 1, open for input until its commit-by date
    DECIDED = "decided"
    CLOSED = "closed"


class Ending(StrEnum):
    """How a closed decision ended: only a plain close leaves it standing."""

    CLOSED = "closed"  # commitments are final; the decision stands
    WITHDRAWN = "withdrawn"  # dropped before it took effect; it no longer stands
    SUPERSEDED = "superseded"  # replaced by another decision (superseded_by_id)
    REVERSED = "reversed"  # walked back through the two-way door at its revisit


class Stance(StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"  # disagree and commit


# The confidence levels a decider may state, in percent (calibration scores against them).
CONFIDENCE_LEVELS = (50, 60, 70, 80, 90)


class Decision(SQLModel, table=True):
    __table_args__ = (
        Index("ix_decision_team_channel_created", "team_id", "channel_id", "created_at"),
        # A team's newest decisions, whatever the channel (the Home tab's "Recent").
        Index("ix_decision_team_created", "team_id", "created_at", "id"),
        # A person's own decisions (the Home tab), found by person rather than by channel.
        Index("ix_decision_team_decider_created", "team_id", "decider_id", "created_at"),
        # A resent modal submission carries the same view id: it must not record twice.
        UniqueConstraint("team_id", "source_view_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    channel_id: str = Field(max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    title: str = Field(max_length=150)
    what_and_why: str = long_text()
    options_considered: str | None = long_text(nullable=True)
    decider_id: str = Field(max_length=32)
    recorder_id: str = Field(max_length=32)
    decision_type: DecisionType
    type_reason: str = long_text()
    status: DecisionStatus
    commit_by: date | None = None
    # The next look back: Type 2's revisit date, or Type 1's optional outcome-review date.
    revisit_on: date | None = None
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()
    closed_at: datetime | None = utc_column(nullable=True)
    source_view_id: str | None = Field(default=None, max_length=64)
    # The message it was recorded from ("Record as decision"), as a permalink.
    source_link: str | None = Field(default=None, max_length=500)
    # Set with status CLOSED: how it ended, why (for a withdrawal) and what replaced it.
    ended_as: Ending | None = None
    end_reason: str | None = long_text(nullable=True)
    superseded_by_id: int | None = None  # no foreign key: an import loads the oldest first
    # How sure the decider was that it is right, one of CONFIDENCE_LEVELS; None if not said.
    confidence: int | None = None

    @property
    def still_stands(self) -> bool:
        """Open, decided, or closed with its commitments final; not withdrawn or replaced."""
        return self.status is not DecisionStatus.CLOSED or self.ended_as in (None, Ending.CLOSED)


class Stakeholder(SQLModel, table=True):
    """A person whose commitment the decider asked for."""

    __table_args__ = (
        # Covering, so that a person's own stakeholder rows are read from the index alone.
        Index("ix_stakeholder_team_user", "team_id", "user_id", "decision_id"),
        Index("ix_stakeholder_team_decision", "team_id", "decision_id", "user_id"),
    )

    decision_id: int = Field(foreign_key="decision.id", primary_key=True, ondelete="CASCADE")
    user_id: str = Field(primary_key=True, max_length=32)
    team_id: str = Field(max_length=32)


class Commitment(SQLModel, table=True):
    """One person's current stance on one decision; changes are kept in the history."""

    __table_args__ = (
        UniqueConstraint("decision_id", "user_id"),
        # The card lists the first people to commit: read in order, it stops after a few.
        Index("ix_commitment_team_decision_committed", "team_id", "decision_id", "committed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="decision.id", ondelete="CASCADE")
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    stance: Stance
    committed_at: datetime = utc_column()


class EarlierCommitment(SQLModel, table=True):
    """A commitment given to an earlier version: the decision has since changed materially,
    so the person is asked to commit again. Kept to show on the card and in the export."""

    __table_args__ = (Index("ix_earliercommitment_team_decision", "team_id", "decision_id"),)

    decision_id: int = Field(foreign_key="decision.id", primary_key=True, ondelete="CASCADE")
    user_id: str = Field(primary_key=True, max_length=32)
    team_id: str = Field(max_length=32)
    stance: Stance
    committed_at: datetime = utc_column()
    outdated_at: datetime = utc_column()  # when the edit that outdated it was made


class DissentCall(StrEnum):
    """The decider's call at a revisit on whether a dissent proved right."""

    CAME_TRUE = "came_true"
    DID_NOT = "did_not"
    CANT_TELL = "cant_tell"  # not yet: asked again at the next revisit


class Dissent(SQLModel, table=True):
    """Someone's reasoned disagreement and, once given, the decider's answer to it."""

    __table_args__ = (
        UniqueConstraint("decision_id", "user_id"),
        Index("ix_dissent_team_decision_created", "team_id", "decision_id", "created_at"),
        # A person's own record of dissent (the Home tab), counted from the index alone.
        Index("ix_dissent_team_user_called", "team_id", "user_id", "called"),
    )

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="decision.id", ondelete="CASCADE")
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    reason: str = long_text()
    would_change_mind: str | None = long_text(nullable=True)
    # What would show the dissenter was right: a testable prediction, called at the revisit.
    prediction: str | None = long_text(nullable=True)
    created_at: datetime = utc_column()
    heard: str | None = long_text(nullable=True)
    weighed: str | None = long_text(nullable=True)
    answered_by: str | None = Field(default=None, max_length=32)
    answered_at: datetime | None = utc_column(nullable=True)

    called: DissentCall | None = None
    called_by: str | None = Field(default=None, max_length=32)
    called_at: datetime | None = utc_column(nullable=True)

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def proved_right(self) -> bool:
        return self.called is DissentCall.CAME_TRUE

    @property
    def is_settled(self) -> bool:
        """Called one way or the other; "can't tell yet" is asked again."""
        return self.called in (DissentCall.CAME_TRUE, DissentCall.DID_NOT)


# The actor of history events the bot makes on its own, such as a commit-by date passing.
SYSTEM_ACTOR = "decisionbot"


class DecisionEvent(SQLModel, table=True):
    """Append-only history: one row for everything that changes a decision."""

    # The weekly digest finds last week's activity by time: without this, every sweep read
    # the whole history.
    __table_args__ = (Index("ix_decisionevent_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="decision.id", index=True, ondelete="CASCADE")
    team_id: str = Field(max_length=32)
    actor_id: str = Field(max_length=32)
    kind: str = Field(max_length=40)
    detail: str = long_text()  # JSON object
    at: datetime = utc_column()


class DueWorkKind(StrEnum):
    REVISIT = "revisit"  # a Type 2 decision's revisit date has come
    REVISIT_NUDGE = "revisit_nudge"  # nobody recorded what to do 3 days after the revisit
    COMMIT_REMINDER = "commit_reminder"  # a Type 1 stakeholder hasn't committed, a day to go
    COMMIT_SUMMARY = "commit_summary"  # a Type 1 decision's commit-by date has come
    DISSENT_REMINDER = "dissent_reminder"  # dissent unanswered for 24 hours
    DIGEST = "digest"  # a channel's weekly digest
    REVISIT_THREAD_LINE = "revisit_thread_line"  # "asked whether this still holds", once sent


class DueWork(SQLModel, table=True):
    """A message the bot owes someone at a time, claimed by one process and sent once.

    The dedupe key names the occasion (a revisit per decision and due date, a reminder per
    person, decision and kind), so planning the same work twice stores it once.
    """

    __table_args__ = (
        UniqueConstraint("team_id", "dedupe_key"),
        Index("ix_duework_unsent_due", "sent_at", "due_at"),
        Index("ix_duework_occasion", "decision_id", "kind", "due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    dedupe_key: str = Field(max_length=200)
    kind: DueWorkKind
    decision_id: int | None = Field(default=None, foreign_key="decision.id", ondelete="CASCADE")
    # Where the message goes: a person by direct message, or (a digest) a channel.
    user_id: str | None = Field(default=None, max_length=32)
    channel_id: str | None = Field(default=None, max_length=32)
    due_on: date  # the date the occasion is about (revisit date, commit-by date, digest week)
    due_at: datetime = utc_column()  # when to send; moved on to fit working hours or retries
    lease_owner: str | None = Field(default=None, max_length=100)
    lease_until: datetime | None = utc_column(nullable=True)
    attempts: int = 0
    last_error: str | None = long_text(nullable=True)
    sent_at: datetime | None = utc_column(nullable=True)
    message_ts: str | None = Field(default=None, max_length=32)
    # Set just before the message goes to Slack, cleared when it is recorded as sent or Slack
    # refused it. Found set at a later claim, a process stopped between the two: Slack may
    # have the message already, and chat.postMessage has no idempotency key, so it is sent
    # again and counted here (see BENCHMARKS.md, the duplicate window).
    sending_since: datetime | None = utc_column(nullable=True)
    interrupted_sends: int = 0


class Disposition(StrEnum):
    KEEP = "keep"  # it still holds; maybe look again on a later date
    REVERSE = "reverse"  # walk back through the two-way door
    LATER = "later"  # not ready to judge: revisit on a new date
    SUPERSEDE = "supersede"  # replaced by a new decision, linked to it


class Outcome(StrEnum):
    RIGHT = "right"
    PARTLY = "partly"
    WRONG = "wrong"


class DecisionReview(SQLModel, table=True):
    """What was done at a revisit, and whether the decision was right: how decisions held up."""

    __table_args__ = (
        UniqueConstraint("decision_id", "due_on"),
        Index("ix_decisionreview_team_decision_recorded", "team_id", "decision_id", "recorded_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="decision.id", ondelete="CASCADE")
    team_id: str = Field(max_length=32)
    due_on: date  # the revisit date this answers
    disposition: Disposition
    reason: str | None = long_text(nullable=True)
    next_revisit_on: date | None = None
    outcome: Outcome | None = None
    # Type 2: was it as cheap to undo as we thought? Type 1: was it really a one-way door?
    door_called_right: bool | None = None
    learned: str | None = long_text(nullable=True)
    recorded_by: str = Field(max_length=32)
    recorded_at: datetime = utc_column()


class ChannelSettings(SQLModel, table=True):
    """A channel's choices: whether it gets the weekly digest, and its decision log canvas.

    The canvas is kept current by the sweeps of every process: one at a time holds it (the
    lease) and redraws it whenever the channel's history has moved past what it shows.
    """

    team_id: str = Field(primary_key=True, max_length=32)
    channel_id: str = Field(primary_key=True, max_length=32)
    digest_enabled: bool = True
    updated_by: str = Field(max_length=32)
    updated_at: datetime = utc_column()
    canvas_id: str | None = Field(default=None, max_length=32)
    canvas_on: bool = False
    canvas_shows_event: int = 0  # the newest history event of the channel's it shows
    canvas_lease_until: datetime | None = utc_column(nullable=True)


class SlackBudget(SQLModel, table=True):
    """One of Slack's rate limits as the deployment's shared budget (bot/pacing.py): when the
    next call under this key is due, in seconds since the epoch by the bots' clocks."""

    key: str = Field(primary_key=True, max_length=200)
    next_due: float


class CardDraw(SQLModel, table=True):
    """Which state of a decision its card shows, so that processes take turns redrawing it.

    Every change asks for a redraw (`wanted` goes up); one process at a time holds the drawing
    lease, draws from the database, and records what it drew. A change that comes while
    another process draws is drawn by that process before it lets go, so the card never ends
    on an older state than the database's.

    A card owed (never posted, or behind) has `retry_at`: when any process's sweep draws it
    if nobody has by then. A draw that Slack refused puts it off, longer each time.
    """

    __table_args__ = (Index("ix_carddraw_retry_at", "retry_at"),)

    team_id: str = Field(primary_key=True, max_length=32)
    decision_id: int = Field(primary_key=True)
    wanted: int = 0
    drawn: int = 0
    drawer: str | None = Field(default=None, max_length=100)
    drawing_until: datetime | None = utc_column(nullable=True)
    retry_at: datetime | None = utc_column(nullable=True)
    attempts: int = 0
    last_error: str | None = long_text(nullable=True)


class Installation(SQLModel, table=True):
    """A workspace that installed decisionbot through "Add to Slack" (the OAuth install mode),
    or one that removed it.

    Tokens are stored sealed (storage/token_keys.py): a copy of the database, or a backup of
    it, doesn't give anyone a token. When the app is uninstalled or its tokens are revoked,
    the tokens are deleted and `uninstalled_at` is set: the workspace's decisions stay, and
    its scheduled sends stop until it installs again. (In the single-workspace token mode
    only that mark is kept here.)
    """

    team_id: str = Field(primary_key=True, max_length=32)
    enterprise_id: str | None = Field(default=None, max_length=32)
    team_name: str | None = Field(default=None, max_length=200)
    app_id: str | None = Field(default=None, max_length=32)
    bot_id: str | None = Field(default=None, max_length=32)
    bot_user_id: str | None = Field(default=None, max_length=32)
    bot_scopes: str = long_text()  # comma-separated, as oauth.v2.access gives them
    sealed_bot_token: str | None = long_text(nullable=True)
    sealed_refresh_token: str | None = long_text(nullable=True)  # with token rotation on
    bot_token_expires_at: datetime | None = utc_column(nullable=True)
    installer_user_id: str | None = Field(default=None, max_length=32)
    installed_at: datetime = utc_column()
    uninstalled_at: datetime | None = utc_column(nullable=True)


class OAuthState(SQLModel, table=True):
    """An "Add to Slack" click not yet come back from Slack: its state, good once, until
    `expires_at`. In the database, so that the redirect may reach any of the processes."""

    state: str = Field(primary_key=True, max_length=200)
    expires_at: datetime = utc_column()
