"""Export and import: every decision with everything about it, as one JSON document.

The Markdown and CSV renderings of that document live in bot/export_formats.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.services.errors import DecisionError
from storage import backup
from storage.db import Database

EXPORT_FORMAT_VERSION = backup.VERSION


@dataclass(frozen=True)
class ExportFilter:
    channel_id: str | None = None
    since: date | None = None  # decisions recorded on or after this day (UTC)


async def export_decisions(db: Database, only: ExportFilter | None = None) -> dict[str, Any]:
    """Every decision (of every team), oldest first, in a JSON-ready document."""
    only = only or ExportFilter()

    def read(session: Session) -> dict[str, Any]:
        ids = backup.decision_ids(session, channel_id=only.channel_id, since=only.since)
        return {
            "format": backup.FORMAT,
            "version": backup.VERSION,
            "decisions": [backup.export_decision(session, i) for i in ids],
            **backup.export_channel_rows(session, channel_id=only.channel_id),
        }

    return await db.read(read)


class ImportRefused(DecisionError):
    pass


async def import_decisions(db: Database, document: object) -> int:
    """Loads an export into an empty database; returns how many decisions it brought back.

    Nothing is stored unless all of it can be."""
    if not isinstance(document, dict) or document.get("format") != backup.FORMAT:
        kind = f"a JSON {type(document).__name__}" if not isinstance(document, dict) else "JSON"
        raise ImportRefused(
            f"That file holds {kind}, not a decisionbot export (one starts with "
            '"format": "decisionbot-export"). Give the decisions.json that '
            "`decisionbot export --format json` wrote."
        )
    version = document.get("version")
    if version not in backup.READABLE_VERSIONS:
        *earlier, last = (str(v) for v in backup.READABLE_VERSIONS)
        readable = f"{', '.join(earlier)} and {last}" if earlier else last
        raise ImportRefused(
            f"That export says it is version {version!r}; decisionbot has written versions "
            f"{readable}, and reads each. It may come from a newer decisionbot: upgrade this one."
        )

    def write(session: Session) -> int:
        try:
            return backup.restore(session, document)
        except backup.NotEmpty as error:
            raise ImportRefused(
                "The database already has decisions. Import into an empty database "
                "(a new DATABASE_URL), so nothing stored is overwritten."
            ) from error
        except backup.BadRecord as error:
            raise ImportRefused(f"Nothing was imported: {error}.") from None
        except IntegrityError as error:
            reason = str(error.orig).strip().splitlines()[0]
            raise ImportRefused(
                f"Nothing was imported: two records of the export clash ({reason})."
            ) from None

    return await db.write(write)
