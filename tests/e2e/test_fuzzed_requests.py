"""Mutated Slack payloads, signed and unsigned: never a 5xx, never a traceback, and a refused or
unsigned request changes nothing stored.

Seeds are the payloads a real story produces (a command, the form's submission, clicks on the
card, the Home tab, a shortcut), and each mutation changes one thing Slack would never change:
a field's type, a huge or non-ASCII value, an id past 2^63, a mention where an id goes, a field
removed, another workspace's id (tests/fuzzing.py). A short, seeded run here;
`FUZZ_REQUESTS=20000 FUZZ_SEED=2` runs more, another way, and bench/fuzz_http.py runs 100,000
against `decisionbot serve` itself.
"""

from __future__ import annotations

import logging
import os
import random

import pytest

from bot.services.export import export_decisions
from tests.fuzzing import as_body, mutate, seeds, unescaped_sequences
from tests.harness import BotUnderTest

REQUESTS = int(os.environ.get("FUZZ_REQUESTS", "600"))


async def test_fuzzed_requests_never_break_anything(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    rng = random.Random(int(os.environ.get("FUZZ_SEED", "20261202")))
    population = await seeds(bot)
    await bot.settle()
    before = await export_decisions(bot.deps.db)
    statuses: dict[int, int] = {}
    for n in range(REQUESTS):
        kind, seed = rng.choice(population)
        body, content_type = as_body(kind, mutate(seed, rng))
        signed = n % 5 != 0  # one in five unsigned: refused before it is read
        if signed:
            response = await bot.send(body, content_type=content_type)
        else:
            response = await bot.send(body, content_type=content_type, secret="not-the-secret")
            assert response.status == 401
        statuses[response.status] = statuses.get(response.status, 0) + 1
        assert response.status < 500, (response.status, body[:300])
    await bot.settle()
    tracebacks = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in tracebacks] == []
    # Mutations may add a commitment or close the decision (a signed click is a click), but
    # nothing already stored is lost: every decision and commitment from before is still there.
    after = await export_decisions(bot.deps.db)
    assert {d["id"] for d in before["decisions"]} <= {d["id"] for d in after["decisions"]}
    assert unescaped_sequences(bot.stand_in) == 0
    print(statuses)
