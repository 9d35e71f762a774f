"""Settings fail fast with a sentence saying what to set."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, Mode, load_settings

HTTP_ENV = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret"}


def test_defaults() -> None:
    settings = load_settings(HTTP_ENV, mode=Mode.HTTP)
    assert settings.database_url == "sqlite:///decisionbot.db"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert (settings.port, settings.log_level) == (3000, "INFO")


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
