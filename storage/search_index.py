"""Full-text search for /decide search, in each database's own engine: FTS5 on SQLite,
tsvector with a GIN index on PostgreSQL. The one place where the two differ for search.

On SQLite both indexes are external-content FTS5 tables: the text lives once, in `decision`
and `dissent`, and triggers keep the index in step with every insert, update and delete. An
index made for a database that already had decisions is filled from them once ("rebuild").
On PostgreSQL an expression index over the same columns needs no triggers; queries repeat
the indexed expression exactly, so that the planner uses it.
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


def _sqlite_ddl(index: str, table: str, columns: list[str]) -> list[str]:
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return [
        f"CREATE TRIGGER IF NOT EXISTS {index}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {index}(rowid, {cols}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {index}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {index}({index}, rowid, {cols}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER IF NOT EXISTS {index}_au AFTER UPDATE OF {cols} ON {table} BEGIN "
        f"INSERT INTO {index}({index}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {index}(rowid, {cols}) VALUES (new.id, {new}); END",
    ]


def _tsvector(alias: str, columns: list[str]) -> str:
    joined = " || ' ' || ".join(f"coalesce({alias}{c}, '')" for c in columns)
    return f"to_tsvector('simple', {joined})"


def search_index_statements(dialect: str) -> list[str]:
    """The statements that create both search indexes (each safe to run again)."""
    statements: list[str] = []
    for index, table, columns in INDEXES:
        if dialect == "postgresql":
            statements.append(
                f"CREATE INDEX IF NOT EXISTS {index} ON {table} "
                f"USING GIN ({_tsvector('', columns)})"
            )
            continue
        statements.append(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {index} USING fts5({', '.join(columns)}, "
            f"content='{table}', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        )
        statements += _sqlite_ddl(index, table, columns)
    return statements


def create_search_indexes(connection: Connection) -> None:
    dialect = connection.dialect.name
    fresh = (
        dialect == "sqlite"
        and not connection.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'decision_fts'")
        ).first()
    )
    for statement in search_index_statements(dialect):
        connection.execute(text(statement))
    if fresh:  # an FTS5 index made beside existing rows starts empty
        for index, _, _ in INDEXES:
            connection.execute(text(f"INSERT INTO {index}({index}) VALUES ('rebuild')"))


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
            "AND d.team_id = :team AND d.channel_id IN :channels "
            "ORDER BY d.id DESC LIMIT :n"
        )
        dissents = (
            "SELECT x.decision_id FROM dissent x JOIN decision d ON d.id = x.decision_id "
            f"WHERE {_tsvector('x.', dissent_cols)} @@ to_tsquery('simple', :q) "
            "AND d.team_id = :team AND d.channel_id IN :channels "
            "ORDER BY x.id DESC LIMIT :n"
        )
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
    found = set(connection.execute(decisions, args).scalars())
    return found | set(connection.execute(dissents, args).scalars())
