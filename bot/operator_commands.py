"""The operator's commands for stored workspaces: `decisionbot keys new|rotate` and
`decisionbot workspace delete TEAM_ID`. Each returns what to print; a ConfigError says what
is wrong."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.config import ConfigError, Settings
from storage import installations
from storage.db import Database
from storage.token_keys import KEY_SETTING, TokenKeyProblem, TokenKeys, new_key

TEAM_ID = re.compile(r"[TE][A-Z0-9]{2,31}")


def keys_new() -> str:
    return (
        f"{KEY_SETTING}={new_key()}\n"
        f"# To rotate: put the new key first and keep the old one after a comma, run "
        f"`decisionbot keys rotate`, then drop the old key."
    )


def _keys(settings: Settings) -> TokenKeys:
    try:
        return TokenKeys(settings.token_encryption_key)
    except TokenKeyProblem as problem:
        raise ConfigError(str(problem)) from None


async def keys_rotate(settings: Settings) -> str:
    """Reseals every stored token with the first key of TOKEN_ENCRYPTION_KEY."""
    keys = _keys(settings)
    db = Database(settings.database_url)
    try:
        await db.upgrade()
        try:
            count = await db.write(lambda session: installations.reseal_all(session, keys))
        except TokenKeyProblem as problem:
            raise ConfigError(str(problem)) from None
    finally:
        await db.close()
    if not count:
        return "No tokens are stored (installs through /slack/install store them): nothing to do."
    return (
        f"Resealed the tokens of {count} workspace{'s' if count != 1 else ''} with the first "
        f"key of {KEY_SETTING}. The keys after it can now be removed."
    )


async def workspace_delete(
    settings: Settings, team_id: str, *, confirmed: bool, ask: Callable[[str], str] | None
) -> str:
    """Deletes everything stored for a workspace, after the operator types its id again
    (`ask` shows the question and returns the answer; None where nobody can answer)."""
    if not TEAM_ID.fullmatch(team_id):
        raise ConfigError(
            f"{team_id!r} is not a Slack workspace id: it looks like T0123ABCD (the `team_id` "
            "in an export, or in the workspace's URL in a browser)."
        )
    db = Database(settings.database_url)
    try:
        await db.upgrade()
        decisions = await db.read(lambda session: installations.count_decisions(session, team_id))
        still = await db.read(lambda session: installations.installed(session, team_id))
        if not confirmed:
            if ask is None:
                raise ConfigError(
                    f"This deletes {decisions} decisions of {team_id} for good; it asks to "
                    "confirm at a terminal. To run it without one, add --yes."
                )
            warning = " It is still installed: uninstall the app there first." if still else ""
            answer = ask(
                f"This deletes {team_id}'s {decisions} decisions and everything about them "
                f"(commitments, dissent, history, settings, tokens) for good.{warning} Export "
                f"them first with `decisionbot export`. Type {team_id} to delete: "
            )
            if answer.strip() != team_id:
                return "Nothing was deleted."
        deleted = await db.write(lambda session: installations.delete_workspace(session, team_id))
    finally:
        await db.close()
    return f"Deleted {team_id}: {deleted} decisions and everything stored with them."
