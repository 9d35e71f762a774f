"""The install pages: what a person sees when an install works, is cancelled, is replayed or
forged, or is for a whole Enterprise Grid org; and tokens sealed at rest, renewed when they
rotate."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import text

from bot.scheduler.sweep import Sweeper
from bot.slack.installations import InstallationStore
from storage.db import Database
from storage.models import Installation
from storage.token_keys import TokenKeyProblem, TokenKeys, new_key
from tests.conftest import ALICE, BOB, CHANNEL, NOW, TEAM
from tests.e2e.flows import record_decision
from tests.e2e.installs import ADD_TO_SLACK, InstallService, install_service
from tests.slack_stand_in.server import InstallChoice, SlackStandIn


@pytest.fixture
async def service(stand_in: SlackStandIn, db: Database) -> AsyncIterator[InstallService]:
    async with install_service(stand_in, db, lambda: NOW) as running:
        yield running


async def stored_row(service: InstallService) -> Installation | None:
    return await service.db.read(lambda session: session.get(Installation, TEAM))


async def test_the_install_page_has_an_add_to_slack_link_with_our_scopes_and_a_state(
    service: InstallService,
) -> None:
    async with (
        aiohttp.ClientSession() as browser,
        browser.get(service.url("/slack/install")) as page,
    ):
        html = await page.text()
        cookie = page.headers.get("Set-Cookie", "")
    found = ADD_TO_SLACK.search(html)
    assert found is not None
    link = found.group(1).replace("&amp;", "&")
    assert link.startswith(service.stand_in.authorize_url + "?")
    assert "scope=commands,chat:write,channels:join,users:read,channels:read" in link
    assert f"client_id={service.stand_in.oauth.client_id}" in link
    state = re.search(r"state=([^&]+)", link)
    assert state is not None and f"slack-app-oauth-state={state.group(1)}" in cookie
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert "slack-edge.com" not in html  # nothing loaded from outside


async def test_an_install_stores_the_token_sealed_not_as_it_is(service: InstallService) -> None:
    status, page = await service.install(InstallChoice(team_id=TEAM, team_name="Acme"))
    assert status == 200 and "Open Slack" in page
    (token,) = service.stand_in.installed_tokens
    raw = await service.db.read(
        lambda session: session.connection().execute(text("SELECT * FROM installation")).all()
    )
    assert token not in str(raw) and "xoxb-" not in str(raw)
    row = await stored_row(service)
    assert row is not None and row.installer_user_id == "U0INSTALLER"
    assert row.bot_scopes.split(",")[:2] == ["commands", "chat:write"]
    keys = TokenKeys(service.settings.token_encryption_key)
    assert row.sealed_bot_token is not None and keys.open(row.sealed_bot_token) == token


async def test_a_cancelled_install_says_nothing_was_added(service: InstallService) -> None:
    status, page = await service.install(InstallChoice(team_id=TEAM, cancel=True))
    assert status == 200
    assert "You cancelled the install, so nothing was added" in page
    assert 'href="/slack/install"' in page
    assert await stored_row(service) is None


async def test_a_replayed_or_forged_redirect_installs_nothing(service: InstallService) -> None:
    service.stand_in.install_choice = InstallChoice(team_id=TEAM)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as browser:
        async with browser.get(service.url("/slack/install")) as page:
            found = ADD_TO_SLACK.search(await page.text())
            cookie = page.headers["Set-Cookie"].split(";")[0]
        assert found is not None
        authorize = found.group(1).replace("&amp;", "&")
        async with browser.get(authorize, allow_redirects=False) as slack:
            redirect = slack.headers["Location"]
        # Without the browser's state cookie: another browser, or a link someone was sent.
        async with browser.get(redirect) as landed:
            assert landed.status == 400
            assert "started in another browser" in await landed.text()
        async with browser.get(redirect, headers={"Cookie": cookie}) as landed:
            assert landed.status == 200, await landed.text()
        # The same redirect again: its state was good once.
        async with browser.get(redirect, headers={"Cookie": cookie}) as landed:
            assert landed.status == 401
            assert "expired" in await landed.text()
        forged = re.sub(r"state=[^&]+", "state=made-up.0000", redirect)
        async with browser.get(
            forged, headers={"Cookie": "slack-app-oauth-state=made-up.0000"}
        ) as landed:
            assert landed.status == 401
    assert len(service.stand_in.installed_tokens) == 1  # the one good redirect


async def test_an_org_wide_install_is_refused_with_a_page_and_its_token_revoked(
    service: InstallService,
) -> None:
    status, page = await service.install(InstallChoice(team_id=TEAM, org_wide="E0ORG"))
    assert status == 403
    assert "an install for a whole Enterprise Grid organization" in page
    assert "nothing was installed" in page
    assert service.stand_in.installed_tokens == {}  # auth.revoke took it back
    assert await stored_row(service) is None


async def test_a_request_from_a_workspace_that_never_installed_is_told_so(
    service: InstallService,
) -> None:
    response = await service.bot(TEAM).command("list", user=ALICE, channel=CHANNEL)
    assert response.status == 200
    assert "isn't installed in this workspace" in str(service.stand_in.responses[-1])


async def test_rotating_tokens_are_renewed_before_they_expire_and_kept_sealed(
    service: InstallService,
) -> None:
    service.stand_in.oauth.rotate_tokens = True
    service.stand_in.oauth.token_lifetime_seconds = 600  # inside Bolt's two hours: renew now
    await service.install(InstallChoice(team_id=TEAM, team_name="Acme"))
    (first,) = service.stand_in.installed_tokens

    bot = service.bot(TEAM)
    card = await record_decision(bot, stakeholders=[BOB])  # Bolt renews it for the request
    assert card, "the card was posted with a renewed token"
    renewals = [
        call
        for call in service.stand_in.calls_to("oauth.v2.access")
        if call.get("grant_type") == "refresh_token"
    ]
    assert renewals
    row = await stored_row(service)
    keys = TokenKeys(service.settings.token_encryption_key)
    assert row is not None and row.sealed_bot_token and row.sealed_refresh_token
    now_stored = keys.open(row.sealed_bot_token)
    assert now_stored != first and now_stored in service.stand_in.installed_tokens
    # The sweeps renew it too, through the same store.
    client = await service.workspaces.client_for(TEAM)
    assert client is not None and client.token in service.stand_in.installed_tokens
    assert (await Sweeper(service.deps, service.workspaces).sweep()).failed == []


async def test_a_key_that_no_longer_opens_the_tokens_says_which_setting_to_fix(
    service: InstallService,
) -> None:
    await service.install(InstallChoice(team_id=TEAM, team_name="Acme"))
    with_another_key = InstallationStore(service.db, TokenKeys(new_key()), lambda: NOW)
    with pytest.raises(TokenKeyProblem, match="No key in TOKEN_ENCRYPTION_KEY opens"):
        await with_another_key.async_find_bot(enterprise_id=None, team_id=TEAM)
