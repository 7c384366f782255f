"""The fake Bot API server: HTTP on 127.0.0.1 and the API methods (its state and the
scenario controls are :mod:`tests.testkit.telegram.scenario`)."""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Callable
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.testkit.telegram.html import EntityError, parse_html
from tests.testkit.telegram.limits import text_too_long
from tests.testkit.telegram.records import BOT_USER, TOKEN, Call, FakeChat, Sent, user
from tests.testkit.telegram.rules import (
    ADMIN_RIGHTS,
    SCOPES_WITHOUT_CHAT,
    ApiError,
    check_markup,
    forbidden,
    parse_body,
)
from tests.testkit.telegram.scenario import Scenario

#: What Telegram answers (HTTP 409) to a getUpdates that another getUpdates call ended: the
#: wording of api.telegram.org's answer as bots report it (e.g. python-telegram-bot's
#: ``telegram.error.Conflict``; pengrad/java-telegram-bot-api issue 261).
GET_UPDATES_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
#: How often a waiting getUpdates looks whether its client hung up; a killed bot's long poll
#: then ends within this, not at its timeout, and conflicts with nobody's.
HANG_UP_CHECK_SECONDS = 0.05


def _hung_up(request: BaseHTTPRequestHandler) -> bool:
    """Whether the client of a request being answered closed its connection.

    It sends nothing while it waits for the answer (HTTP/1.1 without pipelining), so a
    readable socket with no data means the connection was closed.
    """
    sock = request.connection
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


class _Server(ThreadingHTTPServer):
    # The listen backlog: the default of 5 resets connections when a bot with concurrent
    # updates answers a burst of readers at once; Telegram's servers accept them all.
    request_queue_size = 256


