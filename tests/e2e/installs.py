"""decisionbot in the OAuth install mode, served over HTTP, with workspaces installed through
the real flow: the install page, the stand-in's authorize page, the redirect, oauth.v2.access.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

import aiohttp
from aiohttp.test_utils import TestServer
from slack_bolt.async_app import AsyncApp

from bot.app import build_app
from bot.config import Mode, Settings, load_settings
from bot.deps import Deps
from bot.slack.calls import build_web_client, close_web_client
from bot.slack.installations import InstalledWorkspaces
from bot.slack.oauth import install_flow
from bot.slack.server import build_web_app
from storage.db import Database
from storage.token_keys import new_key
from tests.conftest import SIGNING_SECRET
from tests.harness import BotUnderTest
from tests.slack_stand_in.server import InstallChoice, SlackStandIn

ADD_TO_SLACK = re.compile(r'id="add-to-slack" href="([^"]+)"')


def oauth_settings(stand_in: SlackStandIn, **more: str) -> Settings:
    return load_settings(
        {
            "SLACK_CLIENT_ID": stand_in.oauth.client_id,
            "SLACK_CLIENT_SECRET": stand_in.oauth.client_secret,
            "SLACK_STATE_SECRET": "state-secret-for-tests-5b1f0c",
            "TOKEN_ENCRYPTION_KEY": new_key(),
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": stand_in.api_url,
            "SLACK_AUTHORIZE_URL": stand_in.authorize_url,
            **more,
        },
        mode=Mode.HTTP,
    )


@dataclass
class InstallService:
    stand_in: SlackStandIn
    db: Database
    settings: Settings
    app: AsyncApp
    deps: Deps
    workspaces: InstalledWorkspaces
    server: TestServer

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    def bot(self, team_id: str) -> BotUnderTest:
        """Drives the app as Slack would for one workspace's people."""
        return BotUnderTest(
            stand_in=self.stand_in,
            app=self.app,
            deps=self.deps,
            signing_secret=SIGNING_SECRET,
            team_id=team_id,
        )

    async def install(self, choice: InstallChoice) -> tuple[int, str]:
        """A person opens /slack/install, clicks "Add to Slack" and approves on Slack's page
        as `choice` says; returns the status and text of the page they end on."""
        self.stand_in.install_choice = choice
        origin = self.url("/").rstrip("/")
        # The state cookie is Secure, as it should be behind TLS; loopback counts as secure.
        jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[origin])
        async with aiohttp.ClientSession(cookie_jar=jar) as browser:
            async with browser.get(self.url("/slack/install")) as page:
                found = ADD_TO_SLACK.search(await page.text())
                assert page.status == 200 and found, await page.text()
            authorize = found.group(1).replace("&amp;", "&")
            async with browser.get(authorize) as landed:  # follows Slack's redirect back
                return landed.status, await landed.text()


@asynccontextmanager
async def install_service(
    stand_in: SlackStandIn, db: Database, clock: Callable[[], datetime], **settings: str
) -> AsyncIterator[InstallService]:
    """The bot in the OAuth install mode on a loopback port; the stand-in's registered
    redirect URL points at it (no SLACK_REDIRECT_URI set, as the README's default)."""
    chosen = oauth_settings(stand_in, DATABASE_URL=db.url, **settings)
    deps = Deps(db=db, clock=clock)
    client = build_web_client(None, stand_in.api_url)
    flow, workspaces = install_flow(chosen, db, client, deps.now)
    app = build_app(client=client, deps=deps, signing_secret=SIGNING_SECRET, install_flow=flow)
    server = TestServer(build_web_app(app, db, signing_secret=SIGNING_SECRET), host="127.0.0.1")
    await server.start_server()
    stand_in.oauth.redirect_uri = str(server.make_url("/slack/oauth_redirect"))
    try:
        yield InstallService(stand_in, db, chosen, app, deps, workspaces, server)
    finally:
        assert await deps.followups.drain(within_seconds=15), "follow-ups still running"
        await server.close()
        await close_web_client(client)
