"""The request Slack sent over HTTP, as Bolt's request, with its body parsed by us.

Bolt's own body parser (slack_bolt.request.internals.parse_body) takes any form body with the
word "payload" anywhere in it for an interactive payload, so `/decide Version the webhook
payload` reached no listener and Slack showed the person "dispatch_failed". Here a form body
is an interactive payload only when it has a `payload` field. Everything else is Bolt's own:
the signature is still checked on the raw body, and the context is built from the parsed one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import build_normalized_headers, extract_content_type

# Interactive requests (clicks, form submissions, shortcuts) send one form field of JSON.
INTERACTIVE_FIELD = "payload"


def parse_slack_body(raw_body: str, content_type: str | None) -> dict[str, Any]:
    """A JSON body (events) as it is; a form body's fields, or its interactive payload."""
    if not raw_body:
        return {}
    if content_type == "application/json" or raw_body.startswith("{"):
        parsed: dict[str, Any] = json.loads(raw_body)
        return parsed
    fields = dict(parse_qsl(raw_body, keep_blank_values=True))  # a repeated field: the last
    if INTERACTIVE_FIELD in fields:
        payload: dict[str, Any] = json.loads(fields[INTERACTIVE_FIELD])
        return payload
    return fields


def bolt_request(
    raw_body: str, headers: Mapping[str, str], query_string: str = ""
) -> AsyncBoltRequest:
    """Bolt's HTTP-mode request for this body, parsed by `parse_slack_body`."""
    normalized = build_normalized_headers(dict(headers))
    # Bolt takes an already parsed body only in Socket Mode. Switching the request back to
    # HTTP mode afterwards restores the raw body that the signature check reads.
    request = AsyncBoltRequest(
        body=parse_slack_body(raw_body, extract_content_type(normalized)),
        query=query_string,
        headers=normalized,  # already normalized, so Bolt only copies it
        mode="socket_mode",
    )
    request.raw_body = raw_body
    request.mode = "http"
    return request
