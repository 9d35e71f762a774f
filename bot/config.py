"""Settings: the only place that reads the environment. Fails fast with what to set."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.services.digest import WEEKDAYS, DigestSchedule
from storage.db import UnsupportedDatabase, check_database_url

DEFAULT_DATABASE_URL = "sqlite:///decisionbot.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_PORT = 3000
DEFAULT_SCHEDULER_INTERVAL_SECONDS = 60.0


class ConfigError(Exception):
    """A setting is missing or wrong; the message says what to set."""


class Mode(StrEnum):
    HTTP = "http"
    SOCKET = "socket"
    OFFLINE = "offline"  # commands that only touch the database, such as export


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str
    slack_signing_secret: str
    slack_app_token: str
    database_url: str
    slack_api_url: str
    port: int
    log_level: str
    scheduler_interval_seconds: float = DEFAULT_SCHEDULER_INTERVAL_SECONDS
    digest_schedule: DigestSchedule = field(default_factory=DigestSchedule)


def _require(env: Mapping[str, str], name: str, prefix: str, where: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(f"Set {name} ({where}) in the environment or in .env.")
    if prefix and not value.startswith(prefix):
        raise ConfigError(f"{name} should start with {prefix!r}; copy it again from {where}.")
    return value


def load_settings(env: Mapping[str, str] | None = None, *, mode: Mode = Mode.HTTP) -> Settings:
    """Reads every setting once; raises ConfigError naming the first one to fix."""
    env = os.environ if env is None else env
    bot_token = signing_secret = app_token = ""
    if mode is not Mode.OFFLINE:
        bot_token = _require(
            env, "SLACK_BOT_TOKEN", "xoxb-", "the Bot User OAuth Token under OAuth & Permissions"
        )
    if mode is Mode.HTTP:
        signing_secret = _require(
            env, "SLACK_SIGNING_SECRET", "", "the Signing Secret under Basic Information"
        )
    if mode is Mode.SOCKET:
        app_token = _require(
            env,
            "SLACK_APP_TOKEN",
            "xapp-",
            "an App-Level Token with connections:write under Basic Information",
        )

    port_text = env.get("PORT", "").strip() or str(DEFAULT_PORT)
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ConfigError(f"PORT must be a number from 1 to 65535, not {port_text!r}.")

    log_level = (env.get("LOG_LEVEL", "").strip() or "INFO").upper()
    if not isinstance(logging.getLevelName(log_level), int):
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {log_level!r}.")

    api_url = env.get("SLACK_API_URL", "").strip() or DEFAULT_SLACK_API_URL
    if not api_url.startswith(("https://", "http://")):
        raise ConfigError(f"SLACK_API_URL must be an http(s) URL, not {api_url!r}.")

    interval_text = env.get("SCHEDULER_INTERVAL_SECONDS", "").strip()
    try:
        interval = float(interval_text) if interval_text else DEFAULT_SCHEDULER_INTERVAL_SECONDS
    except ValueError:
        interval = -1.0
    if not 0 < interval <= 3600:
        raise ConfigError(
            "SCHEDULER_INTERVAL_SECONDS must be a number of seconds from 1 to 3600 "
            f"(how often due revisits and reminders are looked for), not {interval_text!r}."
        )

    digest_schedule = _digest_schedule(env)

    database_url = env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    try:
        check_database_url(database_url)
    except UnsupportedDatabase as error:
        raise ConfigError(str(error)) from None

    return Settings(
        slack_bot_token=bot_token,
        slack_signing_secret=signing_secret,
        slack_app_token=app_token,
        database_url=database_url,
        slack_api_url=api_url if api_url.endswith("/") else api_url + "/",
        port=int(port_text),
        log_level=log_level,
        scheduler_interval_seconds=interval,
        digest_schedule=digest_schedule,
    )


def _digest_schedule(env: Mapping[str, str]) -> DigestSchedule:
    day = (env.get("DIGEST_DAY", "").strip() or "monday").lower()
    days = [name.lower() for name in WEEKDAYS]
    if day not in days:
        raise ConfigError(f"DIGEST_DAY must be a day of the week, such as Monday, not {day!r}.")
    at_text = env.get("DIGEST_TIME", "").strip() or "09:00"
    try:
        at = time.fromisoformat(at_text)
    except ValueError:
        raise ConfigError(f"DIGEST_TIME must be a time like 09:00, not {at_text!r}.") from None
    zone = env.get("DIGEST_TIMEZONE", "").strip() or "UTC"
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"DIGEST_TIMEZONE must be a time zone name like Europe/Berlin or UTC, not {zone!r}."
        ) from None
    return DigestSchedule(weekday=days.index(day), at=at, zone=zone)
