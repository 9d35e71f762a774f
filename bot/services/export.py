"""Everything stored, as plain data: each decision with its dissent, answers, commitments and history."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, SQLModel

from storage import repository
from storage.db import Database

EXPORT_FORMAT_VERSION = 1


def _plain(row: SQLModel) -> dict[str, Any]:
    data = row.model_dump()
    for key, value in data.items():
        if isinstance(value, datetime | date):
            data[key] = value.isoformat()
    return data


async def export_decisions(db: Database) -> dict[str, Any]:
    """Every decision of every team, oldest first, in a JSON-ready document."""

    def read(session: Session) -> list[dict[str, Any]]:
        decisions: list[dict[str, Any]] = []
        for team_id, decision_id in repository.list_all_decision_ids(session):
            record = repository.load_decision_record(
                session, team_id=team_id, decision_id=decision_id
            )
            if record is None:
                continue
            events = repository.list_events(session, team_id=team_id, decision_id=decision_id)
            item = _plain(record.decision)
            item["stakeholders"] = record.stakeholder_ids
            item["commitments"] = [_plain(c) for c in record.commitments.values()]
            item["dissents"] = [_plain(d) for d in record.dissents]
            item["history"] = [
                {**_plain(event), "detail": json.loads(event.detail)} for event in events
            ]
            decisions.append(item)
        return decisions

    decisions = await db.read(read)
    return {
        "format": "decisionbot-export",
        "version": EXPORT_FORMAT_VERSION,
        "decisions": decisions,
    }
