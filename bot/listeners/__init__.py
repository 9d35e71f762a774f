"""Everything that speaks Slack, grouped by Slack surface."""

from slack_bolt.async_app import AsyncApp

from bot.listeners import actions, commands, events, shortcuts, views


def register_all(app: AsyncApp) -> None:
    commands.register(app)
    actions.register(app)
    views.register(app)
    events.register(app)
    shortcuts.register(app)
