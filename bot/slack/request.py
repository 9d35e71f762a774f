"""A request Slack sent over HTTP: its signature checked on the raw bytes first, then its body
parsed by us and checked for the shape Slack sends, then handed to Bolt.

Nothing of an unsigned body is read: it gets 401 whatever it holds, so nobody can make the bot
call a `response_url` or DM a user id named in a body that Slack never sent. A signed body that
isn't what Slack sends gets 400 and one line in the log, never a traceback.

Bolt's own body parser (slack_bolt.request.internals.parse_body) takes any form body with the
word "payload" anywhere in it for an interactive payload, so `/decide Version the webhook
payload` reached no listener and Slack showed the person "dispatch_failed". Here a form body
is an interactive payload only when it has a `payload` field.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import build_normalized_headers, extract_content_type
from slack_bolt.response import BoltResponse

logger = logging.getLogger(__name__)

# Interactive requests (clicks, form submissions, shortcuts) send one form field of JSON.
INTERACTIVE_FIELD = "payload"
# Seconds since 1970 in ASCII digits: int() alone raises on "abc" and accepts "١٢" or " 12".
TIMESTAMP = re.compile(r"[0-9]{1,12}")
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
SIGNATURE_MAX_AGE_SECONDS = 5 * 60  # as Slack advises, against replays

# Where Bolt and our listeners look in a body, and what each must be when present.
_OBJECTS = ("event", "view", "message", "previous_message", "item", "container", "state")
_NAMED = ("team", "user", "channel", "enterprise")  # an id, or an object with one
_LISTS_OF_OBJECTS = ("authorizations", "actions", "blocks", "response_urls")


class NotFromSlack(ValueError):
    """A signed body in a shape Slack never sends."""


def is_signed(
    raw_body: bytes, headers: Mapping[str, str], signing_secret: str, *, now: float | None = None
) -> bool:
    """Whether Slack signed these bytes, within the last five minutes (Slack's scheme: v0= and
    the hex HMAC-SHA256 of "v0:<timestamp>:<body>"). Computed on the bytes as they came, so a
    body that isn't UTF-8 is refused here like any other, not by a decoding error."""
    lowered = {name.lower(): value for name, value in headers.items()}
    timestamp = lowered.get("x-slack-request-timestamp", "")
    signature = lowered.get("x-slack-signature", "")
    if not (TIMESTAMP.fullmatch(timestamp) and SIGNATURE.fullmatch(signature)):
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > SIGNATURE_MAX_AGE_SECONDS:
        return False
    base = b"v0:" + timestamp.encode() + b":" + raw_body
    expected = hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest("v0=" + expected, signature)


def _check_shape(value: Any, where: str = "body") -> None:
    """Raises NotFromSlack where a field Bolt or a listener reads has the wrong type."""
    if not isinstance(value, dict):
        raise NotFromSlack(f"{where} is not an object")
    for key, item in value.items():
        # Every id Slack sends is a string; Bolt passes some on to Slack as they are
        # (team_id becomes a query parameter of each call), and a dict there raised.
        if key.endswith("_id") and item is not None and not isinstance(item, str):
            raise NotFromSlack(f"{where}.{key} is not a string")
    for key in _OBJECTS:
        if value.get(key) is not None:
            _check_shape(value[key], f"{where}.{key}")
    for key in _NAMED:
        named = value.get(key)
        if named is not None and not isinstance(named, str):
            _check_shape(named, f"{where}.{key}")
    for key in _LISTS_OF_OBJECTS:
        items = value.get(key)
        if items is None and key == "response_urls" and key in value:
            raise NotFromSlack(f"{where}.{key} is null")  # Bolt takes its length when present
        if items is None:
            continue
        if not isinstance(items, list):
            raise NotFromSlack(f"{where}.{key} is not a list")
        for index, item in enumerate(items):
            _check_shape(item, f"{where}.{key}[{index}]")


def parse_slack_body(raw_body: str, content_type: str | None) -> dict[str, Any]:
    """A JSON body (events) as it is; a form body's fields, or its interactive payload.

    Raises NotFromSlack for anything else."""
    if not raw_body:
        return {}
    try:
        if content_type == "application/json" or raw_body.startswith("{"):
            parsed: Any = json.loads(raw_body)
        else:
            parsed = dict(parse_qsl(raw_body, keep_blank_values=True))  # repeated: the last
            if INTERACTIVE_FIELD in parsed:
                parsed = json.loads(parsed[INTERACTIVE_FIELD])
    except ValueError as error:  # JSONDecodeError is one
        raise NotFromSlack(f"body is not JSON or a form: {error}") from None
    _check_shape(parsed)
    if parsed.get("type") == "event_callback" and not isinstance(parsed.get("event"), dict):
        raise NotFromSlack("body.event is not an object")  # Bolt reads event.type at once
    if parsed.get("type") in ("view_submission", "view_closed"):  # Bolt reads view.type
        view = parsed.get("view")
        if not isinstance(view, dict) or not isinstance(view.get("type"), str):
            raise NotFromSlack("body.view has no type")
    if parsed.get("type") == "block_actions":  # Bolt reads the first action's action_id
        actions = parsed.get("actions") or [{}]
        if not isinstance(actions[0].get("action_id"), str):
            raise NotFromSlack("body.actions[0] has no action_id")
    body: dict[str, Any] = parsed
    return body


def bolt_request(
    raw_body: str, headers: Mapping[str, str], query_string: str = ""
) -> AsyncBoltRequest:
    """Bolt's HTTP-mode request for this body, parsed by `parse_slack_body`."""
    normalized = build_normalized_headers(dict(headers))
    # Bolt takes an already parsed body only in Socket Mode. Switching the request back to
    # HTTP mode afterwards restores the raw body that Bolt's own signature check reads.
    request = AsyncBoltRequest(
        body=parse_slack_body(raw_body, extract_content_type(normalized)),
        query=query_string,
        headers=normalized,  # already normalized, so Bolt only copies it
        mode="socket_mode",
    )
    request.raw_body = raw_body
    request.mode = "http"
    return request


async def dispatch_http(
    app: AsyncApp,
    raw_body: bytes,
    headers: Mapping[str, str],
    query_string: str = "",
    *,
    signing_secret: str,
) -> BoltResponse:
    """Slack's request, answered: 401 unless signed, 400 unless shaped as Slack sends it."""
    if not is_signed(raw_body, headers, signing_secret):
        # One short line, never the body: whoever sent it chose what the body says.
        logger.info("refused a request without a valid Slack signature (%d bytes)", len(raw_body))
        return BoltResponse(status=401, body="")
    try:
        request = bolt_request(raw_body.decode("utf-8"), headers, query_string)
    except (NotFromSlack, UnicodeDecodeError) as error:
        logger.warning("refused a signed request Slack would not send: %s", error)
        return BoltResponse(status=400, body="")
    return await app.async_dispatch(request)
