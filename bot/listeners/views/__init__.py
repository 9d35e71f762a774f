"""Modal submissions: each validates before it acks, so errors land under the field."""

from slack_bolt.async_app import AsyncApp

from bot.ids import View
from bot.listeners.views.change_type import handle_change_type_submission
from bot.listeners.views.decide import handle_decide_submission
from bot.listeners.views.dissent import handle_answer_submission, handle_dissent_submission
from bot.listeners.views.edit import handle_edit_submission
from bot.listeners.views.endings import handle_supersede_submission, handle_withdraw_submission
from bot.listeners.views.revisit import handle_revisit_submission


def register(app: AsyncApp) -> None:
    app.view(View.DECIDE)(handle_decide_submission)
    app.view(View.DISSENT)(handle_dissent_submission)
    app.view(View.ANSWER)(handle_answer_submission)
    app.view(View.CHANGE_TYPE)(handle_change_type_submission)
    app.view(View.REVISIT)(handle_revisit_submission)
    app.view(View.EDIT)(handle_edit_submission)
    app.view(View.WITHDRAW)(handle_withdraw_submission)
    app.view(View.SUPERSEDE)(handle_supersede_submission)
