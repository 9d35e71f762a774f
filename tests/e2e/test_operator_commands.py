"""The operator's commands, run as an operator runs them: `decisionbot keys new|rotate` and
`decisionbot workspace delete TEAM_ID`, against a database two workspaces installed into."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator

import pytest
from sqlmodel import func, select

from bot.operator_commands import workspace_delete
from storage.db import Database
from storage.models import Commitment, Decision, Installation
from storage.token_keys import TokenKeys, new_key
from tests.conftest import BOB, NOW, TEAM
from tests.e2e.flows import record_decision
from tests.e2e.installs import InstallService, install_service
from tests.e2e.test_several_processes import ROOT
from tests.slack_stand_in.server import InstallChoice, SlackStandIn

OTHER_TEAM, ERIN, OTHER_CHANNEL = "T0002", "U2ERIN", "C2GENERAL"


@pytest.fixture
async def service(stand_in: SlackStandIn, db: Database) -> AsyncIterator[InstallService]:
    stand_in.add_user(ERIN, team_id=OTHER_TEAM)
    stand_in.add_channel(OTHER_CHANNEL, team_id=OTHER_TEAM)
    async with install_service(stand_in, db, lambda: NOW) as running:
        for team in (TEAM, OTHER_TEAM):
            await running.install(InstallChoice(team_id=team, team_name=team))
        await record_decision(running.bot(TEAM), stakeholders=[BOB])
        other = running.bot(OTHER_TEAM)
        await record_decision(
            other, stakeholders=[], decider=ERIN, recorder=ERIN, channel=OTHER_CHANNEL
        )
        yield running


async def decisionbot(*args: str, **env: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env={**os.environ, **env},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def decisions_of(db: Database, team_id: str) -> int:
    return await db.read(
        lambda s: s.exec(select(func.count()).where(Decision.team_id == team_id)).one()
    )


async def test_keys_new_prints_a_key_the_bot_takes() -> None:
    code, out, _ = await decisionbot("keys", "new")
    assert code == 0
    line = out.splitlines()[0]
    assert line.startswith("TOKEN_ENCRYPTION_KEY=")
    TokenKeys(line.split("=", 1)[1])  # raises if it isn't one


async def test_keys_rotate_reseals_every_token_so_the_old_key_can_go(
    service: InstallService,
) -> None:
    old = service.settings.token_encryption_key
    new = new_key()
    code, out, err = await decisionbot(
        "keys", "rotate", DATABASE_URL=service.db.url, TOKEN_ENCRYPTION_KEY=f"{new},{old}"
    )
    assert code == 0, err
    assert "Resealed the tokens of 2 workspaces" in out
    rows = await service.db.read(lambda s: s.exec(select(Installation)).all())
    tokens = {TokenKeys(new).open(row.sealed_bot_token or "") for row in rows}
    assert tokens == set(service.stand_in.installed_tokens)

    code, _, err = await decisionbot(
        "keys", "rotate", DATABASE_URL=service.db.url, TOKEN_ENCRYPTION_KEY=new
    )
    assert code == 0, err  # already sealed with it: nothing it can't open
    code, _, err = await decisionbot(
        "keys", "rotate", DATABASE_URL=service.db.url, TOKEN_ENCRYPTION_KEY=old
    )
    assert code == 2
    assert "No key in TOKEN_ENCRYPTION_KEY opens a stored token" in err
    assert "Traceback" not in err


async def test_workspace_delete_asks_then_deletes_that_workspace_only(
    service: InstallService,
) -> None:
    db = service.db
    asked: list[str] = []

    def answer(with_text: str) -> str:
        def ask(question: str) -> str:
            asked.append(question)
            return with_text

        return ask

    said = await workspace_delete(service.settings, OTHER_TEAM, confirmed=False, ask=answer("no"))
    assert said == "Nothing was deleted."
    assert "This deletes T0002's 1 decisions" in asked[0]
    assert "It is still installed" in asked[0]
    assert await decisions_of(db, OTHER_TEAM) == 1

    said = await workspace_delete(
        service.settings, OTHER_TEAM, confirmed=False, ask=answer(OTHER_TEAM)
    )
    assert said == "Deleted T0002: 1 decisions and everything stored with them."
    assert await decisions_of(db, OTHER_TEAM) == 0
    assert await db.read(lambda s: s.get(Installation, OTHER_TEAM)) is None
    assert await decisions_of(db, TEAM) == 1
    commitments = await db.read(lambda s: s.exec(select(Commitment.team_id)).all())
    assert set(commitments) <= {TEAM}
    assert await db.read(lambda s: s.get(Installation, TEAM)) is not None


async def test_workspace_delete_without_a_terminal_needs_yes(service: InstallService) -> None:
    code, _, err = await decisionbot("workspace", "delete", OTHER_TEAM, DATABASE_URL=service.db.url)
    assert code == 2
    assert "it asks to confirm at a terminal. To run it without one, add --yes." in err
    assert await decisions_of(service.db, OTHER_TEAM) == 1

    code, _, err = await decisionbot("workspace", "delete", "general", DATABASE_URL=service.db.url)
    assert code == 2 and "is not a Slack workspace id" in err

    code, out, err = await decisionbot(
        "workspace", "delete", OTHER_TEAM, "--yes", DATABASE_URL=service.db.url
    )
    assert code == 0, err
    assert "Deleted T0002" in out
    assert await decisions_of(service.db, OTHER_TEAM) == 0
    assert await decisions_of(service.db, TEAM) == 1
