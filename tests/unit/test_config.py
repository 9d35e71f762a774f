"""Settings fail fast with a sentence saying what to set."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Mode, Settings, load_settings
from storage.db import Database
from storage.token_keys import TokenKeyProblem, TokenKeys, new_key

HTTP_ENV = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret"}


def test_defaults() -> None:
    settings = load_settings(HTTP_ENV, mode=Mode.HTTP)
    assert settings.database_url == "sqlite:///decisionbot.db"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert (settings.host, settings.port, settings.log_level) == ("0.0.0.0", 3000, "INFO")
    assert load_settings(HTTP_ENV | {"HOST": "127.0.0.1"}, mode=Mode.HTTP).host == "127.0.0.1"


def test_api_url_gets_its_trailing_slash() -> None:
    env = HTTP_ENV | {"SLACK_API_URL": "https://slack-gov.com/api"}
    assert load_settings(env).slack_api_url == "https://slack-gov.com/api/"


@pytest.mark.parametrize(
    ("env", "mode", "says"),
    [
        ({}, Mode.HTTP, "Set SLACK_BOT_TOKEN (the Bot User OAuth Token"),
        ({"SLACK_BOT_TOKEN": "xoxp-user"}, Mode.HTTP, "SLACK_BOT_TOKEN should start with 'xoxb-'"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, Mode.HTTP, "Set SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, Mode.SOCKET, "Set SLACK_APP_TOKEN (an App-Level Token"),
        (HTTP_ENV | {"PORT": "http"}, Mode.HTTP, "PORT must be a number from 1 to 65535"),
        (HTTP_ENV | {"LOG_LEVEL": "loud"}, Mode.HTTP, "LOG_LEVEL must be DEBUG, INFO"),
        (
            HTTP_ENV | {"SLACK_API_URL": "slack.com"},
            Mode.HTTP,
            "SLACK_API_URL must be an http(s) URL",
        ),
        (
            HTTP_ENV | {"SCHEDULER_INTERVAL_SECONDS": "0.2"},
            Mode.HTTP,
            "SCHEDULER_INTERVAL_SECONDS must be a number of seconds from 1 to 3600",
        ),
        (
            HTTP_ENV | {"SCHEDULER_INTERVAL_SECONDS": "nan"},
            Mode.HTTP,
            "SCHEDULER_INTERVAL_SECONDS must be a number of seconds from 1 to 3600",
        ),
        (
            HTTP_ENV | {"DIGEST_TIME": "09:00+05:00"},
            Mode.HTTP,
            "set the zone in DIGEST_TIMEZONE",
        ),
        (HTTP_ENV | {"DIGEST_TIME": "9am"}, Mode.HTTP, "DIGEST_TIME must be a time like 09:00"),
        (HTTP_ENV | {"HOST": "every interface"}, Mode.HTTP, "HOST must be an address to listen"),
    ],
)
def test_each_mistake_names_what_to_set(env: dict[str, str], mode: Mode, says: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(env, mode=mode)
    assert says in raised.value.args[0]


def test_socket_mode_needs_no_signing_secret_and_export_needs_no_tokens() -> None:
    assert load_settings(
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, mode=Mode.SOCKET
    )
    assert load_settings({}, mode=Mode.OFFLINE).slack_bot_token == ""


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("sqlite:///decisionbot.db", "sqlite+pysqlite"),
        ("sqlite+aiosqlite:///decisionbot.db", "sqlite+pysqlite"),
        ("postgresql://bot:pw@db.internal:5432/decisions", "postgresql+psycopg"),
        ("postgres://bot:pw@db.internal:5432/decisions", "postgresql+psycopg"),
        ("postgresql+psycopg://bot:pw@db.internal/decisions", "postgresql+psycopg"),
    ],
)
def test_the_database_url_forms_people_are_handed_are_accepted(url: str, driver: str) -> None:
    settings = load_settings(HTTP_ENV | {"DATABASE_URL": url})
    assert settings.database_url == url
    database = Database(url)
    assert database.url.split("://")[0] == driver


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://bot@db/decisions", "Use SQLite or PostgreSQL"),
        ("not a url", "is not a database URL"),
        ("sqlite://", "in-memory SQLite database"),
        ("postgresql://bot@db.internal:5432", "no database"),
    ],
)
def test_a_database_url_that_cant_be_used_is_refused_with_a_sentence(url: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        load_settings(HTTP_ENV | {"DATABASE_URL": url})


def test_a_copied_env_example_with_only_the_tokens_filled_in_gives_the_defaults() -> None:
    example = Path(__file__).resolve().parents[2] / ".env.example"
    names = [
        line.split("=", 1)[0]
        for line in example.read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert {name.lower() for name in names} == set(Settings.model_fields)  # every one documented
    env = dict.fromkeys(names, "") | HTTP_ENV
    settings = load_settings(env, mode=Mode.HTTP)
    assert settings == load_settings(HTTP_ENV, mode=Mode.HTTP)
    assert (settings.port, settings.digest_day, settings.digest_timezone) == (3000, 0, "UTC")


def test_the_digest_schedule_is_read_from_its_three_settings() -> None:
    env = HTTP_ENV | {
        "DIGEST_DAY": "Friday",
        "DIGEST_TIME": "16:30",
        "DIGEST_TIMEZONE": "Europe/Berlin",
    }
    settings = load_settings(env)
    assert (settings.digest_day, settings.digest_time.isoformat(), settings.digest_timezone) == (
        4,
        "16:30:00",
        "Europe/Berlin",
    )


OAUTH_ENV = {
    "SLACK_CLIENT_ID": "1111.2222",
    "SLACK_CLIENT_SECRET": "client-secret",
    "SLACK_STATE_SECRET": "state-secret",
    "TOKEN_ENCRYPTION_KEY": new_key(),
    "SLACK_SIGNING_SECRET": "s3cret",
}


def test_the_oauth_install_mode_needs_no_bot_token() -> None:
    settings = load_settings(OAUTH_ENV, mode=Mode.HTTP)
    assert settings.installs_through_oauth
    assert settings.slack_authorize_url == "https://slack.com/oauth/v2/authorize"
    assert settings.slack_redirect_uri == ""
    assert not load_settings(HTTP_ENV).installs_through_oauth


@pytest.mark.parametrize(
    ("env", "mode", "says"),
    [
        (OAUTH_ENV | {"SLACK_BOT_TOKEN": "xoxb-1"}, Mode.HTTP, "pick one mode"),
        (OAUTH_ENV, Mode.SOCKET, "run `decisionbot serve`"),
        (
            {k: v for k, v in OAUTH_ENV.items() if k != "SLACK_STATE_SECRET"},
            Mode.HTTP,
            "Set SLACK_STATE_SECRET (any long random text",
        ),
        (
            {k: v for k, v in OAUTH_ENV.items() if k != "SLACK_CLIENT_SECRET"},
            Mode.HTTP,
            "Set SLACK_CLIENT_SECRET (the Client Secret under Basic Information",
        ),
        (OAUTH_ENV | {"TOKEN_ENCRYPTION_KEY": ""}, Mode.HTTP, "run `decisionbot keys new`"),
        (
            OAUTH_ENV | {"TOKEN_ENCRYPTION_KEY": "not-a-key"},
            Mode.HTTP,
            "Key 1 of TOKEN_ENCRYPTION_KEY is not a Fernet key",
        ),
        (
            OAUTH_ENV | {"TOKEN_ENCRYPTION_KEY": f"{new_key()}, short"},
            Mode.HTTP,
            "Key 2 of TOKEN_ENCRYPTION_KEY is not a Fernet key",
        ),
        (
            OAUTH_ENV | {"SLACK_REDIRECT_URI": "/slack/oauth_redirect"},
            Mode.HTTP,
            "SLACK_REDIRECT_URI must be the full URL",
        ),
        (OAUTH_ENV | {"SLACK_AUTHORIZE_URL": "slack.com"}, Mode.HTTP, "SLACK_AUTHORIZE_URL must"),
    ],
)
def test_each_oauth_install_mistake_names_what_to_set(
    env: dict[str, str], mode: Mode, says: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(env, mode=mode)
    assert says in raised.value.args[0]


def test_tokens_sealed_with_an_old_key_open_while_it_is_listed_after_the_new() -> None:
    old, new = new_key(), new_key()
    sealed = TokenKeys(old).seal("xoxb-secret")
    both = TokenKeys(f"{new},{old}")
    assert both.open(sealed) == "xoxb-secret"
    resealed = both.reseal(sealed)
    assert TokenKeys(new).open(resealed) == "xoxb-secret"
    with pytest.raises(TokenKeyProblem, match="the key it was sealed with was removed"):
        TokenKeys(new).open(sealed)
