"""Block Kit checks the way Slack makes them: what Slack answers `invalid_blocks` for.

Limits from Slack's Block Kit reference (see ../shared/slack-reference/README.md).
"""

from __future__ import annotations

from typing import Any

MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
KNOWN_BLOCKS = {"section", "header", "context", "actions", "divider", "input", "image", "rich_text"}
INPUT_ELEMENTS = {
    "plain_text_input",
    "users_select",
    "multi_users_select",
    "radio_buttons",
    "datepicker",
    "static_select",
    "conversations_select",
    "checkboxes",
}


class BlockErrors:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def check(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)


def _text(
    errors: BlockErrors, where: str, obj: Any, limit: int, *, plain_only: bool = False
) -> None:
    if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
        errors.check(False, f"{where}: must be a text object")
        return
    if plain_only:
        errors.check(obj["type"] == "plain_text", f"{where}: must be plain_text")
    text = obj.get("text")
    errors.check(isinstance(text, str) and len(text) >= 1, f"{where}: text must not be empty")
    errors.check(isinstance(text, str) and len(text) <= limit, f"{where}: longer than {limit}")


def _options(errors: BlockErrors, where: str, options: Any, limit: int) -> None:
    errors.check(
        isinstance(options, list) and 1 <= len(options) <= limit, f"{where}: 1 to {limit} options"
    )
    for i, option in enumerate(options or []):
        _text(errors, f"{where}.options[{i}].text", option.get("text"), 75)
        errors.check(
            len(str(option.get("value", ""))) <= 150, f"{where}.options[{i}]: value over 150"
        )


def _element(errors: BlockErrors, where: str, element: Any) -> None:
    if not isinstance(element, dict):
        errors.check(False, f"{where}: element must be an object")
        return
    kind = element.get("type")
    action_id = element.get("action_id")
    if action_id is not None:
        errors.check(len(str(action_id)) <= 255, f"{where}: action_id over 255")
    if kind == "button":
        _text(errors, f"{where}.text", element.get("text"), 75, plain_only=True)
        errors.check(len(str(element.get("value", ""))) <= 2000, f"{where}: button value over 2000")
        errors.check(element.get("style") in (None, "primary", "danger"), f"{where}: bad style")
        confirm = element.get("confirm")
        if confirm:
            _text(errors, f"{where}.confirm.title", confirm.get("title"), 100, plain_only=True)
            _text(errors, f"{where}.confirm.text", confirm.get("text"), 300)
    elif kind == "plain_text_input":
        max_length = element.get("max_length", 3000)
        errors.check(1 <= max_length <= 3000, f"{where}: max_length must be 1 to 3000")
        initial = element.get("initial_value")
        errors.check(
            initial is None or len(initial) <= max_length, f"{where}: initial_value over max_length"
        )
    elif kind == "radio_buttons":
        _options(errors, where, element.get("options"), 10)
    elif kind == "static_select":
        _options(errors, where, element.get("options"), 100)
    elif kind == "datepicker":
        initial = element.get("initial_date")
        errors.check(
            initial is None or len(initial) == 10, f"{where}: initial_date must be YYYY-MM-DD"
        )
    elif kind in INPUT_ELEMENTS or kind in ("image", "overflow"):
        pass
    else:
        errors.check(False, f"{where}: unknown element type {kind!r}")