class FakeTelegram(Scenario):
    """The fake Bot API server; use as a context manager or call ``start``/``stop``.

    ``limits`` (``global_limit``, ``group_limit``, ``private_limit``, ``chat_limit``) replace
    Telegram's rate limits, as (messages, per seconds): see :class:`RateWindows`.
    """

    def __init__(self, **limits: tuple[int, float]) -> None:
        super().__init__(**limits)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeTelegram:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                fake._handle(self)

            do_GET = do_POST

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/bot"

    @property
    def base_file_url(self) -> str:
        return self.base_url.replace("/bot", "/file/bot")

    # -- HTTP ------------------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length).decode("utf-8") if length else ""
        prefix, _, method = request.path.rpartition("/")
        params = parse_body(body, request.headers.get("Content-Type", ""))
        with self._lock:
            garbled = self._garbled.get(method, 0) > 0
            if garbled:
                self._garbled[method] -= 1
            dropped = method == "sendMessage" and self._drops > 0
            if dropped:
                self._drops -= 1
            delay = 0.0
            if method == "sendMessage" and self._slow.get("chat") in (None, params.get("chat_id")):
                delay = self._slow.get("seconds", 0.0)
        if dropped:  # a proxy resetting the connection: no answer, nothing delivered
            with self._lock:
                self.calls.append(Call(method, params, 0, {}, time.monotonic()))
            request.close_connection = True
            return
        if garbled:
            self._answer(request, method, params, 200, b"<html>upstream error</html>", "text/html")
            return
        status, payload = 200, {}
        try:
            if prefix != f"/bot{TOKEN}":
                raise ApiError(401, "Unauthorized")
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found")
            if method == "getUpdates":
                handler = partial(handler, gone=partial(_hung_up, request))
            payload = {"ok": True, "result": handler(params)}
        except ApiError as err:
            status = err.status
            payload = {"ok": False, "error_code": err.status, "description": err.description}
            if err.parameters:
                payload["parameters"] = err.parameters
        raw = json.dumps(payload).encode("utf-8")
        if delay:
            time.sleep(delay)
        self._answer(request, method, params, status, raw, "application/json", payload)

    def _answer(
        self,
        request: BaseHTTPRequestHandler,
        method: str,
        params: dict[str, Any],
        status: int,
        raw: bytes,
        content_type: str,
        payload: dict[str, Any] | None = None,
    ) -> None:
        with self._lock:
            self.calls.append(Call(method, params, status, payload or {}, time.monotonic()))
        try:
            request.send_response(status)
            request.send_header("Content-Type", content_type)
            request.send_header("Content-Length", str(len(raw)))
            request.end_headers()
            request.wfile.write(raw)
        except OSError:
            pass  # the client is gone (a killed bot process); the call stays in the transcript

    # -- API methods -----------------------------------------------------------------------

    def _api_getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        return True

    def _api_setWebhook(self, params: dict[str, Any]) -> Any:
        url = str(params.get("url", ""))
        if url and not url.startswith("https://"):
            raise ApiError(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
        secret = str(params.get("secret_token", ""))
        if secret and not (
            len(secret) <= 256 and secret.replace("_", "").replace("-", "").isalnum()
        ):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        with self._lock:
            self.webhook = params
        return True

    def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands") or []
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands specified")
        for command in commands:
            name, description = command.get("command", ""), command.get("description", "")
            if not (1 <= len(name) <= 32 and name.replace("_", "").isalnum() and name.islower()):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        scope = self._scope(params.get("scope"))
        with self._lock:
            self.menus[scope] = commands
            if scope == "default":
                self.commands = commands
        return True

    def _scope(self, scope: Any) -> str:
        """Return the key of a BotCommandScope (``default``, ``chat:<id>`` …), or raise 400."""
        if scope is None:
            return "default"
        kind = scope.get("type") if isinstance(scope, dict) else None
        if kind in SCOPES_WITHOUT_CHAT:
            return str(kind)
        if kind in ("chat", "chat_administrators", "chat_member"):
            chat = self._chat(scope.get("chat_id"))
            if kind == "chat_member":
                if chat.type == "private" or "user_id" not in scope:
                    raise ApiError(400, "Bad Request: invalid scope for this chat")
                return f"chat_member:{chat.id}:{int(scope['user_id'])}"
            return f"{kind}:{chat.id}"
        raise ApiError(400, "Bad Request: unsupported bot command scope type")

    def _api_getUpdates(self, params: dict[str, Any], *, gone: Callable[[], bool]) -> Any:
        """Long-poll for updates, as Telegram does with one consumer per token.

        A getUpdates that arrives while another is still waiting ends the earlier one with
        409 Conflict (counted in ``conflicts``), as Telegram does when two instances poll.
        A waiting call whose client hung up (a killed process) just ends: nobody gets it.
        """
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        with self._lock:
            self._polls += 1
            poll = self._polls
            self._lock.notify_all()  # an earlier call still waiting ends: see below
            self._waiting += 1
            try:
                while True:
                    if gone():
                        return []
                    if poll != self._polls:
                        self.conflicts += 1
                        raise ApiError(409, GET_UPDATES_CONFLICT)
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                    if self._updates or self._closed or time.monotonic() >= deadline:
                        return list(self._updates[: int(params.get("limit") or 100)])
                    left = max(0.0, deadline - time.monotonic())
                    self._lock.wait(timeout=min(left, HANG_UP_CHECK_SECONDS))
            finally:
                self._waiting -= 1

    def _api_getChat(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params.get("chat_id"))
        return {**chat.to_json(), "accent_color_id": 0, "max_reaction_count": 11}

    def _api_getChatMember(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params.get("chat_id"))
        member = user(int(params["user_id"]))
        if int(params["user_id"]) not in chat.admins:
            return {"status": "member", "user": member}
        return {
            "status": "administrator",
            "user": member,
            "can_be_edited": False,
            "is_anonymous": False,
            **dict.fromkeys(ADMIN_RIGHTS, True),
        }

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        if len(str(params.get("text", ""))) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        with self._lock:
            self.callback_answers.append(params)
        return True

    def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params.get("chat_id"))
        if chat.bot_status in ("kicked", "left", "blocked") or (
            chat.type == "channel" and chat.bot_status != "administrator"
        ):
            raise ApiError(403, forbidden(chat))
        raw = str(params.get("text", ""))
        if params.get("parse_mode") == "HTML":
            try:
                text = parse_html(raw)
            except EntityError as err:
                raise ApiError(400, f"Bad Request: can't parse entities: {err}") from None
        else:
            text = raw
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if text_too_long(text):
            raise ApiError(400, "Bad Request: message is too long")
        markup = params.get("reply_markup")
        check_markup(markup)
        self._wait_if_held()
        with self._lock:
            if self._faults > 0:
                self._faults -= 1
                raise ApiError(502, "Bad Gateway")
            self._take_rate(chat)
            message_id = next(self._counter(chat.id))
            message = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": chat.to_json(),
                "text": text,
            }
            if chat.type == "channel":
                message["sender_chat"] = chat.to_json()
            else:
                message["from"] = BOT_USER
            if markup:
                message["reply_markup"] = markup
            self._messages[(chat.id, message_id)] = message
            reply = params.get("reply_parameters") or {}
            self.sent.append(
                Sent(
                    chat_id=chat.id,
                    message_id=message_id,
                    html=raw,
                    text=text,
                    reply_markup=markup,
                    reply_to=reply.get("message_id"),
                    link_preview_options=params.get("link_preview_options"),
                    time=time.monotonic(),
                )
            )
            if self._hold_after is not None:
                self._hold_after -= 1
            return message

    # -- checks ----------------------------------------------------------------------------

    def _wait_if_held(self) -> None:
        with self._lock:
            held = self._hold_after is not None and self._hold_after <= 0
        if held:
            self._held.set()
            self._release.wait()
            raise ApiError(500, "Internal Server Error: held by the test, never delivered")

    def _take_rate(self, chat: FakeChat) -> None:
        """Count a message against the limits or raise 429 (caller holds the lock)."""
        if self._storm > 0:
            self._storm -= 1
            retry = self._storm_retry_after
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
        self.rates.take(chat.id, "private" if chat.type == "private" else "group")
