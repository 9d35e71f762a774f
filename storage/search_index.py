"""Full-text search for /decide search, in each database's own engine: FTS5 on SQLite,
tsvector with a GIN index on PostgreSQL. The one place where the two differ for search.

The indexes are made by the migrations (storage/migrations/versions/0001_baseline.py). On
SQLite they are external-content FTS5 tables: the text lives once, in `decision` and
`dissent`, and triggers keep the index in step with every change. On PostgreSQL they are
expression indexes over the same columns, with no triggers; the queries here repeat the
indexed expression exactly, so that the planner uses it.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from sqlalchemy import BindParameter, Connection, TextClause, bindparam, text

# (index, table, indexed columns)
INDEXES = [
    ("decision_fts", "decision", ["title", "what_and_why", "options_considered"]),
    ("dissent_fts", "dissent", ["reason", "would_change_mind"]),
]


def is_search_index(name: str | None) -> bool:
    """The full-text tables (with FTS5's own shadow tables) and indexes, which the models
    don't describe: migrations make them by hand."""
    return any(str(name).startswith(index) for index, _, _ in INDEXES)


def _tsvector(alias: str, columns: list[str]) -> str:
    joined = " || ' ' || ".join(f"coalesce({alias}{c}, '')" for c in columns)
    return f"to_tsvector('simple', {joined})"


def search_terms(words: str) -> list[str]:
    """The words typed, as the letters and digits between punctuation: quotes, dashes and
    `OR` are text, not syntax."""
    return re.findall(r"\w+", words.lower())


def _query(dialect: str, terms: list[str]) -> str:
    """Every term, each as a prefix, in the database's own query syntax."""
    if dialect == "postgresql":
        return " & ".join(f"'{term}':*" for term in terms)
    return " AND ".join(f'"{term}"*' for term in terms)


def _matching(dialect: str) -> tuple[TextClause, TextClause]:
    """(decisions whose text matches, decisions whose dissent matches), newest first."""
    decision_cols, dissent_cols = INDEXES[0][2], INDEXES[1][2]
    if dialect == "postgresql":
        decisions = (
            "SELECT d.id FROM decision d "
            f"WHERE {_tsvector('d.', decision_cols)} @@ to_tsquery('simple', :q) "
            "AND d.team_id = :team AND d.channel_id = ANY(:channels) "
            "ORDER BY d.id DESC LIMIT :n"
        )
        dissents = (
            "SELECT x.decision_id FROM dissent x JOIN decision d ON d.id = x.decision_id "
            f"WHERE {_tsvector('x.', dissent_cols)} @@ to_tsquery('simple', :q) "
            "AND d.team_id = :team AND d.channel_id = ANY(:channels) "
            "ORDER BY x.id DESC LIMIT :n"
        )
        # The channels as one array parameter (see storage.dialect.is_one_of).
        return text(decisions), text(dissents)
    else:
        decisions = (
            "SELECT d.id FROM decision_fts f JOIN decision d ON d.id = f.rowid "
            "WHERE decision_fts MATCH :q AND d.team_id = :team AND d.channel_id IN :channels "
            "ORDER BY f.rowid DESC LIMIT :n"
        )
        dissents = (
            "SELECT x.decision_id FROM dissent_fts f JOIN dissent x ON x.id = f.rowid "
            "JOIN decision d ON d.id = x.decision_id "
            "WHERE dissent_fts MATCH :q AND d.team_id = :team AND d.channel_id IN :channels "
            "ORDER BY f.rowid DESC LIMIT :n"
        )
    channels: BindParameter[list[str]] = bindparam("channels", expanding=True)
    return text(decisions).bindparams(channels), text(dissents).bindparams(channels)


def matching_decision_ids(
    connection: Connection, *, team_id: str, channel_ids: Collection[str], words: str, limit: int
) -> set[int]:
    """Up to `limit` of the newest decisions, and up to `limit` of those with the newest
    dissent, in these channels, holding every word typed (each as a prefix)."""
    terms = search_terms(words)
    if not terms or not channel_ids:
        return set()
    dialect = connection.dialect.name
    args = {"q": _query(dialect, terms), "team": team_id, "channels": list(channel_ids), "n": limit}
    decisions, dissents = _matching(dialect)
    if dialect == "postgresql":
        # psycopg prepares a statement run often, and PostgreSQL then plans it once for any
        # words and channels; but whether to walk the text index or the newest decisions
        # depends on how many they match (27 ms at p50 planned each time, 70 ms generic, at
        # 100,000 decisions). For this transaction only.
        connection.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    found = set(connection.execute(decisions, args).scalars())
    return found | set(connection.execute(dissents, args).scalars())
