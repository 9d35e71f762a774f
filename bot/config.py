"""Settings: the only place that reads the environment. Fails fast with what to set.

A pydantic-settings class reads each setting from the environment (bot/cli.py has loaded
`.env` into it first). An empty value, as a copied `.env.example` leaves, means the default.
Each check raises a sentence naming the setting and what to write; `load_settings` turns the
first one into a ConfigError.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import time
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.db import UnsupportedDatabase, check_database_url
from storage.token_keys import TokenKeyProblem, TokenKeys

DEFAULT_DATABASE_URL = "sqlite:///decisionbot.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_SLACK_AUTHORIZE_URL = "https://slack.com/oauth/v2/authorize"
DEFAULT_PORT = 3000
DEFAULT_HOST = "0.0.0.0"  # every interface, as a container or a host behind a balancer needs
HOST_NAME = re.compile(r"[A-Za-z0-9.\-:\[\]]{1,253}")
DEFAULT_SCHEDULER_INTERVAL_SECONDS = 60.0
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class ConfigError(Exception):
    """A setting is missing or wrong; the message says what to set."""


class Mode(StrEnum):
    HTTP = "http"
    SOCKET = "socket"
    OFFLINE = "offline"  # commands that only touch the database, such as export


def _or_default(value: Any, default: Any) -> Any:
    return default if value is None or (isinstance(value, str) and not value.strip()) else value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=False)

    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str = ""
    # The OAuth install mode ("Add to Slack", many workspaces): set instead of SLACK_BOT_TOKEN.
    slack_client_id: str = ""
    slack_client_secret: str = ""
    slack_state_secret: str = ""
    slack_redirect_uri: str = ""
    slack_authorize_url: str = DEFAULT_SLACK_AUTHORIZE_URL
    token_encryption_key: str = ""
    database_url: str = DEFAULT_DATABASE_URL
    slack_api_url: str = DEFAULT_SLACK_API_URL
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    log_level: str = "INFO"
    scheduler_interval_seconds: float = DEFAULT_SCHEDULER_INTERVAL_SECONDS
    digest_day: int = 0  # Monday, as in date.weekday()
    digest_time: time = time(9, 0)
    digest_timezone: str = "UTC"

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "slack_client_id",
        "slack_client_secret",
        "slack_state_secret",
        "token_encryption_key",
        mode="before",
    )
    @classmethod
    def _stripped(cls, value: Any) -> Any:
        return str(_or_default(value, "")).strip()

    @field_validator("database_url", mode="before")
    @classmethod
    def _usable_database(cls, value: Any) -> str:
        url = str(_or_default(value, DEFAULT_DATABASE_URL)).strip()
        try:
            check_database_url(url)
        except UnsupportedDatabase as error:
            raise ValueError(str(error)) from None
        return url

    @field_validator("slack_api_url", mode="before")
    @classmethod
    def _api_url(cls, value: Any) -> str:
        url = str(_or_default(value, DEFAULT_SLACK_API_URL)).strip()
        if not url.startswith(("https://", "http://")):
            raise ValueError(f"SLACK_API_URL must be an http(s) URL, not {url!r}.")
        return url if url.endswith("/") else url + "/"

    @field_validator("slack_authorize_url", mode="before")
    @classmethod
    def _authorize_url(cls, value: Any) -> str:
        url = str(_or_default(value, DEFAULT_SLACK_AUTHORIZE_URL)).strip()
        if not url.startswith(("https://", "http://")):
            raise ValueError(f"SLACK_AUTHORIZE_URL must be an http(s) URL, not {url!r}.")
        return url

    @field_validator("slack_redirect_uri", mode="before")
    @classmethod
    def _redirect_uri(cls, value: Any) -> str:
        url = str(_or_default(value, "")).strip()
        if url and not url.startswith(("https://", "http://")):
            raise ValueError(
                "SLACK_REDIRECT_URI must be the full URL of /slack/oauth_redirect, as under "
                f"OAuth & Permissions, Redirect URLs (https://…/slack/oauth_redirect), not {url!r}."
            )
        return url

    @property
    def installs_through_oauth(self) -> bool:
        """The OAuth install mode: any of its three settings says the operator chose it."""
        return bool(self.slack_client_id or self.slack_client_secret or self.slack_state_secret)

    @field_validator("host", mode="before")
    @classmethod
    def _host(cls, value: Any) -> str:
        host = str(_or_default(value, DEFAULT_HOST)).strip()
        if not HOST_NAME.fullmatch(host):
            raise ValueError(
                f"HOST must be an address to listen on, like 0.0.0.0 (every interface) or "
                f"127.0.0.1 (this machine only), not {host!r}."
            )
        return host

    @field_validator("port", mode="before")
    @classmethod
    def _port(cls, value: Any) -> int:
        text = str(_or_default(value, DEFAULT_PORT)).strip()
        if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 65536:
            raise ValueError(f"PORT must be a number from 1 to 65535, not {text!r}.")
        return int(text)

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: Any) -> str:
        level = str(_or_default(value, "INFO")).strip().upper()
        if not isinstance(logging.getLevelName(level), int):
            raise ValueError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}.")
        return level

    @field_validator("scheduler_interval_seconds", mode="before")
    @classmethod
    def _interval(cls, value: Any) -> float:
        text = str(_or_default(value, DEFAULT_SCHEDULER_INTERVAL_SECONDS)).strip()
        try:
            seconds = float(text)
        except ValueError:
            seconds = -1.0
        if not 1 <= seconds <= 3600:
            raise ValueError(
                "SCHEDULER_INTERVAL_SECONDS must be a number of seconds from 1 to 3600 "
                f"(how often due revisits and reminders are looked for), not {text!r}."
            )
        return seconds

    @field_validator("digest_day", mode="before")
    @classmethod
    def _weekday(cls, value: Any) -> int:
        if isinstance(value, int):
            return value
        day = str(_or_default(value, "monday")).strip().lower()
        if day not in DAY_NAMES:
            raise ValueError(f"DIGEST_DAY must be a day of the week, such as Monday, not {day!r}.")
        return DAY_NAMES.index(day)

    @field_validator("digest_time", mode="before")
    @classmethod
    def _time(cls, value: Any) -> time:
        if isinstance(value, time):
            return value
        text = str(_or_default(value, "09:00")).strip()
        try:
            at = time.fromisoformat(text)
        except ValueError:
            raise ValueError(f"DIGEST_TIME must be a time like 09:00, not {text!r}.") from None
        if at.tzinfo is not None:
            raise ValueError(
                f"DIGEST_TIME is a time of day without a zone, like 09:00, not {text!r}: "
                "set the zone in DIGEST_TIMEZONE (for example Asia/Karachi)."
            )
        return at

    @field_validator("digest_timezone", mode="before")
    @classmethod
    def _zone(cls, value: Any) -> str:
        zone = str(_or_default(value, "UTC")).strip()
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"DIGEST_TIMEZONE must be a time zone name like Europe/Berlin or UTC, not {zone!r}."
            ) from None
        return zone


def _require(value: str, name: str, prefix: str, where: str) -> None:
    if not value:
        raise ConfigError(f"Set {name} ({where}) in the environment or in .env.")
    if prefix and not value.startswith(prefix):
        raise ConfigError(f"{name} should start with {prefix!r}; copy it again from {where}.")


def _first_problem(error: ValidationError) -> str:
    problem = error.errors()[0]
    cause = (problem.get("ctx") or {}).get("error")
    return str(cause) if cause is not None else f"{problem['loc'][0]}: {problem['msg']}"


OAUTH_SETTINGS = (
    (
        "slack_client_id",
        "SLACK_CLIENT_ID",
        "the Client ID under Basic Information, App Credentials",
    ),
    (
        "slack_client_secret",
        "SLACK_CLIENT_SECRET",
        "the Client Secret under Basic Information, App Credentials",
    ),
    (
        "slack_state_secret",
        "SLACK_STATE_SECRET",
        "any long random text, which signs installs under way: `openssl rand -hex 32`",
    ),
)


def _check_oauth_install(settings: Settings, mode: Mode) -> None:
    if settings.slack_bot_token:
        raise ConfigError(
            "SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set: pick one mode. Keep "
            "SLACK_BOT_TOKEN for one workspace, or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and "
            "SLACK_STATE_SECRET for installs through /slack/install (many workspaces), and "
            "remove the other."
        )
    if mode is Mode.SOCKET:
        raise ConfigError(
            "Installs through /slack/install are served over HTTP: run `decisionbot serve` "
            "(and remove SLACK_APP_TOKEN), or use SLACK_BOT_TOKEN with Socket Mode."
        )
    for field, name, where in OAUTH_SETTINGS:
        _require(getattr(settings, field), name, "", where)
    try:
        TokenKeys(settings.token_encryption_key)
    except TokenKeyProblem as problem:
        raise ConfigError(str(problem)) from None


def load_settings(env: Mapping[str, str] | None = None, *, mode: Mode = Mode.HTTP) -> Settings:
    """Reads every setting once (from `env`, or the environment); raises ConfigError naming
    the first one to fix, including the tokens this mode needs."""
    try:
        if env is None:
            settings = Settings()
        else:
            settings = Settings.model_validate({name.lower(): value for name, value in env.items()})
    except ValidationError as error:
        raise ConfigError(_first_problem(error)) from None
    if settings.installs_through_oauth and mode is not Mode.OFFLINE:
        _check_oauth_install(settings, mode)
    elif mode is not Mode.OFFLINE:
        _require(
            settings.slack_bot_token,
            "SLACK_BOT_TOKEN",
            "xoxb-",
            "the Bot User OAuth Token under OAuth & Permissions",
        )
    if mode is Mode.HTTP:
        _require(
            settings.slack_signing_secret,
            "SLACK_SIGNING_SECRET",
            "",
            "the Signing Secret under Basic Information",
        )
    if mode is Mode.SOCKET:
        _require(
            settings.slack_app_token,
            "SLACK_APP_TOKEN",
            "xapp-",
            "an App-Level Token with connections:write under Basic Information",
        )
    return settings