def _block(errors: BlockErrors, where: str, block: Any, *, surface: str) -> None:
    kind = block.get("type") if isinstance(block, dict) else None
    errors.check(kind in KNOWN_BLOCKS, f"{where}: unknown block type {kind!r}")
    block_id = block.get("block_id") if isinstance(block, dict) else None
    if block_id is not None:
        errors.check(
            1 <= len(str(block_id)) <= 255, f"{where}: block_id must be 1 to 255 characters"
        )
    if kind == "section":
        errors.check("text" in block or "fields" in block, f"{where}: section needs text or fields")
        if "text" in block:
            _text(errors, f"{where}.text", block["text"], 3000)
        fields = block.get("fields") or []
        errors.check(len(fields) <= 10, f"{where}: more than 10 fields")
        for i, field in enumerate(fields):
            _text(errors, f"{where}.fields[{i}]", field, 2000)
        if "accessory" in block:
            _element(errors, f"{where}.accessory", block["accessory"])
    elif kind == "header":
        _text(errors, f"{where}.text", block.get("text"), 150, plain_only=True)
    elif kind == "context":
        elements = block.get("elements") or []
        errors.check(1 <= len(elements) <= 10, f"{where}: context needs 1 to 10 elements")
        for i, element in enumerate(elements):
            if element.get("type") in ("plain_text", "mrkdwn"):
                _text(errors, f"{where}.elements[{i}]", element, 3000)
    elif kind == "actions":
        elements = block.get("elements") or []
        errors.check(1 <= len(elements) <= 25, f"{where}: actions needs 1 to 25 elements")
        action_ids = [e.get("action_id") for e in elements if e.get("action_id")]
        errors.check(len(action_ids) == len(set(action_ids)), f"{where}: repeated action_id")
        for i, element in enumerate(elements):
            _element(errors, f"{where}.elements[{i}]", element)
    elif kind == "image":
        alt_text = block.get("alt_text")
        errors.check(
            isinstance(alt_text, str) and 1 <= len(alt_text) <= 2000,
            f"{where}: image needs alt_text of 1 to 2000 characters",
        )
        source = [key for key in ("image_url", "slack_file") if key in block]
        errors.check(len(source) == 1, f"{where}: image needs image_url or slack_file, not both")
        if "slack_file" in block:
            file = block["slack_file"]
            errors.check(
                isinstance(file, dict) and ("id" in file) != ("url" in file),
                f"{where}: slack_file needs an id or a url",
            )
    elif kind == "input":
        errors.check(surface != "message", f"{where}: input blocks belong in modals")
        _text(errors, f"{where}.label", block.get("label"), 2000, plain_only=True)
        if "hint" in block:
            _text(errors, f"{where}.hint", block["hint"], 2000, plain_only=True)
        element = block.get("element")
        errors.check(
            isinstance(element, dict) and element.get("type") in INPUT_ELEMENTS,
            f"{where}: input needs an input element",
        )
        _element(errors, f"{where}.element", element)


def check_blocks(blocks: Any, *, surface: str) -> list[str]:
    """Problems Slack would answer `invalid_blocks` for; empty when the blocks are fine."""
    errors = BlockErrors()
    if not isinstance(blocks, list):
        return ["blocks must be an array"]
    limit = MESSAGE_BLOCKS_MAX if surface == "message" else VIEW_BLOCKS_MAX
    errors.check(len(blocks) <= limit, f"more than {limit} blocks ({len(blocks)})")
    block_ids = [b.get("block_id") for b in blocks if isinstance(b, dict) and b.get("block_id")]
    errors.check(len(block_ids) == len(set(block_ids)), "repeated block_id")
    for i, block in enumerate(blocks):
        _block(errors, f"blocks[{i}]", block, surface=surface)
    return errors.problems


def check_view(view: Any) -> list[str]:
    """Problems with a modal or Home tab view, as views.open / views.publish would report."""
    if not isinstance(view, dict):
        return ["view must be an object"]
    errors = BlockErrors()
    kind = view.get("type")
    errors.check(kind in ("modal", "home"), f"view type must be modal or home, not {kind!r}")
    if kind == "modal":
        _text(errors, "title", view.get("title"), 24, plain_only=True)
        for key in ("submit", "close"):
            if key in view:
                _text(errors, key, view[key], 24, plain_only=True)
        has_input = any(b.get("type") == "input" for b in view.get("blocks", []))
        errors.check(not has_input or "submit" in view, "a modal with inputs needs a submit button")
    errors.check(len(view.get("private_metadata", "")) <= 3000, "private_metadata over 3000")
    errors.check(len(view.get("callback_id", "")) <= 255, "callback_id over 255")
    return errors.problems + check_blocks(view.get("blocks", []), surface=kind or "modal")
