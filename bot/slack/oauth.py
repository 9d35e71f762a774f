"""The OAuth install mode: Bolt's OAuth flow, set up with our stores, scopes and pages.

GET /slack/install serves the "Add to Slack" page (and the state cookie Bolt checks when
Slack sends the person back); GET /slack/oauth_redirect calls oauth.v2.access, stores the
workspace's tokens sealed, and shows what happened.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.slack.installations import (
    STATE_LIFETIME,
    InstallationStore,
    InstalledWorkspaces,
    OrgWideInstallRefused,
    StateStore,
)
from bot.slack.scopes import BOT_SCOPES
from bot.ui.install_pages import (
    INSTALL_PATH,
    failed_page,
    install_page,
    installed_page,
    org_wide_refused_page,
)
from storage.db import Database
from storage.token_keys import TokenKeys

logger = logging.getLogger(__name__)

REDIRECT_PATH = "/slack/oauth_redirect"
HTML = {"Content-Type": "text/html; charset=utf-8"}
NOT_INSTALLED = (
    "decisionbot isn't installed in this workspace any more. Ask whoever runs it for the "
    "install link (it ends /slack/install) to add it again."
)


class InstallFlow(AsyncOAuthFlow):
    """Bolt's flow with our install page: Bolt's own loads its button image from
    slack-edge.com, which a locked-down network or a strict browser may not show."""

    async def build_install_page_html(self, url: str, request: AsyncBoltRequest) -> str:
        return install_page(url)


def _callbacks(client: AsyncWebClient) -> AsyncCallbackOptions:
    async def installed(args: AsyncSuccessArgs) -> BoltResponse:
        installation = args.installation
        page = installed_page(
            team_name=installation.team_name,
            team_id=installation.team_id or "",
            app_id=installation.app_id,
        )
        return BoltResponse(status=200, body=page, headers=dict(HTML))

    async def failed(args: AsyncFailureArgs) -> BoltResponse:
        if isinstance(args.error, OrgWideInstallRefused):
            refused = args.error.installation
            logger.warning("refused an org-wide install for %s", refused.enterprise_id)
            if refused.bot_token:  # leave no token behind that nobody keeps
                with contextlib.suppress(SlackApiError):
                    await client.auth_revoke(token=refused.bot_token)
            return BoltResponse(status=403, body=org_wide_refused_page(), headers=dict(HTML))
        logger.warning("an install didn't complete: %s", args.reason)
        return BoltResponse(
            status=args.suggested_status_code, body=failed_page(args.reason), headers=dict(HTML)
        )

    return AsyncCallbackOptions(success=installed, failure=failed)


def install_flow(
    settings: Settings, db: Database, client: AsyncWebClient, clock: Callable[[], datetime]
) -> tuple[InstallFlow, InstalledWorkspaces]:
    """The flow for AsyncApp(oauth_flow=…), and the clients the sweeps send with."""
    store = InstallationStore(db, TokenKeys(settings.token_encryption_key), clock)
    oauth_settings = AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        redirect_uri=settings.slack_redirect_uri or None,  # None: the manifest's
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        callback_options=_callbacks(client),
        authorization_url=settings.slack_authorize_url,
        installation_store=store,
        installation_store_bot_only=True,
        state_store=StateStore(db, settings.slack_state_secret, clock),
        state_expiration_seconds=int(STATE_LIFETIME.total_seconds()),
    )
    workspaces = InstalledWorkspaces(
        store,
        client,
        client_id=settings.slack_client_id,
        secret=settings.slack_client_secret,
    )
    return InstallFlow(client=client, settings=oauth_settings), workspaces
