"""Finding decisions: a channel's list, search, one decision in full, and a person's Home tab.

Every answer asks the Asker first: what a person is shown comes only from channels they may
see (bot/slack/channel_access.py asks Slack, at the moment of showing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from sqlmodel import Session

from bot.services.errors import InvalidInput, NotFound
from storage import finding, outcomes, repository
from storage.db import Database
from storage.finding import Found
from storage.models import DecisionEvent, DecisionReview, Dissent
from storage.outcomes import DissentRecord
from storage.repository import DecisionRecord

LIST_PAGE = 10
SEARCH_RESULTS = 10
SEARCH_MAX_CHARS = 200


class Asker(Protocol):
    """The person asking, and which channels' decisions they may see."""

    @property
    def team_id(self) -> str: ...
    @property
    def user_id(self) -> str: ...
    async def may_see(self, channel_id: str) -> bool: ...
    async def channels(self) -> frozenset[str]: ...


def not_visible(decision_id: int) -> NotFound:
    # The same answer whether it doesn't exist or is in a private channel they're not in,
    # so that nobody learns a private decision exists.
    return NotFound(
        f"There's no decision #{decision_id} that you can see. It may be in a private "
        "channel you're not in."
    )


async def list_channel(db: Database, asker: Asker, *, channel_id: str, offset: int) -> Found:
    if not await asker.may_see(channel_id):
        raise NotFound("This channel's decisions are only shown to its members.")
    return await db.read(
        lambda session: finding.channel_page(
            session,
            team_id=asker.team_id,
            channel_id=channel_id,
            offset=max(0, offset),
            limit=LIST_PAGE,
        )
    )


async def search_decisions(db: Database, asker: Asker, *, words: str) -> Found:
    words = words.strip()
    if not words:
        raise InvalidInput({"words": "Say what to look for: `/decide search billing postgres`."})
    if len(words) > SEARCH_MAX_CHARS:
        raise InvalidInput({"words": f"Keep the search to {SEARCH_MAX_CHARS} characters."})
    channels = await asker.channels()
    return await db.read(
        lambda session: finding.search(
            session, team_id=asker.team_id, channel_ids=channels, words=words, limit=SEARCH_RESULTS
        )
    )


@dataclass(frozen=True)
class FullDecision:
    record: DecisionRecord
    reviews: list[DecisionReview]
    history: list[DecisionEvent]


async def show_decision(db: Database, asker: Asker, *, decision_id: int) -> FullDecision:
    def read(session: Session) -> FullDecision | None:
        decision = repository.get_decision(session, team_id=asker.team_id, decision_id=decision_id)
        if decision is None:
            return None
        return FullDecision(
            record=repository.decision_record(session, decision),
            reviews=repository.list_reviews(
                session, team_id=asker.team_id, decision_id=decision_id
            ),
            history=repository.list_events(session, team_id=asker.team_id, decision_id=decision_id),
        )

    full = await db.read(read)
    if full is None or not await asker.may_see(full.record.decision.channel_id):
        raise not_visible(decision_id)
    return full


class HomeSection(StrEnum):
    ASKING_COMMITMENT = "commit"
    DISSENT_TO_ANSWER = "dissent"
    REVISITS_DUE = "revisit"
    OWNED = "owned"
    RECENT = "recent"


@dataclass(frozen=True)
class HomeData:
    sections: dict[HomeSection, Found]
    unanswered: dict[int, list[Dissent]]  # for each decision with dissent to answer, the dissent
    dissent: DissentRecord  # the person's own: how much of their dissent proved right


HOME_PAGE = {
    HomeSection.ASKING_COMMITMENT: 6,
    HomeSection.DISSENT_TO_ANSWER: 4,
    HomeSection.REVISITS_DUE: 4,
    HomeSection.OWNED: 8,
    HomeSection.RECENT: 10,
}


async def home_data(
    db: Database, asker: Asker, *, today: date, offsets: dict[HomeSection, int] | None = None
) -> HomeData:
    """What a person's Home tab shows, from the channels they are in; `offsets` pages on."""
    channels = await asker.channels()
    team_id, user_id = asker.team_id, asker.user_id
    at = offsets or {}

    def read(session: Session) -> HomeData:
        def limit(section: HomeSection) -> int:
            return HOME_PAGE[section]

        def offset(section: HomeSection) -> int:
            return max(0, at.get(section, 0))

        mine = {"team_id": team_id, "user_id": user_id}
        commit, dissent, revisit, owned, recent = (
            HomeSection.ASKING_COMMITMENT,
            HomeSection.DISSENT_TO_ANSWER,
            HomeSection.REVISITS_DUE,
            HomeSection.OWNED,
            HomeSection.RECENT,
        )
        sections = {
            commit: finding.asking_commitment(
                session, **mine, channel_ids=channels, limit=limit(commit), offset=offset(commit)
            ),
            dissent: finding.dissent_to_answer(
                session, **mine, channel_ids=channels, limit=limit(dissent), offset=offset(dissent)
            ),
            revisit: finding.revisits_due(
                session,
                **mine,
                channel_ids=channels,
                today=today,
                limit=limit(revisit),
                offset=offset(revisit),
            ),
            owned: finding.owned(
                session, **mine, channel_ids=channels, limit=limit(owned), offset=offset(owned)
            ),
            recent: finding.recent(
                session,
                team_id=team_id,
                channel_ids=channels,
                limit=limit(recent),
                offset=offset(recent),
            ),
        }
        ids = [d.id for d in sections[dissent].decisions if d.id is not None]
        unanswered = finding.unanswered_dissent(session, team_id=team_id, decision_ids=ids)
        own_dissent = outcomes.dissent_record(session, team_id=team_id, user_id=user_id)
        return HomeData(sections, unanswered, own_dissent)

    return await db.read(read)
