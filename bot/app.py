"""Composition root of the Telegram bot: builds the ``Application``, wires handlers and jobs.

``kurzlage run`` calls :func:`run`. Everything long-lived is opened in ``post_init`` and
closed in ``post_shutdown``; handlers reach it through ``bot.adapters.services.services(context)``.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import secrets
import signal
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from telegram import Bot, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.adapters import admin, events, feed_admin, jobs
from bot.adapters import telegram as handlers
from bot.adapters.alerts import Alerts
from bot.adapters.database import is_database_url
from bot.adapters.fetch import Fetcher, build_client
from bot.adapters.instance import DatabaseInUse, DatabaseWatch, InstanceLock
from bot.adapters.leader import POLL_INTERVAL_SECONDS, LeaderElection, Leadership
from bot.adapters.outbox import Outbox
from bot.adapters.pacing import Pacing
from bot.adapters.poller import FeedPoller
from bot.adapters.posting import Publisher
from bot.adapters.render import Renderer
from bot.adapters.services import SERVICES_KEY, Clock, Services, services, system_clock
from bot.adapters.storage import Storage
from bot.adapters.tables import load_language
from bot.adapters.worker import BuildWorker
from bot.settings import Settings, bot_token, require_bot_settings

logger = logging.getLogger(__name__)

BotApplication = Application[Any, Any, Any, Any, Any, Any]
# Seconds between two checks that the database file is still the one opened at start: a stat
# call, so cheap; 5 s bounds how long writes could go into a deleted file.
DATABASE_CHECK_SECONDS = 5
# Random bytes of the webhook secret token: 32 bytes give 43 URL-safe characters, within
# Telegram's limit of 256 characters from A-Z, a-z, 0-9, _ and - (Bot API, setWebhook).
WEBHOOK_SECRET_BYTES = 32
# Bounded shutdown on SIGTERM/SIGINT: Docker kills 10 s after SIGTERM. Sends in flight get
# SEND_GRACE seconds to be answered (then they are cut off and resent once after the restart);
# whatever still hangs (a slow Telegram holding a reply or the last getUpdates) is ended at
# SHUTDOWN_DEADLINE seconds after the signal, before Docker's kill.
SEND_GRACE = 3.0
SHUTDOWN_DEADLINE = 7.5
# Seconds between two looks at which feeds are due (each feed is polled every
# fetch.poll_interval or later); a minute keeps a due feed waiting at most that long.
FEED_JOB_SECONDS = 60
# Operator messages on stderr (English, like the log and the command line's errors).
NO_TOKEN = (
    "kurzlage run: KURZLAGE_TOKEN is not set - create a bot with /newbot at @BotFather in"
    " Telegram and set its token as KURZLAGE_TOKEN (example: config/example.env)."
)
NO_WEBHOOK_SUPPORT = (
    "kurzlage run: bot.webhook_url is set but python-telegram-bot[webhooks] is missing -"
    " install it, or leave webhook_url empty for long polling."
)


def cron_triggers(settings: Settings) -> tuple[CronTrigger, ...]:
    """Return one APScheduler trigger per configured digest time, in the digest time zone."""
    zone = ZoneInfo(settings.digest.timezone)
    return tuple(CronTrigger.from_crontab(expr, timezone=zone) for expr in settings.bot.schedule)


def missed_run(settings: Settings, *, last_run: datetime | None, now: datetime) -> bool:
    """Tell whether a scheduled digest time passed since ``last_run`` (the bot was down).

    However many runs were missed, the answer is one catch-up, not several.
    """
    if last_run is None:
        return False
    fire_times = (t.get_next_fire_time(None, last_run) for t in cron_triggers(settings))
    return any(t is not None and last_run < t <= now for t in fire_times)


def build_application(
    settings: Settings,
    *,
    token: str,
    fetch_timeout: httpx.Timeout | None = None,
    stop_signals: bool = False,
    clock: Clock = system_clock,
    watch: DatabaseWatch | None = None,
    leadership: Leadership | None = None,
) -> BotApplication:
    """Build the application: defaults, handlers in order, jobs (not started).

    Args:
        settings: All settings.
        token: The bot token (from the environment).
        fetch_timeout: Timeouts for fetching feeds and pages; default from ``[fetch]``.
        stop_signals: Handle SIGTERM and SIGINT with the bounded shutdown (``kurzlage run``).
        clock: The bot's one clock (aware datetimes); tests pass a fixed one.
        watch: When given, the bot stops once the database file is deleted or replaced.
        leadership: When given (two instances on PostgreSQL), the term this instance leads
            in: claims are fenced to its lock, and the bot stops once the lead is lost.
    """
    zone = ZoneInfo(settings.digest.timezone)
    defaults = Defaults(
        tzinfo=zone,
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=not settings.bot.link_previews),
    )
    app: BotApplication = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.bot.api_base_url)
        .base_file_url(settings.bot.api_file_url)
        .defaults(defaults)
        .rate_limiter(Pacing(settings.bot))
        .read_timeout(settings.bot.send_timeout)
        # Updates are handled concurrently: a slow command (a digest build, a page fetch)
        # never holds up another reader's /hilfe. Handlers touch storage only between
        # awaits, on the event loop's thread, so no two of them interleave inside a write.
        .concurrent_updates(True)
        .post_init(
            _post_init(
                settings,
                fetch_timeout=fetch_timeout,
                clock=clock,
                watch=watch,
                stop_signals=stop_signals,
                leadership=leadership,
            )
        )
        .post_shutdown(_post_shutdown)
        .build()
    )

    # Handlers, in order: the first matching handler of a group wins, so the catch-all for
    # unknown commands comes last. Commands work as /quelle and /quelle@<botname>. Edited
    # messages stop in group -1: a command answers the message it came in, never its edits.
    app.add_handler(TypeHandler(Update, handlers.drop_edits), group=-1)
    app.add_handler(CommandHandler("start", handlers.start))
    app.add_handler(CommandHandler("hilfe", handlers.hilfe))
    app.add_handler(CommandHandler("help", handlers.hilfe))  # Telegram clients suggest /help
    app.add_handler(CommandHandler("quelle", handlers.quelle))
    app.add_handler(CommandHandler("zahlen", handlers.zahlen))
    app.add_handler(CommandHandler("abo", handlers.abo))
    app.add_handler(CommandHandler("abbestellen", handlers.abbestellen))
    app.add_handler(CommandHandler("jetzt", admin.jetzt))
    app.add_handler(CommandHandler("vorschau", admin.vorschau))
    app.add_handler(CommandHandler("push", admin.push))
    app.add_handler(CommandHandler("status", admin.status))
    app.add_handler(CommandHandler("feeds", feed_admin.feeds))
    app.add_handler(CallbackQueryHandler(handlers.button, pattern=r"^[qz]:\d+:\d+$"))
    app.add_handler(ChatMemberHandler(events.my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.COMMAND, handlers.unknown))
    app.add_error_handler(events.error_handler)

    # Jobs: one cron job per digest time (Berlin time via Defaults), the inbox, the outbox.
    queue = app.job_queue
    if queue is None:
        raise RuntimeError("python-telegram-bot was installed without its job-queue extra")
    for trigger in cron_triggers(settings):
        queue.run_custom(jobs.digest_job, job_kwargs={"trigger": trigger}, name="digest")
    queue.run_repeating(
        jobs.ingest_job, interval=settings.bot.ingest_interval, first=0, name="ingest"
    )
    queue.run_repeating(
        jobs.outbox_job, interval=settings.bot.outbox_interval, first=1, name="outbox"
    )
    queue.run_repeating(
        jobs.heartbeat_job, interval=settings.bot.outbox_interval, first=0, name="heartbeat"
    )
    if watch is not None:
        queue.run_repeating(
            jobs.database_job,
            interval=DATABASE_CHECK_SECONDS,
            first=0,
            data=watch,
            name="database",
        )
    if leadership is not None:
        queue.run_repeating(
            jobs.leader_job,
            interval=POLL_INTERVAL_SECONDS,
            first=POLL_INTERVAL_SECONDS,
            data=leadership,
            name="leader",
        )
    if settings.feeds:  # each feed has its own due time; the job looks at most every minute
        interval = min(FEED_JOB_SECONDS, settings.fetch.poll_interval)
        # first=1, not 0: a first run at 0 s is already past when the scheduler starts, and
        # APScheduler drops it as misfired, so the feeds would wait a whole interval.
        queue.run_repeating(jobs.feed_job, interval=interval, first=1, name="feeds")
    return app


def _post_init(
    settings: Settings,
    *,
    fetch_timeout: httpx.Timeout | None,
    clock: Clock,
    watch: DatabaseWatch | None,
    stop_signals: bool,
    leadership: Leadership | None,
) -> Any:
    async def post_init(app: BotApplication) -> None:
        """Open storage and the HTTP client, store the services, register the commands."""
        storage = Storage(settings.bot.database)
        if leadership is not None:
            backend = leadership.election.backend_pid
            if backend is None:  # lost between the election and this start
                leadership.lost = True
                app.stop_running()
                backend = 0  # a pid no session has: every claim fails until the stop
            storage.fence_leader(leadership.election.key, backend)
        if watch is not None:
            watch.replaced()  # its first look: this is the file to keep an eye on
        timeout = fetch_timeout or httpx.Timeout(
            settings.fetch.read_timeout, connect=settings.fetch.connect_timeout
        )
        client = build_client(timeout=timeout, user_agent=settings.fetch.user_agent)
        fetcher = Fetcher(client, settings=settings.fetch)
        renderer = Renderer(timezone=settings.digest.timezone)
        lang = load_language()
        zone = ZoneInfo(settings.digest.timezone)

        def now_here() -> datetime:
            return clock().astimezone(zone)

        outbox = Outbox(storage, app.bot, settings=settings.bot, renderer=renderer, now=now_here)
        alerts = Alerts(
            storage,
            app.bot,
            renderer,
            admins=settings.bot.admins,
            drain=outbox.drain,
            now=now_here,
        )
        worker = BuildWorker()
        publisher = Publisher(
            storage,
            renderer,
            settings=settings,
            lang=lang,
            bot_username=app.bot.username,
            worker=worker,
        )
        shared = Services(
            settings=settings,
            storage=storage,
            renderer=renderer,
            outbox=outbox,
            publisher=publisher,
            fetcher=fetcher,
            client=client,
            lang=lang,
            alerts=alerts,
            worker=worker,
            clock=clock,
            poller=FeedPoller(
                fetcher,
                storage,
                feeds=settings.feeds,
                renderer=renderer,
                admins=settings.bot.admins,
            ),
            leadership=leadership,
        )
        app.bot_data[SERVICES_KEY] = shared
        if stop_signals:
            _handle_stop_signals(app, outbox)
        await handlers.register_commands(app.bot, renderer.commands(), admins=settings.bot.admins)
        now = shared.now()
        last = storage.meta("last_run")
        if not last:
            storage.set_meta("last_run", now.isoformat())  # first start: nothing was missed
        elif (
            missed_run(settings, last_run=datetime.fromisoformat(last), now=now) and app.job_queue
        ):
            logger.info("A digest run was missed since %s: catching up once", last)
            app.job_queue.run_once(jobs.digest_job, when=0, name="catch-up")

    return post_init


def _handle_stop_signals(app: BotApplication, outbox: Outbox) -> None:
    """Stop on SIGTERM/SIGINT within ``SHUTDOWN_DEADLINE`` seconds, whatever Telegram does."""
    loop = asyncio.get_running_loop()
    tasks: list[asyncio.Task[None]] = []

    def stop() -> None:
        if tasks:
            return
        logger.info("Stop signal: finishing sends in flight, then stopping")
        tasks.append(loop.create_task(outbox.close(grace=SEND_GRACE)))
        watchdog = threading.Timer(SHUTDOWN_DEADLINE, _end_now)
        watchdog.daemon = True
        watchdog.start()
        app.stop_running()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop)


def _end_now() -> None:
    # Every committed row is safe (SQLite WAL), and a cut-off send is resent once at restart:
    # ending here is the same as the kill -9 the outbox is built to survive.
    logger.warning("Shutdown took %.1f s: ending the process now", SHUTDOWN_DEADLINE)
    logging.shutdown()
    os._exit(0)


async def _post_shutdown(app: BotApplication) -> None:
    """Close what ``post_init`` opened."""
    if SERVICES_KEY not in app.bot_data:
        return
    found = app.bot_data[SERVICES_KEY]
    if isinstance(found, Services):
        await found.client.aclose()
        await asyncio.to_thread(found.worker.close)
        found.storage.close()


def quiet_token_loggers() -> None:
    """Keep the token out of the log, whatever the root level.

    httpx logs every request URL at INFO, and PTB logs its API URLs at DEBUG; both URLs
    contain the token.
    """
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(logging.INFO)
    logging.getLogger("bot").setLevel(logging.INFO)


class TokenFilter(logging.Filter):
    """Keep the token out of every log line, tracebacks included.

    PTB quotes the token when Telegram rejects it ("The token `…` was rejected"), in the
    exception and in its log; a record that mentions the token (a token revoked while the
    bot runs, say) is logged with the token blanked. (A failed start is not logged by PTB at
    all: :func:`run` quiets it until ``post_init`` and says in one line what to check.)

    Args:
        token: The bot token.
    """

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        """Blank the token in the record's message and traceback; keep the record."""
        message = record.getMessage()
        if self._token in message:
            record.msg, record.args = message.replace(self._token, "…"), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = record.exc_text.replace(self._token, "…")
        return True


