"""Privacy: each surface, for a member and a non-member of a public and a private channel.

A private channel's decisions are shown only to its members, everywhere. Search and the Home
tab gather only from the channels a person is in; list, show and the digest of a public
channel are open to anyone in the workspace, as the channel itself is.
"""

from __future__ import annotations

import pytest

from tests.conftest import ALICE, BOB, DAN
from tests.e2e.flows import record_decision
from tests.harness import BotUnderTest, blocks_text

PUBLIC, PRIVATE = "C0000PUBLIC", "G0000SECRET"
TITLE = {PUBLIC: "Rename the public API", PRIVATE: "Acquire Initech quietly"}

# (surface, is_member, channel) -> shown?
EXPECTED = {
    ("search", True, PUBLIC): True,
    ("search", True, PRIVATE): True,
    ("search", False, PUBLIC): False,
    ("search", False, PRIVATE): False,
    ("list", True, PUBLIC): True,
    ("list", True, PRIVATE): True,
    ("list", False, PUBLIC): True,
    ("list", False, PRIVATE): False,
    ("show", True, PUBLIC): True,
    ("show", True, PRIVATE): True,
    ("show", False, PUBLIC): True,
    ("show", False, PRIVATE): False,
    ("home", True, PUBLIC): True,
    ("home", True, PRIVATE): True,
    ("home", False, PUBLIC): False,
    ("home", False, PRIVATE): False,
    ("digest", True, PUBLIC): True,
    ("digest", True, PRIVATE): True,
    ("digest", False, PUBLIC): True,
    ("digest", False, PRIVATE): False,
}


async def what_is_shown(bot: BotUnderTest, surface: str, user: str, channel: str) -> str:
    """Everything the person is shown on that surface, as text."""
    seen = len(bot.stand_in.responses)
    if surface == "home":
        return blocks_text((await bot.open_home(user))["blocks"])
    decision_id = 1 if channel == PUBLIC else 2
    text, where = {
        "search": (
            f"search {TITLE[channel].split()[1]}",
            PUBLIC if channel == PRIVATE else PRIVATE,
        ),
        "list": ("list", channel),
        "show": (f"show {decision_id}", channel),
        "digest": ("digest", channel),
    }[surface]
    # Search is typed somewhere else, to show that it is not the channel that lets it through.
    response = await bot.command(text, user=user, channel=where)
    shown = [str(response.body)] + [
        str(r.get("text")) + blocks_text(r.get("blocks") or [])
        for r in bot.stand_in.responses[seen:]
    ]
    return "\n".join(shown)


@pytest.mark.parametrize(("surface", "is_member", "channel"), sorted(EXPECTED))
async def test_each_surface_shows_a_decision_only_to_those_who_may_see_it(
    bot: BotUnderTest, surface: str, is_member: bool, channel: str
) -> None:
    # Alice and Bob are in both channels; Dan is in neither.
    bot.stand_in.add_channel(PUBLIC, members={ALICE, BOB})
    bot.stand_in.add_channel(PRIVATE, is_private=True, members={ALICE, BOB})
    for where in (PUBLIC, PRIVATE):
        await record_decision(bot, stakeholders=[BOB], channel=where, title=TITLE[where])

    shown = await what_is_shown(bot, surface, BOB if is_member else DAN, channel)

    assert (TITLE[channel] in shown) is EXPECTED[(surface, is_member, channel)], shown
    if channel == PRIVATE and not is_member:  # not a word of it beyond what they typed
        assert "quietly" not in shown
