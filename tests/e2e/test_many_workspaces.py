"""One deployment, many workspaces: each installs through "Add to Slack", sees only its own
decisions, is sent its own reminders with its own token, and can leave."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from bot.ids import Action
from bot.scheduler.sweep import Sweeper
from bot.slack.calls import check_bot_token
from bot.slack.installations import OneWorkspace
from storage import installations
from storage.db import Database
from storage.models import Decision, DueWork, Installation
from tests.conftest import ALICE, BOB, CHANNEL, NOW, TEAM
from tests.e2e.flows import record_decision
from tests.e2e.installs import InstallService, install_service
from tests.harness import BotUnderTest, blocks_text
from tests.slack_stand_in.requests import workspace_event_body
from tests.slack_stand_in.server import InstallChoice, SlackStandIn

OTHER_TEAM = "T0002"
ERIN, FRANK = "U2ERIN", "U2FRANK"
OTHER_CHANNEL = "C2GENERAL"
REVISIT_DAY = NOW + timedelta(days=30)


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
async def service(
    stand_in: SlackStandIn, db: Database, clock: Clock
) -> AsyncIterator[InstallService]:
    stand_in.add_user(ERIN, team_id=OTHER_TEAM)
    stand_in.add_user(FRANK, team_id=OTHER_TEAM)
    stand_in.add_channel(OTHER_CHANNEL, team_id=OTHER_TEAM)
    async with install_service(stand_in, db, clock) as running:
        yield running


async def install_both(service: InstallService) -> tuple[BotUnderTest, BotUnderTest]:
    for team, name in ((TEAM, "Acme"), (OTHER_TEAM, "Globex")):
        status, page = await service.install(InstallChoice(team_id=team, team_name=name))
        assert status == 200, page
        assert f"decisionbot is installed in <strong>{name}</strong>" in page
    return service.bot(TEAM), service.bot(OTHER_TEAM)


async def record_type2_in_each(acme: BotUnderTest, globex: BotUnderTest) -> None:
    """A Type 2 decision in each workspace, revisited on REVISIT_DAY: Alice's and Erin's."""
    await record_decision(acme, stakeholders=[BOB], kind="type2")
    await record_decision(
        globex,
        stakeholders=[FRANK],
        kind="type2",
        decider=ERIN,
        recorder=ERIN,
        channel=OTHER_CHANNEL,
    )


def sweeper(service: InstallService) -> Sweeper:
    return Sweeper(service.deps, service.workspaces, owner="process-a")


async def uninstall(
    bot: BotUnderTest, event: dict[str, object], *, event_time: int | None = None
) -> None:
    body = workspace_event_body(team_id=bot.team_id, event=event, event_time=event_time)
    response = await bot.send(body, content_type="application/json")
    assert response.status == 200


async def test_two_workspaces_install_and_each_records_and_commits_with_its_own_token(
    service: InstallService,
) -> None:
    acme, globex = await install_both(service)
    stand_in = service.stand_in
    acme_card = await record_decision(acme, stakeholders=[BOB], title="Adopt trunk-based dev")
    globex_card = await record_decision(
        globex,
        stakeholders=[FRANK],
        decider=ERIN,
        recorder=ERIN,
        channel=OTHER_CHANNEL,
        title="Move the office to Springfield",
    )
    await acme.click(acme_card, Action.COMMIT_AGREE, user=BOB, channel=CHANNEL)
    await globex.click(globex_card, Action.COMMIT_AGREE, user=FRANK, channel=OTHER_CHANNEL)

    assert f"<@{BOB}> agreed and committed" in acme.card_text(CHANNEL)
    assert f"<@{FRANK}> agreed and committed" in globex.card_text(OTHER_CHANNEL)
    # Each workspace's calls went with the token it was given at its install; a call that
    # named the other's channel or people would be in stand_in.warnings (checked after).
    tokens = set(stand_in.installed_tokens.values())
    assert tokens == {TEAM, OTHER_TEAM}
    teams_called = {team for team, _ in stand_in.team_calls}
    assert teams_called == {TEAM, OTHER_TEAM}
    assert stand_in.token not in stand_in.installed_tokens  # the token mode's is never used


async def test_nothing_of_one_workspace_is_visible_from_the_other(
    service: InstallService,
) -> None:
    acme, globex = await install_both(service)
    await record_decision(acme, stakeholders=[BOB], title="Adopt trunk-based dev")  # no. 1
    await record_decision(
        globex,
        stakeholders=[FRANK],
        decider=ERIN,
        recorder=ERIN,
        channel=OTHER_CHANNEL,
        title="Move the office to Springfield",
    )
    stand_in = service.stand_in

    await globex.command("search trunk", user=ERIN, channel=OTHER_CHANNEL)
    await globex.command("show 1", user=ERIN, channel=OTHER_CHANNEL)
    await globex.command("list", user=ERIN, channel=OTHER_CHANNEL)
    searched, shown, listed = (str(answer) for answer in stand_in.responses[-3:])
    assert "No decisions" in searched and "trunk-based" not in searched
    assert "trunk-based" not in shown and "Springfield" not in shown
    assert "Springfield" in listed and "trunk-based" not in listed
    erin_home = blocks_text((await globex.open_home(ERIN))["blocks"])
    assert "Springfield" in erin_home and "trunk-based" not in erin_home
    alice_home = blocks_text((await acme.open_home(ALICE))["blocks"])
    assert "trunk-based" in alice_home and "Springfield" not in alice_home


async def test_each_workspace_is_sent_its_revisits_with_its_own_token(
    service: InstallService, clock: Clock
) -> None:
    acme, globex = await install_both(service)
    await record_type2_in_each(acme, globex)
    clock.moment = REVISIT_DAY
    report = await sweeper(service).sweep()

    assert report.sent == 2
    for person in (ALICE, ERIN):
        (revisit,) = service.stand_in.channel_messages(person)
        assert "Time to revisit a decision" in str(revisit["text"])


async def test_an_uninstall_deletes_the_tokens_and_stops_that_workspaces_sends_only(
    service: InstallService, clock: Clock
) -> None:
    acme, globex = await install_both(service)
    await record_type2_in_each(acme, globex)

    await uninstall(globex, {"type": "app_uninstalled"})

    row = await service.db.read(lambda session: session.get(Installation, OTHER_TEAM))
    assert row is not None and row.uninstalled_at is not None
    assert (row.sealed_bot_token, row.sealed_refresh_token) == (None, None)
    clock.moment = REVISIT_DAY
    report = await sweeper(service).sweep()
    assert report.sent == 1  # Alice's revisit; Erin's workspace is not planned for
    assert service.stand_in.channel_messages(ERIN) == []
    planned = await service.db.read(lambda s: s.exec(select(DueWork.team_id)).all())
    assert set(planned) == {TEAM}
    # Its decisions stay, for an export or a reinstall.
    kept = await service.db.read(
        lambda s: s.exec(select(Decision.title).where(Decision.team_id == OTHER_TEAM)).all()
    )
    assert kept == ["Adopt trunk-based development"]

    # Someone there types /decide: Bolt finds no token and says what happened.
    response = await globex.command("list", user=ERIN, channel=OTHER_CHANNEL)
    assert response.status == 200
    assert "isn't installed in this workspace any more" in str(service.stand_in.responses[-1])

    # Installed again: the revisit owed to Erin goes out at the next sweep.
    await service.install(InstallChoice(team_id=OTHER_TEAM, team_name="Globex"))
    assert (await sweeper(service).sweep()).sent == 1
    (revisit,) = service.stand_in.channel_messages(ERIN)
    assert "Time to revisit a decision" in str(revisit["text"])


async def test_a_revoked_bot_token_is_an_uninstall_and_a_revoked_user_token_is_not(
    service: InstallService,
) -> None:
    _, globex = await install_both(service)

    async def has_token() -> bool:
        row = await service.db.read(lambda s: s.get(Installation, OTHER_TEAM))
        return row is not None and row.sealed_bot_token is not None

    await uninstall(globex, {"type": "tokens_revoked", "tokens": {"oauth": [ERIN]}})
    assert await has_token()
    await uninstall(globex, {"type": "tokens_revoked", "tokens": {"bot": ["UBOT0001"]}})
    assert not await has_token()


async def test_in_the_token_mode_an_uninstall_stops_the_sends_until_the_token_works_again(
    bot: BotUnderTest,
) -> None:
    await record_decision(bot, stakeholders=[BOB], kind="type2")
    await uninstall(bot, {"type": "app_uninstalled"})
    bot.deps.clock = lambda: REVISIT_DAY
    one_workspace = OneWorkspace(bot.app.client)
    assert (await Sweeper(bot.deps, one_workspace).sweep()).sent == 0
    assert bot.stand_in.channel_messages(ALICE) == []

    # Started again with a token Slack accepts: the workspace has the app again.
    checked = await check_bot_token(bot.app.client)
    assert checked.team_id == TEAM
    await bot.deps.db.write(
        lambda session: installations.forget_uninstall(session, TEAM, now=REVISIT_DAY)
    )
    assert (await Sweeper(bot.deps, one_workspace).sweep()).sent == 1
    # Slack's late retry of the old uninstall (it happened before the restart) changes nothing.
    await uninstall(bot, {"type": "app_uninstalled"}, event_time=int(NOW.timestamp()))
    assert await bot.deps.db.read(installations.uninstalled_teams) == set()
