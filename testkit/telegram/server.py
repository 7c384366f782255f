"""The fake Bot API server: HTTP on 127.0.0.1, scenario controls, and the API methods."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from testkit.telegram.html import EntityError, parse_html
from testkit.telegram.limits import (
    RateWindows,
    text_too_long,
)
from testkit.telegram.records import BOT_USER, TOKEN, Call, FakeChat, Sent, user
from testkit.telegram.rules import (
    ADMIN_RIGHTS,
    SCOPES_WITHOUT_CHAT,
    ApiError,
    check_markup,
    forbidden,
    member,
    parse_body,
)


class FakeTelegram:
    """The fake Bot API server; use as a context manager or call ``start``/``stop``.

    ``limits`` (``global_limit``, ``group_limit``, ``private_limit``) replace Telegram's rate
    limits, as (messages, per seconds): see :class:`RateWindows`.
    """

    def __init__(self, **limits: tuple[int, float]) -> None:
        self.rates = RateWindows(**limits)
        self.chats: dict[int, FakeChat] = {}
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.commands: list[dict[str, Any]] = []  # the default scope's menu
        #: Command menus by scope: "default", "all_private_chats", "chat:<id>", …
        self.menus: dict[str, list[dict[str, Any]]] = {}
        self.callback_answers: list[dict[str, Any]] = []
        self.webhook: dict[str, Any] = {}
        self._garbled: dict[str, int] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._storm = 0
        self._faults = 0
        self._storm_retry_after = 1
        self._hold_after: int | None = None
        self._held = threading.Event()
        self._release = threading.Event()
        self._lock = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._closed = False

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

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
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

    # -- scenario controls -----------------------------------------------------------------

    def add_chat(self, chat: FakeChat) -> FakeChat:
        with self._lock:
            self.chats[chat.id] = chat
        return chat

    def storm(self, count: int, *, retry_after: int = 1) -> None:
        """Answer the next ``count`` sendMessage calls with 429 ``retry_after``."""
        with self._lock:
            self._storm, self._storm_retry_after = count, retry_after

    def fail(self, count: int) -> None:
        """Answer the next ``count`` sendMessage calls with 502 Bad Gateway (transient)."""
        with self._lock:
            self._faults = count

    def hold_after(self, sends: int) -> None:
        """Accept ``sends`` more messages, then hold every sendMessage unanswered."""
        with self._lock:
            self._hold_after = sends

    @property
    def holding(self) -> bool:
        return self._held.is_set()

    def release(self) -> None:
        """Stop holding; held requests are answered 500 and never delivered."""
        with self._lock:
            self._hold_after = None
        self._release.set()

    def inject_message(
        self, chat_id: int, from_user: int, text: str, *, reply_to: int | None = None
    ) -> int:
        """Queue a message from a user (commands get their bot_command entity)."""
        update = self.message_update(chat_id, from_user, text, reply_to=reply_to)
        with self._lock:
            return self._push(update)

    def message_update(
        self, chat_id: int, from_user: int, text: str, *, reply_to: int | None = None
    ) -> dict[str, Any]:
        """Return the update of a message from a user, without queueing it (for webhooks)."""
        chat = self.chats[chat_id]
        with self._lock:
            message: dict[str, Any] = {
                "message_id": next(self._counter(chat_id)),
                "date": int(time.time()),
                "chat": chat.to_json(),
                "from": user(from_user),
                "text": text,
            }
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": len(command)}
                ]
            if reply_to is not None:
                message["reply_to_message"] = self._messages[(chat_id, reply_to)]
            return {"update_id": next(self._update_ids), "message": message}

    def garble(self, method: str, count: int = 1) -> None:
        """Answer the next ``count`` calls of ``method`` with an HTML error page, not JSON."""
        with self._lock:
            self._garbled[method] = count

    def inject_my_chat_member(self, chat_id: int, from_user: int, *, old: str, new: str) -> int:
        """Change the bot's standing in a chat and queue the ``my_chat_member`` update."""
        chat = self.chats[chat_id]
        with self._lock:
            chat.bot_status = new
            change = {
                "chat": chat.to_json(),
                "from": user(from_user),
                "date": int(time.time()),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            }
            return self._push({"my_chat_member": change})

    def inject_callback(self, chat_id: int, from_user: int, message_id: int, data: str) -> int:
        """Queue a press on an inline button of a message the bot sent."""
        with self._lock:
            query = {
                "id": str(next(self._update_ids) * 1000),
                "from": user(from_user),
                "chat_instance": str(chat_id),
                "data": data,
                "message": self._messages[(chat_id, message_id)],
            }
            return self._push({"callback_query": query})

    def sent_to(self, chat_id: int) -> list[Sent]:
        with self._lock:
            return [s for s in self.sent if s.chat_id == chat_id]

    def count(self, method: str, *, status: int | None = None) -> int:
        with self._lock:
            return sum(1 for c in self.calls if c.method == method and status in (None, c.status))

    async def wait_for(self, condition: Callable[[], bool], *, within: float = 10.0) -> None:
        """Wait (polling) until ``condition()`` holds; fail the test after ``within`` seconds."""
        deadline = time.monotonic() + within
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {within} s; transcript: {self.summary()}")
            await asyncio.sleep(0.01)

    def summary(self) -> list[str]:
        with self._lock:
            return [f"{c.method} {c.status} {c.params.get('chat_id', '')}" for c in self.calls]

    # -- HTTP ------------------------------------------------------------------------------

    def _counter(self, chat_id: int) -> itertools.count[int]:
        return self._message_ids.setdefault(chat_id, itertools.count(1))

    def _push(self, update: dict[str, Any]) -> int:
        update_id = update.get("update_id") or next(self._update_ids)
        self._updates.append({**update, "update_id": update_id})
        self._lock.notify_all()
        return int(update_id)

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length).decode("utf-8") if length else ""
        prefix, _, method = request.path.rpartition("/")
        params = parse_body(body, request.headers.get("Content-Type", ""))
        with self._lock:
            garbled = self._garbled.get(method, 0) > 0
            if garbled:
                self._garbled[method] -= 1
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
            payload = {"ok": True, "result": handler(params)}
        except ApiError as err:
            status = err.status
            payload = {"ok": False, "error_code": err.status, "description": err.description}
            if err.parameters:
                payload["parameters"] = err.parameters
        raw = json.dumps(payload).encode("utf-8")
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

    def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        with self._lock:
            while True:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                if self._updates or self._closed or time.monotonic() >= deadline:
                    return list(self._updates[: int(params.get("limit") or 100)])
                self._lock.wait(timeout=max(0.0, deadline - time.monotonic()))

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

    def _chat(self, chat_id: Any) -> FakeChat:
        with self._lock:
            if isinstance(chat_id, str) and chat_id.startswith("@"):
                for chat in self.chats.values():
                    if chat.username and f"@{chat.username}".lower() == chat_id.lower():
                        return chat
            elif chat_id is not None and int(chat_id) in self.chats:
                return self.chats[int(chat_id)]
        raise ApiError(400, "Bad Request: chat not found")

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
