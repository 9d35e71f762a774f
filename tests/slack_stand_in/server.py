"""A stand-in for Slack's Web API: the methods decisionbot calls, in Slack's response shapes.

It runs on an ephemeral loopback port, checks Block Kit like Slack does (`invalid_blocks`),
keeps the messages and views it was given, expires `trigger_id`s after 3 seconds and
accepts each once, and can be told to answer 429 (with Retry-After) or 5xx.

It is one workspace (`team_id`, with `token`) and any more that install the app through its
authorize page and oauth.v2.access, each getting its own token. A call with one workspace's
token that names another's channel or person is refused as Slack would, and noted in
`warnings` (which the tests' fixture checks are empty).
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from aiohttp import web

from tests.slack_stand_in.block_kit import check_blocks, check_view

TRIGGER_LIFETIME_SECONDS = 3.0
BOT_USER_ID = "UBOT0001"
BOT_ID = "BBOT0001"


@dataclass
class OAuthApp:
    """The app as registered with Slack, for installs through /oauth/v2/authorize."""

    client_id: str = "1111.2222"
    client_secret: str = "stand-in-client-secret"
    redirect_uri: str = ""  # the registered one: used when the authorize URL names none
    rotate_tokens: bool = False  # token rotation on: tokens expire and come with refresh tokens
    token_lifetime_seconds: int = 43200


@dataclass
class InstallChoice:
    """What the person does on Slack's authorize page."""

    team_id: str = "T0001"
    team_name: str = "Stand-in"
    cancel: bool = False
    org_wide: str | None = None  # an Enterprise Grid org id: install for the whole org


@dataclass
class Channel:
    id: str
    team_id: str | None = None  # None: the stand-in's own workspace
    is_private: bool = False
    bot_is_member: bool = True
    is_archived: bool = False
    members: set[str] | None = None  # None: everyone is a member
    canvas_id: str | None = None  # its channel canvas, once made


@dataclass
class User:
    id: str
    team_id: str | None = None  # None: the stand-in's own workspace
    is_admin: bool = False
    tz: str = "Europe/London"
    tz_offset: int = 0


@dataclass
class Failure:
    status: int
    error: str
    retry_after: int | None
    remaining: int


@dataclass
class Faults:
    """Slack having a bad time: each call fails (or is slow) with this chance, as `status`
    with `error` (and Retry-After on 429), or answers after `delay` seconds when one is set."""

    share: float
    status: int = 500
    error: str = "internal_error"
    retry_after: int | None = None
    delay: float = 0.0
    chance: random.Random = field(default_factory=lambda: random.Random(1))


@dataclass
class StoredView:
    id: str
    hash: str
    user_id: str
    view: dict[str, Any]