def run(settings: Settings) -> int:
    """Run the bot until interrupted; return the exit code.

    Raises:
        ConfigError: Settings the bot needs are missing (``bot.admins``).
    """
    quiet_token_loggers()
    token = bot_token()
    if not token:
        sys.stderr.write(NO_TOKEN + "\n")
        return 2
    for handler in logging.getLogger().handlers:
        handler.addFilter(TokenFilter(token))
    require_bot_settings(settings)
    if settings.bot.webhook_url and importlib.util.find_spec("tornado") is None:
        sys.stderr.write(NO_WEBHOOK_SUPPORT + "\n")
        return 2
    # Opt in to PTB's coming timedelta periods: RetryAfter.retry_after then needs no
    # deprecation warning (bot.adapters.outbox reads either form).
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    if is_database_url(settings.bot.database):
        return _run_as_candidate(settings, token)
    try:  # SQLite: one process per file
        InstanceLock(Path(settings.bot.database)).acquire()  # held until the process ends
    except DatabaseInUse as err:
        sys.stderr.write(f"kurzlage run: {err}\n")
        return 2
    watch = DatabaseWatch(Path(settings.bot.database))
    app = build_application(settings, token=token, watch=watch, stop_signals=True)
    code = _run_application(app, settings)
    if code is not None:
        return code
    return 1 if watch.replaced() else 0  # the database job said why


