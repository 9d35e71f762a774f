"""Slack tokens sealed at rest with Fernet (cryptography), under keys from TOKEN_ENCRYPTION_KEY.

The setting holds one or more Fernet keys, comma-separated, newest first: tokens are sealed
with the first and opened with any of them, so a new key can be put in front, `decisionbot
keys rotate` run to reseal every token with it, and then the old key dropped.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

KEY_SETTING = "TOKEN_ENCRYPTION_KEY"
MAKE_A_KEY = "decisionbot keys new"


class TokenKeyProblem(ValueError):
    """TOKEN_ENCRYPTION_KEY is missing or malformed, or no key in it opens a stored token."""


def new_key() -> str:
    return Fernet.generate_key().decode()


class TokenKeys:
    def __init__(self, setting: str) -> None:
        keys = [key.strip() for key in setting.split(",") if key.strip()]
        if not keys:
            raise TokenKeyProblem(
                f"Set {KEY_SETTING} to seal the workspaces' tokens in the database: "
                f"run `{MAKE_A_KEY}` and put what it prints in .env or the environment."
            )
        fernets = []
        for place, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key))
            except ValueError:
                raise TokenKeyProblem(
                    f"Key {place} of {KEY_SETTING} is not a Fernet key (44 characters of "
                    f"url-safe base64): run `{MAKE_A_KEY}` to make one."
                ) from None
        self._keys = MultiFernet(fernets)

    def seal(self, token: str) -> str:
        return self._keys.encrypt(token.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._keys.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise TokenKeyProblem(
                f"No key in {KEY_SETTING} opens a stored token: the key it was sealed with "
                "was removed. Put that key back (after the new one), then run `decisionbot "
                "keys rotate`."
            ) from None

    def reseal(self, sealed: str) -> str:
        """The same token sealed with the newest key."""
        try:
            return self._keys.rotate(sealed.encode()).decode()
        except InvalidToken:
            self.open(sealed)  # raises the sentence above
            raise
