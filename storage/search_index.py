"""Full-text indexes for /decide search: SQLite FTS5 over decisions and over dissent.

Both are external-content tables: the text lives once, in `decision` and `dissent`, and
triggers keep the index in step with every insert, update and delete. An index made for a
database that already had decisions is filled from them once ("rebuild").
"""

from __future__ import annotations

from sqlalchemy import Connection, text

# (index, table, indexed columns)
INDEXES = [
    ("decision_fts", "decision", ["title", "what_and_why", "options_considered"]),
    ("dissent_fts", "dissent", ["reason", "would_change_mind"]),
]


def _ddl(index: str, table: str, columns: list[str]) -> list[str]:
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


def create_search_indexes(connection: Connection) -> None:
    for index, table, columns in INDEXES:
        exists = connection.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
            {"name": index},
        ).first()
        if exists is None:
            connection.execute(
                text(
                    f"CREATE VIRTUAL TABLE {index} USING fts5({', '.join(columns)}, "
                    f"content='{table}', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
                )
            )
            connection.execute(text(f"INSERT INTO {index}({index}) VALUES ('rebuild')"))
        for statement in _ddl(index, table, columns):
            connection.execute(text(statement))


def match_expression(words: str) -> str | None:
    """An FTS5 query matching every word typed (each as a prefix), or None if there are none.

    Each word is quoted, so that what people type (quotes, dashes, `OR`) is text, not syntax.
    """
    terms = ['"' + "".join(ch for ch in w if ch != '"') + '"*' for w in words.split()]
    terms = [t for t in terms if t != '""*']
    return " AND ".join(terms) if terms else None