def _run_application(app: BotApplication, settings: Settings) -> int | None:
    """Run the application until it stops; an exit code if it could not start, else None."""
    _quiet_until_started(app)
    try:
        _run_until_stopped(app, settings)
    except TelegramError as err:
        return _startup_failure(err, settings)
    return None


def _check_telegram(settings: Settings, token: str) -> int | None:
    """Ask Telegram who the bot is (getMe), as a start does; an exit code if that fails.

    A standby does this before it waits: a rejected token or a wrong API URL is told at
    once, not when it takes over hours later. It never calls getUpdates.
    """

    async def get_me() -> None:
        async with Bot(
            token, base_url=settings.bot.api_base_url, base_file_url=settings.bot.api_file_url
        ):
            pass  # initialize() is getMe

    telegram_log = logging.getLogger("telegram")
    level = telegram_log.level
    telegram_log.setLevel(logging.CRITICAL)  # as _quiet_until_started: one line of ours
    try:
        asyncio.run(get_me())
    except TelegramError as err:
        return _startup_failure(err, settings)
    finally:
        telegram_log.setLevel(level)
    return None


def _startup_failure(err: TelegramError, settings: Settings) -> int:
    """Say in one line why the bot could not start; return the exit code.

    PTB's own messages for a rejected token quote the token: ours say what to check.
    """
    if isinstance(err, InvalidToken):
        reason = "token" if "Unauthorized" in str(err.__cause__ or err) else "not_found"
        _startup_error(reason, settings)
        return 2
    if isinstance(err, NetworkError):
        _startup_error("unreachable", settings)
        return 1
    _startup_error("not_found", settings)  # e.g. a web page, not JSON, at bot.api_base_url
    return 2


