"""The decider's edit form, filled in with the decision as it stands."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    DatePickerElement,
    InputBlock,
    Option,
    UserMultiSelectElement,
)

from bot.ids import INPUT
from bot.ids import Block as BlockId
from bot.ids import View as ViewId
from bot.services.decisions import STAKEHOLDERS_MAX
from bot.ui.decide_modal import wording_blocks
from bot.ui.modals import modal, modal_metadata
from storage.models import DecisionType
from storage.repository import DecisionRecord

SMALL = "small"


def _date(block_id: str, label: str, value: Any, *, optional: bool, hint: str) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        element=DatePickerElement(
            action_id=INPUT, initial_date=value.isoformat() if value else None
        ),
    )


def build_edit_modal(record: DecisionRecord) -> dict[str, Any]:
    decision = record.decision
    blocks: list[Block] = [
        *wording_blocks(decision.title, decision.what_and_why, decision.options_considered),
        InputBlock(
            block_id=BlockId.STAKEHOLDERS,
            label="Whose commitment do you need?",
            optional=True,
            element=UserMultiSelectElement(
                action_id=INPUT,
                max_selected_items=STAKEHOLDERS_MAX,
                initial_users=record.stakeholder_ids or None,
            ),
        ),
    ]
    if decision.decision_type is DecisionType.TYPE_1:
        blocks.append(
            _date(
                BlockId.COMMIT_BY,
                "Commit by",
                decision.commit_by,
                optional=False,
                hint="Open for input until then.",
            )
        )
        blocks.append(
            _date(
                BlockId.REVIEW_ON,
                "Review the outcome on",
                decision.revisit_on,
                optional=True,
                hint="The day to look back at how it turned out. Leave empty for none.",
            )
        )
    else:
        blocks.append(
            _date(
                BlockId.REVISIT_ON,
                "Revisit on",
                decision.revisit_on,
                optional=True,
                hint="The day we come back to it. Leave empty for none.",
            )
        )
    blocks.append(
        InputBlock(
            block_id=BlockId.SMALL_EDIT,
            label="Size of the change",
            optional=True,
            element=CheckboxesElement(
                action_id=INPUT,
                options=[
                    Option(
                        value=SMALL,
                        label="A small edit (a typo, wording): keep everyone's commitments",
                        description="Otherwise, changing what was decided asks people to recommit.",
                    )
                ],
            ),
        )
    )
    return modal(
        ViewId.EDIT, "Edit decision", "Save", modal_metadata(decision_id=record.id), blocks
    )
