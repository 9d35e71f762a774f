"""Which database the suite runs on: SQLite files by default, or the PostgreSQL server that
tests/with_postgres.sh starts and names in TEST_DATABASE_URL. The same tests run on both."""

from __future__ import annotations

import os
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith("postgresql")

sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="about SQLite's own file and locks")


def _admin_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def reset_postgres() -> None:
    """An empty database for the next test: its schema dropped and made again."""
    with psycopg.connect(_admin_dsn(POSTGRES_URL), autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


def new_database_url(tmp_path: Path, name: str) -> str:
    """A database of its own: a file on SQLite, a new database on the PostgreSQL server."""
    if not ON_POSTGRES:
        return f"sqlite:///{tmp_path / f'{name}.db'}"
    database = f"{name}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_admin_dsn(POSTGRES_URL), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


class AnotherProcess:
    """Another process's connection holding the lock a commitment's write needs: SQLite's one
    write lock, or the decision's row on PostgreSQL."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            assert parsed.database is not None
            self.connection: Any = sqlite3.connect(parsed.database, isolation_level=None)
            self.connection.execute("BEGIN IMMEDIATE")
        else:
            dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
            self.connection = psycopg.connect(dsn)
            self.connection.execute("SELECT id FROM decision FOR UPDATE")

    def let_go(self, *, commit: bool = True) -> None:
        if isinstance(self.connection, sqlite3.Connection):
            self.connection.execute("COMMIT" if commit else "ROLLBACK")
        else:
            self.connection.commit() if commit else self.connection.rollback()
        self.connection.close()