def _run_as_candidate(settings: Settings, token: str) -> int:
    """Run on a shared PostgreSQL database: stand by until this instance leads, then lead.

    Only the leader polls (or serves the webhook), runs the jobs and sends; a standby only
    asks for the lead every :data:`POLL_INTERVAL_SECONDS`. A leader that loses the lead (its
    lock session cut) stops its application and stands by again; a stop signal ends either.
    """
    failed = _check_telegram(settings, token)
    if failed is not None:
        return failed
    Storage(settings.bot.database).close()  # a wrong URL or schema is told now, not polled
    election = LeaderElection(settings.bot.database)
    stop = threading.Event()
    try:
        while True:
            previous = {
                sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGTERM, signal.SIGINT)
            }
            leading = election.wait_until_leader(stop)
            for sig, handler in previous.items():
                signal.signal(sig, handler)  # the application's loop installs its own
            if not leading:
                logger.info("Stop signal while standing by: stopping")
                return 0
            leadership = Leadership(election)
            # A new event loop per term: PTB closes the loop it ran on when it stops.
            asyncio.set_event_loop(asyncio.new_event_loop())
            app = build_application(
                settings, token=token, stop_signals=True, leadership=leadership
            )
            code = _run_application(app, settings)
            if code is not None:
                return code
            if not leadership.lost:
                return 0
            logger.info("leader election: standing by again")
    finally:
        election.release()


