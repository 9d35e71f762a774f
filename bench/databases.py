"""The databases a benchmark runs on: a fresh SQLite file, and a fresh database on the
PostgreSQL server named by TEST_DATABASE_URL (which `tests/with_postgres.sh` starts)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url


def empty_postgres_database(server_url: str, name: str) -> str:
    admin = make_url(server_url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')
    return admin.set(database=name).render_as_string(hide_password=False)


def bench_databases(name: str) -> dict[str, str]:
    """{"SQLite": url, "PostgreSQL": url}, PostgreSQL only where a server was given."""
    workdir = Path(tempfile.mkdtemp(prefix=f"decisionbot-{name}-"))
    databases = {"SQLite": f"sqlite:///{workdir / f'{name}.db'}"}
    server = os.environ.get("TEST_DATABASE_URL", "")
    if server.startswith("postgresql"):
        databases["PostgreSQL"] = empty_postgres_database(server, f"decisionbot_{name}")
    else:
        print("PostgreSQL skipped: no TEST_DATABASE_URL (run under tests/with_postgres.sh)")
    return databases
