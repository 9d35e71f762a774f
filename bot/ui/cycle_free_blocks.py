"""slack_sdk's Block Kit models turned into dicts without leaving work for the cycle collector.

slack_sdk's `JsonObject.get_non_null_attributes` (3.48, its newest) defines a recursive helper
inside itself on every call, and a function that calls itself through its own closure is a
reference cycle: every Block Kit object turned into a dict leaves about four objects that only
the cycle collector can free. A `/decide` form leaves 160 of them, and so do cards, revisits
and digests. The bot collects its young generation every 50,000 such objects (bot/cli.py), so
at a few hundred `/decide` a second each collection had about 50,000 of them to free and held
the event loop 6-45 ms (BENCHMARKS.md). This is the same method with the helper at module
level: the same dicts, and nothing left for the collector.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.models.basic_objects import EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST, JsonObject

logger = logging.getLogger(__name__)

_SLACK_SDKS_METHOD = JsonObject.get_non_null_attributes
# The nested helper that makes the cycle: once slack_sdk no longer has it, its own method stays.
_CYCLE_MAKER = "to_dict_compatible"


def _to_dict_compatible(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_to_dict_compatible(item) for item in value]
    to_dict = getattr(value, "to_dict", None)
    if to_dict and callable(to_dict):
        return {key: _to_dict_compatible(item) for key, item in to_dict().items()}
    return value


def _is_not_empty(model: JsonObject, key: str) -> bool:
    value = model.get_object_attribute(key)
    if value is None:
        return False
    # Block Kit allows an empty list for a few properties of a few types.
    model_type = getattr(model, "type", None)
    for allowed in EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST:
        if model_type == allowed["type"] and key == allowed["property"]:
            return True
    if getattr(value, "__len__", None) is not None:
        return len(value) > 0
    return True


def _non_null_attributes(model: JsonObject) -> dict[str, Any]:
    return {
        key: _to_dict_compatible(model.get_object_attribute(key))
        for key in sorted(model.attributes)
        if _is_not_empty(model, key)
    }


def slack_sdk_leaves_cycles() -> bool:
    nested = {getattr(c, "co_name", None) for c in _SLACK_SDKS_METHOD.__code__.co_consts}
    return _CYCLE_MAKER in nested


def serialise_blocks_without_cycles() -> None:
    """Swaps in the cycle-free method, while slack_sdk's own still makes cycles."""
    if not slack_sdk_leaves_cycles():
        logger.info("slack_sdk no longer leaves cycles behind; its own to_dict is used")
        return
    JsonObject.get_non_null_attributes = _non_null_attributes  # type: ignore[method-assign, assignment]


def restore_slack_sdks_method() -> None:
    """For tests that compare the two."""
    JsonObject.get_non_null_attributes = _SLACK_SDKS_METHOD  # type: ignore[method-assign]
