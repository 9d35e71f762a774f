"""Button clicks and the inputs that redraw the /decide form."""

import re

from slack_bolt.async_app import AsyncApp

from bot.ids import Action
from bot.listeners.actions.commit import handle_commit
from bot.listeners.actions.decide_form import handle_decide_form_change
from bot.listeners.actions.decider import (
    handle_close_decision,
    handle_open_change_type,
    handle_open_edit,
    handle_open_ending,
)
from bot.listeners.actions.dissent import handle_open_answer, handle_open_dissent
from bot.listeners.actions.finding import handle_home_page, handle_list_page
from bot.listeners.actions.post_card import handle_post_card
from bot.listeners.actions.revisit import handle_open_revisit

COMMIT_BUTTONS = re.compile(
    f"^({re.escape(Action.COMMIT_AGREE)}|{re.escape(Action.COMMIT_DISAGREE)})$"
)


def register_commit_buttons(app: AsyncApp) -> None:
    app.action(COMMIT_BUTTONS)(handle_commit)


def register(app: AsyncApp) -> None:
    app.action(Action.OPEN_DISSENT)(handle_open_dissent)
    app.action(Action.OPEN_ANSWER)(handle_open_answer)
    app.action(Action.OPEN_CHANGE_TYPE)(handle_open_change_type)
    app.action(Action.CLOSE_DECISION)(handle_close_decision)
    app.action(Action.OPEN_EDIT)(handle_open_edit)
    app.action(Action.OPEN_WITHDRAW)(handle_open_ending)
    app.action(Action.OPEN_SUPERSEDE)(handle_open_ending)
    app.action(Action.POST_CARD)(handle_post_card)
    app.action(Action.LIST_PREVIOUS)(handle_list_page)
    app.action(Action.LIST_NEXT)(handle_list_page)
    app.action(Action.HOME_PREVIOUS)(handle_home_page)
    app.action(Action.HOME_NEXT)(handle_home_page)
    for revisit in (
        Action.REVISIT_KEEP,
        Action.REVISIT_REVERSE,
        Action.REVISIT_LATER,
        Action.REVISIT_SUPERSEDE,
    ):
        app.action(revisit)(handle_open_revisit)
    for redraw in (
        Action.TYPE_CHOICE,
        Action.UNDO_CHEAPLY,
        Action.LOCKS_IN,
        Action.WHO_IS_AFFECTED,
    ):
        app.action(redraw)(handle_decide_form_change)