def _quiet_until_started(app: BotApplication) -> None:
    """Silence PTB's log until the bot is started (``post_init``).

    A failed start (token rejected, wrong API URL, no network, not a Bot API answering) makes
    PTB log tracebacks that repeat the cause; :func:`run` reports it in one line instead.
    """
    telegram_log = logging.getLogger("telegram")
    level = telegram_log.level
    telegram_log.setLevel(logging.CRITICAL)
    post_init = app.post_init

    async def started(application: BotApplication) -> None:
        telegram_log.setLevel(level)
        if post_init is not None:
            await post_init(application)

    app.post_init = started


def _startup_error(reason: str, settings: Settings) -> None:
    line = Renderer().render("startup.txt", reason=reason, api_base_url=settings.bot.api_base_url)
    sys.stderr.write(line.replace(bot_token(), "…") + "\n")


def _run_until_stopped(app: BotApplication, settings: Settings) -> None:
    if settings.bot.webhook_url:
        app.run_webhook(
            listen=settings.bot.webhook_listen,
            port=settings.bot.webhook_port,
            # The server answers on the path of the public URL (a reverse proxy in front
            # passes the path through unchanged).
            url_path=urlsplit(settings.bot.webhook_url).path.lstrip("/"),
            webhook_url=settings.bot.webhook_url,
            # A fresh secret per start, registered with setWebhook: only Telegram knows it,
            # so a request without the matching header is refused (403). Never stored.
            secret_token=secrets.token_urlsafe(WEBHOOK_SECRET_BYTES),
            allowed_updates=Update.ALL_TYPES,
            stop_signals=None,  # bot.app._handle_stop_signals
        )
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES, stop_signals=None)


__all__ = [
    "build_application",
    "cron_triggers",
    "missed_run",
    "quiet_token_loggers",
    "run",
    "services",
]