@dataclass
class SlackStandIn:
    token: str = "xoxb-stand-in-token"
    app_token: str = "xapp-stand-in-token"  # Socket Mode's; only apps.connections.open takes it
    team_id: str = "T0001"
    clock: Callable[[], float] = time.monotonic
    lenient_triggers: bool = False  # for load generators, which can't ask for real trigger_ids
    lenient_users: bool = False  # for benchmarks: any U... id is a person in London
    channels: dict[str, Channel] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ephemerals: list[dict[str, Any]] = field(default_factory=list)
    views: dict[str, StoredView] = field(default_factory=dict)
    home_tabs: dict[str, dict[str, Any]] = field(default_factory=dict)  # user -> published view
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    called_at: list[float] = field(default_factory=list)  # time.time() of each call in `calls`
    # Seconds a method takes before Slack applies it, as when Slack is slow: a later
    # chat.update can then land before an earlier one, a shutdown can come mid-send.
    delays: dict[str, Callable[[], float]] = field(default_factory=dict)
    responses: list[dict[str, Any]] = field(default_factory=list)  # posts to response_urls
    responses_at: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by url id
    # Custom steps a workflow is running: execution id -> its token, good until it completes.
    executions: dict[str, str] = field(default_factory=dict)
    completions: dict[str, dict[str, Any]] = field(default_factory=dict)  # execution id -> how
    # Canvases by id: {"title", "markdown", "channel_id", "kind": "channel" or "tabbed"}.
    canvases: dict[str, dict[str, Any]] = field(default_factory=dict)
    channel_canvases_allowed: bool = True  # False: the workspace's plan has no channel canvases
    # Files uploaded with files.getUploadURLExternal, by id: what was declared and sent.
    uploads: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    faults: Faults | None = None  # set to make a share of all calls fail or be slow
    oauth: OAuthApp = field(default_factory=OAuthApp)
    install_choice: InstallChoice = field(default_factory=InstallChoice)
    installed_tokens: dict[str, str] = field(default_factory=dict)  # bot token -> its team
    team_calls: list[tuple[str, str]] = field(default_factory=list)  # (team of token, method)
    # An authorize code -> what the person chose, and the scopes the app asked for.
    _codes: dict[str, tuple[InstallChoice, str]] = field(default_factory=dict)
    _refresh_tokens: dict[str, str] = field(default_factory=dict)  # refresh token -> team
    _caller_team: str = ""
    _failures: dict[str, Failure] = field(default_factory=dict)
    _triggers: dict[str, tuple[float, str]] = field(default_factory=dict)  # id -> (issued, user)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _runner: web.AppRunner | None = None
    base_url: str = ""

    # ---- set-up used by tests --------------------------------------------------------
    def add_channel(self, channel_id: str, **kwargs: Any) -> Channel:
        channel = Channel(id=channel_id, **kwargs)
        self.channels[channel_id] = channel
        return channel

    def add_message(self, channel_id: str, text: str) -> str:
        """A message the bot posted earlier (a card, say); returns its ts."""
        posted = self._chat_postMessage({"channel": channel_id, "text": text})
        assert posted["ok"], posted
        return str(posted["ts"])

    def add_user(self, user_id: str, **kwargs: Any) -> User:
        user = User(id=user_id, **kwargs)
        self.users[user_id] = user
        return user

    def issue_trigger_id(self, user_id: str) -> str:
        """A trigger_id as Slack puts in an interaction: good for 3 seconds, once, for that person."""
        trigger_id = f"{next(self._ids)}.{int(time.time())}.stand-in"
        self._triggers[trigger_id] = (self.clock(), user_id)
        return trigger_id

    def start_execution(self) -> tuple[str, str]:
        """A custom step's execution id and its token, as Slack issues them for one run."""
        number = next(self._ids)
        execution_id, token = f"Fx{number:08d}", f"xwfp-stand-in-{number}"
        self.executions[execution_id] = token
        return execution_id, token

    def response_url(self) -> str:
        return f"{self.base_url}/response/{next(self._ids)}"

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        error: str = "ratelimited",
        retry_after: int | None = 1,
        times: int = 1,
    ) -> None:
        """The next `times` calls to `method` fail like Slack: 429 with Retry-After, 5xx or ok:false."""
        self._failures[method] = Failure(status, error, retry_after, times)

    # ---- what tests read ---------------------------------------------------------------
    def calls_to(self, method: str) -> list[dict[str, Any]]:
        return [args for name, args in self.calls if name == method]

    def channel_messages(self, channel_id: str) -> list[dict[str, Any]]:
        return [m for m in self.messages.get(channel_id, []) if "thread_ts" not in m]

    def thread(self, channel_id: str, ts: str) -> list[dict[str, Any]]:
        return [m for m in self.messages.get(channel_id, []) if m.get("thread_ts") == ts]

    def message(self, channel_id: str, ts: str) -> dict[str, Any]:
        return next(m for m in self.messages.get(channel_id, []) if m["ts"] == ts)

    def open_views(self, user_id: str | None = None) -> list[StoredView]:
        return [v for v in self.views.values() if user_id in (None, v.user_id)]

    def answer_submission(self, view_id: str, body: str) -> None:
        """What Slack does with the app's answer to a view_submission: an empty answer closes
        the modal, "errors" keeps it open, "update" replaces it (checked like views.update)."""
        if not body:
            self.views.pop(view_id, None)
            return
        answer = json.loads(body)
        if answer.get("response_action") != "update":
            return
        problems = check_view(answer.get("view"))
        if problems:
            self.warnings.append(f"response_action update with an invalid view: {problems}")
            return
        stored = self.views[view_id]
        self._store_view(view_id, stored.user_id, answer["view"])

    # ---- serving ---------------------------------------------------------------------
    async def start(self) -> SlackStandIn:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/response/{id}", self._response_url)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/oauth/v2/authorize", self._authorize)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _arguments(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.method == "POST":
            raw = await request.text()
            if request.content_type == "application/json":
                args.update(json.loads(raw or "{}"))
            else:
                args.update(dict(parse_qsl(raw)))
        for key in ("blocks", "view", "attachments"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        return args

    @property
    def authorize_url(self) -> str:
        return f"{self.base_url}/oauth/v2/authorize"

    def team_of_token(self, token: str) -> str | None:
        if token == self.token or token in self.executions.values():
            return self.team_id
        return self.installed_tokens.get(token)

    async def _authorize(self, request: web.Request) -> web.Response:
        """Slack's authorize page, answered at once as `install_choice` says: back to the
        redirect URL with a code for oauth.v2.access (or the error of a cancelled install)."""
        query = request.query
        if query.get("client_id") != self.oauth.client_id:
            return web.Response(status=400, text="invalid_client_id")
        redirect = query.get("redirect_uri") or self.oauth.redirect_uri
        if not redirect or (self.oauth.redirect_uri and redirect != self.oauth.redirect_uri):
            return web.Response(status=400, text="bad_redirect_uri")
        choice = self.install_choice
        if choice.cancel:
            answer = {"error": "access_denied", "state": query.get("state", "")}
        else:
            code = f"code-{next(self._ids)}"
            self._codes[code] = (InstallChoice(**vars(choice)), query.get("scope", ""))
            answer = {"code": code, "state": query.get("state", "")}
        raise web.HTTPFound(f"{redirect}?{urlencode(answer)}")

    def _issue_bot_token(self, team_id: str) -> dict[str, Any]:
        number = next(self._ids)
        token = f"xoxb-{team_id}-{number}"
        self.installed_tokens[token] = team_id
        if not self.oauth.rotate_tokens:
            return {"access_token": token}
        refresh = f"xoxe-1-{team_id}-{number}"
        self._refresh_tokens[refresh] = team_id
        return {
            "access_token": token,
            "refresh_token": refresh,
            "expires_in": self.oauth.token_lifetime_seconds,
        }

    def _oauth_v2_access(self, request: web.Request, args: dict[str, Any]) -> dict[str, Any]:
        """Exchanges an authorize code (or, with rotation, a refresh token) for a bot token."""
        basic = request.headers.get("Authorization", "").removeprefix("Basic ")
        try:
            client_id, _, secret = base64.b64decode(basic).decode().partition(":")
        except ValueError:
            client_id, secret = args.get("client_id", ""), args.get("client_secret", "")
        if (client_id, secret) != (self.oauth.client_id, self.oauth.client_secret):
            return {"ok": False, "error": "invalid_client_id"}
        if args.get("grant_type") == "refresh_token":
            team_id = self._refresh_tokens.pop(args.get("refresh_token", ""), None)
            if team_id is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            renewed = self._issue_bot_token(team_id)
            return {"ok": True, "token_type": "bot", "team": {"id": team_id}, **renewed}
        asked = self._codes.pop(args.get("code", ""), None)
        if asked is None:
            return {"ok": False, "error": "invalid_code"}
        choice, scopes = asked
        team = {"id": choice.team_id, "name": choice.team_name}
        common = {
            "ok": True,
            "app_id": "A0STANDIN",
            "token_type": "bot",
            "scope": scopes,
            "bot_user_id": BOT_USER_ID,
            "authed_user": {"id": "U0INSTALLER"},
        }
        if choice.org_wide:
            return {
                **common,
                "team": None,
                "enterprise": {"id": choice.org_wide, "name": "Org"},
                "is_enterprise_install": True,
                **self._issue_bot_token(choice.org_wide),
            }
        return {
            **common,
            "team": team,
            "enterprise": None,
            "is_enterprise_install": False,
            **self._issue_bot_token(choice.team_id),
        }

    def _crosses_teams(self, method: str, args: dict[str, Any]) -> dict[str, Any] | None:
        """Slack's answer when a call names a channel or person of another workspace."""
        for key in ("channel", "channel_id", "user", "user_id"):
            named = args.get(key)
            if not isinstance(named, str):
                continue
            thing: Channel | User | None = self.channels.get(named) or self.users.get(named)
            if thing is None or (thing.team_id or self.team_id) == self._caller_team:
                continue
            self.warnings.append(
                f"{method} with {self._caller_team}'s token named {named} of another workspace"
            )
            return {
                "ok": False,
                "error": "user_not_found" if isinstance(thing, User) else "channel_not_found",
            }
        return None

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._arguments(request)
        self.calls.append((method, args))
        self.called_at.append(time.time())
        if method == "oauth.v2.access":  # the app's credentials, not a token
            return web.json_response(self._oauth_v2_access(request, args))
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        team = self.team_of_token(token)
        if method == "apps.connections.open":
            team = self.team_id if token == self.app_token else None
        if team is None:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        self._caller_team = team
        self.team_calls.append((team, method))
        crossing = self._crosses_teams(method, args)
        if crossing is not None:
            return web.json_response(crossing)
        faults = self.faults
        if faults is not None and faults.chance.random() < faults.share:
            if faults.delay:
                await asyncio.sleep(faults.delay)
            else:
                headers = {"Retry-After": str(faults.retry_after)} if faults.retry_after else {}
                return web.json_response(
                    {"ok": False, "error": faults.error}, status=faults.status, headers=headers
                )
        failure = self._failures.get(method)
        if failure is not None and failure.remaining > 0:
            failure.remaining -= 1
            headers = (
                {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            )
            return web.json_response(
                {"ok": False, "error": failure.error}, status=failure.status, headers=headers
            )
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        if method in self.delays:
            await asyncio.sleep(self.delays[method]())
        return web.json_response(handler(args))

    async def _upload(self, request: web.Request) -> web.Response:
        """Where an upload URL points: takes the file's bytes, once."""
        upload = self.uploads.get(request.match_info["file_id"])
        if upload is None or upload["data"] is not None:
            return web.Response(status=404, text="upload not found")
        upload["data"] = await request.read()
        return web.Response(text=f"OK - {len(upload['data'])}")

    async def _response_url(self, request: web.Request) -> web.Response:
        response = json.loads(await request.text())
        self.responses.append(response)
        self.responses_at.setdefault(request.match_info["id"], []).append(response)
        return web.Response(text="ok")

    # ---- helpers of the methods ---------------------------------------------------------
    def _ts(self) -> str:
        return f"{int(time.time())}.{next(self._ids):06d}"

    def _user(self, user_id: str) -> User | None:
        if user_id not in self.users and self.lenient_users and user_id.startswith("U"):
            self.add_user(user_id)
        return self.users.get(user_id)

    def _where_bot_can_post(self, channel_id: str) -> tuple[Channel | None, str | None]:
        if self._user(channel_id) is not None:  # a user id: the app's DM with that person
            return Channel(id=channel_id), None
        channel = self.channels.get(channel_id)
        if channel is None or (channel.is_private and not channel.bot_is_member):
            return None, "channel_not_found"
        if not channel.bot_is_member:
            return None, "not_in_channel"
        if channel.is_archived:
            return None, "is_archived"
        return channel, None

    def _missing_files(self, blocks: Any) -> list[str]:
        """Images that name a file which isn't a completed upload: Slack refuses those blocks."""
        named = (
            [
                b["slack_file"].get("id")
                for b in blocks
                if isinstance(blocks, list)
                and isinstance(b, dict)
                and b.get("type") == "image"
                and isinstance(b.get("slack_file"), dict)
            ]
            if isinstance(blocks, list)
            else []
        )
        return [
            f"slack_file {file_id} is not an uploaded file"
            for file_id in named
            if not self.uploads.get(str(file_id), {}).get("complete")
        ]

    def _message_problems(self, args: dict[str, Any]) -> dict[str, Any] | None:
        blocks = args.get("blocks")
        if blocks is not None:
            problems = check_blocks(blocks, surface="message") + self._missing_files(blocks)
            if problems:
                return {"ok": False, "error": "invalid_blocks", "errors": problems}
        if not args.get("text"):
            if not blocks:
                return {"ok": False, "error": "no_text"}
            self.warnings.append("missing_text_in_message")
        elif len(args["text"]) > 40000:
            return {"ok": False, "error": "msg_too_long"}
        return None

    def _use_trigger(self, trigger_id: str | None) -> tuple[str | None, str]:
        """(error, user_id): a trigger works once, within 3 seconds of the interaction."""
        issued = self._triggers.pop(trigger_id or "", None)
        if issued is None and self.lenient_triggers and trigger_id:
            return None, ""
        if issued is None:
            return "invalid_trigger_id", ""
        if self.clock() - issued[0] > TRIGGER_LIFETIME_SECONDS:
            return "expired_trigger_id", ""
        return None, issued[1]

    def _store_view(self, view_id: str, user_id: str, view: dict[str, Any]) -> dict[str, Any]:
        stored = StoredView(
            id=view_id, hash=f"{int(time.time())}.{next(self._ids)}", user_id=user_id, view=view
        )
        self.views[view_id] = stored
        return {
            "ok": True,
            "view": {
                **view,
                "id": view_id,
                "hash": stored.hash,
                "team_id": self.team_id,
                "state": {"values": {}},
            },
        }

    # ---- the Web API methods ------------------------------------------------------------
    def _auth_test(self, _args: dict[str, Any]) -> dict[str, Any]:
        team = self._caller_team
        return {
            "ok": True,
            "url": "https://stand-in.slack.com/"
            if team == self.team_id
            else f"https://{team.lower()}.stand-in.slack.com/",
            "team": "Stand-in",
            "user": "decisionbot",
            "team_id": team,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _auth_revoke(self, _args: dict[str, Any]) -> dict[str, Any]:
        revoked = [t for t, team in self.installed_tokens.items() if team == self._caller_team]
        for token in revoked:
            del self.installed_tokens[token]
        return {"ok": True, "revoked": bool(revoked)}

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, error = self._where_bot_can_post(args.get("channel", ""))
        if channel is None:
            return {"ok": False, "error": error}
        problem = self._message_problems(args)
        if problem:
            return problem
        thread_ts = args.get("thread_ts")
        if thread_ts and not any(m["ts"] == thread_ts for m in self.messages.get(channel.id, [])):
            return {"ok": False, "error": "thread_not_found"}
        message = {
            "ts": self._ts(),
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "type": "message",
            "text": args.get("text", ""),
            "blocks": args.get("blocks") or [],
        }
        if thread_ts:
            message["thread_ts"] = thread_ts
        self.messages.setdefault(channel.id, []).append(message)
        return {"ok": True, "channel": channel.id, "ts": message["ts"], "message": message}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, error = self._where_bot_can_post(args.get("channel", ""))
        if channel is None:
            return {"ok": False, "error": error}
        existing = next(
            (m for m in self.messages.get(channel.id, []) if m["ts"] == args.get("ts")), None
        )
        if existing is None:
            return {"ok": False, "error": "message_not_found"}
        problem = self._message_problems(args)
        if problem:
            return problem
        existing.update(text=args.get("text", ""), blocks=args.get("blocks") or [], edited=True)
        return {"ok": True, "channel": channel.id, "ts": existing["ts"], "text": existing["text"]}

    def _chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, error = self._where_bot_can_post(args.get("channel", ""))
        if channel is None:
            return {"ok": False, "error": error}
        user = args.get("user", "")
        if channel.members is not None and user not in channel.members:
            return {"ok": False, "error": "user_not_in_channel"}
        problem = self._message_problems(args)
        if problem:
            return problem
        self.ephemerals.append(
            {
                "channel": channel.id,
                "user": user,
                "text": args.get("text", ""),
                "blocks": args.get("blocks") or [],
            }
        )
        return {"ok": True, "message_ts": self._ts()}

    def _conversations_join(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(args.get("channel", ""))
        if channel is None or (channel.is_private and not channel.bot_is_member):
            return {"ok": False, "error": "channel_not_found"}
        if channel.is_private:
            return {"ok": False, "error": "method_not_supported_for_channel_type"}
        if channel.is_archived:
            return {"ok": False, "error": "is_archived"}
        channel.bot_is_member = True
        return {"ok": True, "channel": {"id": channel.id, "is_member": True}}

    def _members_of(self, channel: Channel) -> list[str]:
        return sorted(channel.members if channel.members is not None else self.users)

    def _conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(args.get("channel", ""))
        if channel is None or (channel.is_private and not channel.bot_is_member):
            return {"ok": False, "error": "channel_not_found"}
        members = self._members_of(channel)
        return self._page(args, "members", members)

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(args.get("channel", ""))
        if channel is None or (channel.is_private and not channel.bot_is_member):
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": self._channel_object(channel)}

    def _users_conversations(self, args: dict[str, Any]) -> dict[str, Any]:
        """The person's channels that the app can see: public ones, and private ones it is in."""
        user = args.get("user", "")
        kinds = set(str(args.get("types") or "public_channel").split(","))
        channels = [
            self._channel_object(c)
            for c in self.channels.values()
            if user in self._members_of(c)
            and ("private_channel" if c.is_private else "public_channel") in kinds
            and (c.bot_is_member or not c.is_private)
        ]
        return self._page(args, "channels", channels)

    @staticmethod
    def _channel_object(channel: Channel) -> dict[str, Any]:
        return {
            "id": channel.id,
            "name": channel.id.lower(),
            "is_channel": not channel.is_private,
            "is_group": channel.is_private,
            "is_private": channel.is_private,
            "is_archived": channel.is_archived,
            "is_member": channel.bot_is_member,
        }

    @staticmethod
    def _page(args: dict[str, Any], key: str, items: list[Any]) -> dict[str, Any]:
        """Cursor paging like Slack's: `limit` items from `cursor`, next_cursor when more."""
        limit = int(args.get("limit") or 100)
        start = int(args.get("cursor") or 0)
        page = items[start : start + limit]
        more = start + limit < len(items)
        return {
            "ok": True,
            key: page,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _complete_execution(self, args: dict[str, Any], how: dict[str, Any]) -> dict[str, Any]:
        """functions.completeSuccess and completeError: once per execution, which then ends
        (its token with it)."""
        execution_id = args.get("function_execution_id", "")
        if execution_id in self.completions:
            return {"ok": False, "error": "execution_not_in_running_state"}
        if execution_id not in self.executions:
            return {"ok": False, "error": "function_execution_not_found"}
        self.completions[execution_id] = how
        del self.executions[execution_id]
        return {"ok": True}

    def _functions_completeSuccess(self, args: dict[str, Any]) -> dict[str, Any]:
        outputs = args.get("outputs")
        if isinstance(outputs, str):
            outputs = json.loads(outputs)
        if not isinstance(outputs, dict):
            return {"ok": False, "error": "parameter_validation_failed"}
        return self._complete_execution(args, {"outputs": outputs})

    def _functions_completeError(self, args: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(args.get("error"), str) or not args["error"]:
            return {"ok": False, "error": "invalid_arguments"}
        return self._complete_execution(args, {"error": args["error"]})

    @staticmethod
    def _markdown(args: dict[str, Any]) -> str | None:
        content = args.get("document_content")
        if isinstance(content, str):
            content = json.loads(content)
        if not isinstance(content, dict) or content.get("type") != "markdown":
            return None
        markdown = content.get("markdown")
        if not isinstance(markdown, str) or len(markdown) > 1_048_576:  # Slack's 1 MiB
            return None
        return markdown

    def _new_canvas(self, **canvas: Any) -> dict[str, Any]:
        canvas_id = f"F{next(self._ids):010d}"
        self.canvases[canvas_id] = canvas
        return {"ok": True, "canvas_id": canvas_id}

    def _conversations_canvases_create(self, args: dict[str, Any]) -> dict[str, Any]:
        """A channel's own canvas: one per channel, not on every plan."""
        channel = self.channels.get(args.get("channel_id", ""))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if not channel.bot_is_member:
            return {"ok": False, "error": "not_in_channel"}
        if not self.channel_canvases_allowed:
            return {"ok": False, "error": "team_tier_cannot_create_channel_canvases"}
        if channel.canvas_id is not None:
            return {"ok": False, "error": "channel_canvas_already_exists"}
        markdown = self._markdown(args)
        if markdown is None:
            return {"ok": False, "error": "invalid_arguments"}
        made = self._new_canvas(
            title=args.get("title"), markdown=markdown, channel_id=channel.id, kind="channel"
        )
        channel.canvas_id = made["canvas_id"]
        return made

    def _canvases_create(self, args: dict[str, Any]) -> dict[str, Any]:
        """A canvas of the app's own; with channel_id, tabbed in that channel."""
        channel_id = args.get("channel_id")
        if channel_id is not None:
            channel = self.channels.get(channel_id)
            if channel is None:
                return {"ok": False, "error": "channel_not_found"}
            if not channel.bot_is_member:
                return {"ok": False, "error": "not_in_channel"}
        markdown = self._markdown(args)
        if markdown is None:
            return {"ok": False, "error": "invalid_arguments"}
        return self._new_canvas(
            title=args.get("title"), markdown=markdown, channel_id=channel_id, kind="tabbed"
        )

    def _canvases_edit(self, args: dict[str, Any]) -> dict[str, Any]:
        """Only the whole-canvas replace decisionbot uses; one change per call, as Slack allows."""
        canvas = self.canvases.get(args.get("canvas_id", ""))
        if canvas is None:
            return {"ok": False, "error": "canvas_not_found"}
        changes = args.get("changes")
        if isinstance(changes, str):
            changes = json.loads(changes)
        if not isinstance(changes, list) or len(changes) != 1:
            return {"ok": False, "error": "invalid_arguments"}
        change = changes[0]
        markdown = self._markdown(change)
        if change.get("operation") != "replace" or "section_id" in change or markdown is None:
            return {"ok": False, "error": "invalid_arguments"}
        canvas["markdown"] = markdown
        return {"ok": True}

    def delete_canvas(self, canvas_id: str) -> None:
        """Someone deletes the canvas in Slack."""
        del self.canvases[canvas_id]
        for channel in self.channels.values():
            if channel.canvas_id == canvas_id:
                channel.canvas_id = None

    def _files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        length = str(args.get("length", ""))
        if not args.get("filename") or not length.isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        if int(length) > 1_000_000_000:
            return {"ok": False, "error": "file_size_too_large"}  # well past any chart
        file_id = f"F{next(self._ids):010d}"
        self.uploads[file_id] = {
            "filename": args["filename"],
            "length": int(length),
            "alt_txt": args.get("alt_txt"),
            "data": None,
            "complete": False,
        }
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files")
        if isinstance(files, str):
            files = json.loads(files)
        if not isinstance(files, list) or not files:
            return {"ok": False, "error": "invalid_arguments"}
        done = []
        for item in files:
            upload = self.uploads.get(str(item.get("id")))
            if upload is None or upload["data"] is None:
                return {"ok": False, "error": "file_not_found"}
            if len(upload["data"]) != upload["length"]:
                return {"ok": False, "error": "file_upload_size_mismatch"}
            upload.update(complete=True, title=item.get("title"), channel_id=args.get("channel_id"))
            done.append({"id": item["id"], "title": item.get("title")})
        return {"ok": True, "files": done}

    def _apps_connections_open(self, _args: dict[str, Any]) -> dict[str, Any]:
        """A Socket Mode URL; nothing listens there (no test holds a Socket Mode session)."""
        return {"ok": True, "url": f"{self.base_url.replace('http', 'ws', 1)}/socket-mode"}

    def _chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel_id, ts = args.get("channel", ""), args.get("message_ts", "")
        if not any(m["ts"] == ts for m in self.messages.get(channel_id, [])):
            return {"ok": False, "error": "message_not_found"}
        return {
            "ok": True,
            "channel": channel_id,
            "permalink": f"https://stand-in.slack.com/archives/{channel_id}/p{ts.replace('.', '')}",
        }

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._user(args.get("user_id", ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        view = args.get("view")
        problems = check_view(view)
        if problems:
            return {
                "ok": False,
                "error": "invalid_arguments",
                "response_metadata": {"messages": problems},
            }
        self.home_tabs[user.id] = view  # type: ignore[assignment]
        return {"ok": True, "view": {**view, "id": f"VHOME{user.id}"}}  # type: ignore[dict-item]

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._user(args.get("user", ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {
            "ok": True,
            "user": {
                "id": user.id,
                "team_id": user.team_id or self.team_id,
                "name": user.id.lower(),
                "tz": user.tz,
                "tz_offset": user.tz_offset,
                "is_admin": user.is_admin,
                "is_owner": False,
                "is_primary_owner": False,
                "is_bot": False,
                "deleted": False,
            },
        }

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        problem, user_id = self._use_trigger(args.get("trigger_id"))
        if problem:
            return {"ok": False, "error": problem}
        view = args.get("view")
        problems = check_view(view)
        if problems:
            return {
                "ok": False,
                "error": "invalid_arguments",
                "response_metadata": {"messages": problems},
            }
        return self._store_view(f"V{next(self._ids):08d}", user_id, view)

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        stored = self.views.get(args.get("view_id", ""))
        if stored is None:
            return {"ok": False, "error": "not_found"}
        if args.get("hash") and args["hash"] != stored.hash:
            return {"ok": False, "error": "hash_conflict"}
        problems = check_view(args.get("view"))
        if problems:
            return {
                "ok": False,
                "error": "invalid_arguments",
                "response_metadata": {"messages": problems},
            }
        return self._store_view(stored.id, stored.user_id, args["view"])
