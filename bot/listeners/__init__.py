"""Everything that speaks Slack, grouped by Slack surface."""

from slack_bolt.async_app import AsyncApp

from bot.listeners import actions, commands, events, shortcuts, views, workflow_step


def register_all(app: AsyncApp) -> None:
    # Bolt tries listeners in the order they were added, building each one's arguments to do
    # so, so the commit buttons, which come in floods, are first.
    actions.register_commit_buttons(app)
    commands.register(app)
    actions.register(app)
    views.register(app)
    events.register(app)
    shortcuts.register(app)
    workflow_step.register(app)
