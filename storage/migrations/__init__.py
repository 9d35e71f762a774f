"""Alembic migrations for both databases; storage/migrate.py runs them."""
