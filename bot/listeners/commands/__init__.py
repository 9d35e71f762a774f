"""Slash commands."""

from slack_bolt.async_app import AsyncApp

from bot.ids import Command
from bot.listeners.commands.decide import handle_decide


def register(app: AsyncApp) -> None:
    app.command(Command.DECIDE)(handle_decide)
