"""How a dissent's call at the revisit is said, the same on every surface: a dissent that
proved right is credited to the person who voiced it ("Carol called it")."""

from __future__ import annotations

from bot.ui.text import mention
from storage.models import Dissent, DissentCall

CALLED_IT = ":dart:"
CALL_LABEL = {
    DissentCall.CAME_TRUE: "Came true: they were right",
    DissentCall.DID_NOT: "Didn't come true",
    DissentCall.CANT_TELL: "Can't tell yet",
}


def called_it(dissent: Dissent) -> str:
    return f"{CALLED_IT} {mention(dissent.user_id)} called it"


def describe_call(dissent: Dissent) -> str | None:
    """The call as one short sentence, or None while nobody has made it."""
    if dissent.called is DissentCall.CAME_TRUE:
        return f"{called_it(dissent)}: the decider judged that this came true."
    if dissent.called is DissentCall.DID_NOT:
        return "The decider judged that this didn't come true."
    if dissent.called is DissentCall.CANT_TELL:
        return "At the last look back it was too early to tell."
    return None
