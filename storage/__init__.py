"""decisionbot's database: tables, engine and every query."""
