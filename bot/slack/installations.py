"""Installs through "Add to Slack": Bolt's installation and state stores kept in our database,
and the client each workspace's timed work is sent with.

Bolt's OAuth flow (slack_bolt.oauth) runs the install and, for each request, finds the
workspace's token through `InstallationStore`; the sweeps ask `Workspaces.client_for`.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from slack_bolt.error import BoltError
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.calls import client_with_token
from storage import installations as stored
from storage.db import Database
from storage.models import Installation as StoredInstallation
from storage.token_keys import TokenKeys

logger = logging.getLogger(__name__)

STATE_LIFETIME = timedelta(minutes=10)  # from the "Add to Slack" click to Slack's redirect
ROTATE_BEFORE_MINUTES = 120  # rotating tokens are renewed this long before they expire, as Bolt


class OrgWideInstallRefused(BoltError):
    """An Enterprise Grid org-wide install: decisionbot keeps its log per workspace, so it is
    installed workspace by workspace. Carries the install, so that its token can be revoked."""

    def __init__(self, installation: Installation) -> None:
        super().__init__("org-wide installs are not supported")
        self.installation = installation


def _when(epoch: float | int | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def _epoch(when: datetime | None) -> int | None:
    return None if when is None else int(when.timestamp())


def _bot_fields(found: stored.BotTokens) -> dict[str, Any]:
    """What a Bot and an Installation are made of, from a stored row and its opened tokens."""
    row = found.installation
    return {
        "app_id": row.app_id,
        "enterprise_id": row.enterprise_id,
        "team_id": row.team_id,
        "team_name": row.team_name,
        "bot_token": found.bot_token,
        "bot_id": row.bot_id or "",
        "bot_user_id": row.bot_user_id or "",
        "bot_scopes": row.bot_scopes,
        "bot_refresh_token": found.refresh_token,
        "bot_token_expires_at": _epoch(row.bot_token_expires_at),
        "installed_at": row.installed_at.timestamp(),
    }


class InstallationStore(AsyncInstallationStore):
    """One row per workspace (bot tokens only: decisionbot asks for no user scopes), tokens
    sealed with TOKEN_ENCRYPTION_KEY."""

    def __init__(self, db: Database, keys: TokenKeys, clock: Callable[[], datetime]) -> None:
        self._db, self._keys, self._clock = db, keys, clock

    @property
    def logger(self) -> logging.Logger:
        return logger

    def _row(self, bot: Bot | Installation, installer: str | None) -> StoredInstallation:
        assert bot.team_id is not None and bot.bot_token is not None
        refresh = bot.bot_refresh_token
        return StoredInstallation(
            team_id=bot.team_id,
            enterprise_id=bot.enterprise_id,
            team_name=bot.team_name,
            app_id=bot.app_id,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=",".join(bot.bot_scopes or []),
            sealed_bot_token=self._keys.seal(bot.bot_token),
            sealed_refresh_token=self._keys.seal(refresh) if refresh else None,
            bot_token_expires_at=_when(bot.bot_token_expires_at),
            installer_user_id=installer,
            installed_at=self._clock(),
        )

    async def async_save(self, installation: Installation) -> None:
        if installation.is_enterprise_install or not installation.team_id:
            raise OrgWideInstallRefused(installation)
        row = self._row(installation, installation.user_id)
        await self._db.write(lambda session: stored.save(session, row))
        logger.info("installed in %s (%s)", installation.team_name, installation.team_id)

    async def async_save_bot(self, bot: Bot) -> None:
        """Rotated tokens: the rest of the installation stays as it was."""
        team_id = bot.team_id or ""
        row = self._row(bot, None)

        def save(session: Any) -> None:
            before = stored.installed(session, team_id)
            if before is None:
                return  # uninstalled meanwhile: the new tokens are not kept
            row.installer_user_id, row.installed_at = before.installer_user_id, before.installed_at
            stored.save(session, row)

        await self._db.write(save)

    async def _find(self, team_id: str | None) -> stored.BotTokens | None:
        if not team_id:
            return None
        row = await self._db.read(lambda session: stored.installed(session, team_id))
        return None if row is None else stored.open_tokens(row, self._keys)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        found = await self._find(team_id)
        return None if found is None else Bot(**_bot_fields(found))

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = await self._find(team_id)
        if found is None:
            return None
        installer = found.installation.installer_user_id or ""
        return Installation(**_bot_fields(found), user_id=installer)

    async def uninstall(self, team_id: str) -> int | None:
        """Deletes the workspace's tokens and stops its scheduled sends (see storage)."""
        now = self._clock()
        return await self._db.write(
            lambda session: stored.uninstall(session, team_id=team_id, now=now)
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        if team_id:
            await self.uninstall(team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        if team_id and user_id is None:
            await self.uninstall(team_id)

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        if team_id:
            await self.uninstall(team_id)


class StateStore(AsyncOAuthStateStore):
    """States of installs under way, in the database so that Slack's redirect may reach any
    process. Each is signed with SLACK_STATE_SECRET, so a forged one is refused before the
    database is asked."""

    def __init__(self, db: Database, secret: str, clock: Callable[[], datetime]) -> None:
        self._db, self._secret, self._clock = db, secret.encode(), clock

    @property
    def logger(self) -> logging.Logger:
        return logger

    def _signature(self, nonce: str) -> str:
        return hmac.new(self._secret, nonce.encode(), hashlib.sha256).hexdigest()

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        nonce = secrets.token_urlsafe(24)
        state = f"{nonce}.{self._signature(nonce)}"
        expires_at = self._clock() + STATE_LIFETIME
        await self._db.write(
            lambda session: stored.add_state(session, state=state, expires_at=expires_at)
        )
        return state

    async def async_consume(self, state: str) -> bool:
        nonce, _, signature = (state or "").partition(".")
        if not hmac.compare_digest(self._signature(nonce), signature):
            return False
        now = self._clock()
        consumed: bool = await self._db.write(
            lambda session: stored.consume_state(session, state=state, now=now)
        )
        return consumed


class Workspaces(Protocol):
    """Which client sends a workspace's timed work (reminders, digests, canvases, cards)."""

    async def client_for(self, team_id: str) -> AsyncWebClient | None:
        """None when the workspace has no token: it uninstalled the app."""
        ...


class OneWorkspace:
    """The token mode: SLACK_BOT_TOKEN's client for the one workspace it belongs to."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def client_for(self, team_id: str) -> AsyncWebClient | None:
        return self._client


class InstalledWorkspaces:
    """The OAuth install mode: each workspace's own token, renewed first if it rotates."""

    def __init__(
        self, store: InstallationStore, client: AsyncWebClient, *, client_id: str, secret: str
    ) -> None:
        self._store, self._client = store, client
        self._rotator = AsyncTokenRotator(client_id=client_id, client_secret=secret, client=client)

    async def client_for(self, team_id: str) -> AsyncWebClient | None:
        bot = await self._store.async_find_bot(enterprise_id=None, team_id=team_id)
        if bot is None:
            return None
        if bot.bot_refresh_token is not None:
            renewed = await self._rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=ROTATE_BEFORE_MINUTES
            )
            if renewed is not None:
                await self._store.async_save_bot(renewed)
                bot = renewed
        return client_with_token(self._client, bot.bot_token)
