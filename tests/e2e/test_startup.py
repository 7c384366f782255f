"""``kurzlage run`` refusing to start, or stopping, with one line and never the token."""

import asyncio
import io
import logging
import signal
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from telegram.error import InvalidToken

from bot.adapters.render import Renderer
from bot.app import TokenFilter
from tests.e2e import expected
from tests.e2e.conftest import ADMIN, CHANNEL_ONE, CHANNEL_TWO, ROOT, command, running, with_bot
from tests.e2e.test_restart import bot_command, bot_env, write_config
from tests.fakes import TOKEN

WRONG_TOKEN = "999999:WRONG-secret-token-never-printed"


def run_bot(config, token):
    return subprocess.run(
        bot_command(config), cwd=ROOT, env=bot_env(token), capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip


def startup_line(reason, settings):
    return Renderer().render("startup.txt", reason=reason, api_base_url=settings.bot.api_base_url)


@pytest.fixture
def answering():
    """Start HTTP servers that answer every request alike; each call returns its /bot URL."""
    servers = []

    def serve(status, content_type, body):
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body.encode())))
                self.end_headers()
                self.wfile.write(body.encode())

            do_GET = do_POST

            def log_message(self, format, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/wrong/path/bot"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


# Telegram's answer to a wrong path, and a website where the Bot API should be.
NOT_FOUND = (
    404,
    "application/json",
    '{"ok": false, "error_code": 404, "description": "Not Found"}',
)
WEB_PAGE = (200, "text/html", "<!DOCTYPE html><html><body>Willkommen</body></html>")


def test_a_rejected_token_is_one_german_line_without_the_token(fake, settings, tmp_path):
    config = tmp_path / "kurzlage.toml"
    write_config(config, settings)

    done = run_bot(config, WRONG_TOKEN)

    assert done.returncode == 2
    assert done.stderr == startup_line("token", settings) + "\n"
    assert done.stdout == ""
    assert WRONG_TOKEN not in done.stderr + done.stdout
    assert WRONG_TOKEN.split(":")[1] not in done.stderr


def test_a_wrong_api_path_is_one_german_line_without_the_token(settings, tmp_path, answering):
    settings = with_bot(settings, api_base_url=answering(*NOT_FOUND))
    config = tmp_path / "kurzlage.toml"
    write_config(config, settings)

    done = run_bot(config, TOKEN)

    assert done.returncode == 2
    assert done.stderr == startup_line("not_found", settings) + "\n"
    assert "/wrong/path/bot" in done.stderr  # names what to check
    assert TOKEN not in done.stderr + done.stdout


def test_a_web_page_at_the_api_url_is_one_german_line(settings, tmp_path, answering):
    settings = with_bot(settings, api_base_url=answering(*WEB_PAGE))
    config = tmp_path / "kurzlage.toml"
    write_config(config, settings)

    done = run_bot(config, TOKEN)

    assert done.returncode == 2
    assert done.stderr == startup_line("not_found", settings) + "\n"


def test_an_unreachable_api_is_one_german_line(settings, tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = with_bot(settings, api_base_url=f"http://127.0.0.1:{port}/bot")
    config = tmp_path / "kurzlage.toml"
    write_config(config, settings)

    done = run_bot(config, TOKEN)

    assert done.returncode == 1
    assert done.stderr == startup_line("unreachable", settings) + "\n"


async def start_bot(config, log):
    return await asyncio.create_subprocess_exec(
        *bot_command(config), cwd=ROOT, env=bot_env(TOKEN), stderr=log
    )


@pytest.mark.sqlite_only  # the file lock; on PostgreSQL a second one stands by
async def test_a_second_bot_on_the_same_database_refuses_to_start(fake, settings, tmp_path):
    config = tmp_path / "kurzlage.toml"
    write_config(config, settings)
    with (tmp_path / "first.log").open("w", encoding="utf-8") as log:
        first = await start_bot(config, log)
        try:
            await fake.wait_for(lambda: fake.count("deleteWebhook") > 0, within=30)

            second = await asyncio.to_thread(run_bot, config, TOKEN)

            assert second.returncode == 2
            assert second.stderr == (
                f"kurzlage run: database {settings.bot.database} in use by pid {first.pid}; "
                "stop that process first or set bot.database to another file\n"
            )
            assert first.returncode is None  # the first one runs on
            assert fake.count("getMe") == 1  # the second never reached Telegram
        finally:
            first.send_signal(signal.SIGTERM)
            await first.wait()
    assert first.returncode == 0

    # The lock ends with the process: a new start takes it (and stops at the token check).
    assert run_bot(config, WRONG_TOKEN).returncode == 2


async def test_a_killed_bot_leaves_no_lock_behind(fake, settings, tmp_path):
    config = tmp_path / "kurzlage.toml"
    write_config(config, settings)
    with (tmp_path / "first.log").open("w", encoding="utf-8") as log:
        first = await start_bot(config, log)
        await fake.wait_for(lambda: fake.count("deleteWebhook") > 0, within=30)
        first.send_signal(signal.SIGKILL)
        await first.wait()

    done = run_bot(config, WRONG_TOKEN)

    assert done.stderr == startup_line("token", settings) + "\n"  # past the lock


@pytest.mark.sqlite_only  # a file deleted under the bot
async def test_a_deleted_database_stops_the_bot_and_a_restart_posts_nothing_again(
    fake, settings, tmp_path
):
    config = tmp_path / "kurzlage.toml"
    write_config(config, settings)
    database = Path(settings.bot.database)
    log_path = tmp_path / "bot.log"
    with log_path.open("w", encoding="utf-8") as log:
        bot = await start_bot(config, log)
        try:
            await fake.wait_for(lambda: fake.count("deleteWebhook") > 0, within=30)
            await command(fake, ADMIN, ADMIN, "/jetzt")  # the seeds go out
            await fake.wait_for(lambda: len(fake.sent_to(CHANNEL_TWO)) == 1)
            for path in database.parent.glob(database.name + "*"):
                if not path.name.endswith(".lock"):
                    path.unlink()

            await asyncio.wait_for(bot.wait(), timeout=30)
        finally:
            if bot.returncode is None:
                bot.send_signal(signal.SIGKILL)
                await bot.wait()

    assert bot.returncode == 1
    stopped = [
        line for line in log_path.read_text(encoding="utf-8").splitlines() if "CRITICAL" in line
    ]
    assert stopped == [
        f"kurzlage: CRITICAL: database {database} was deleted or replaced while the bot ran; "
        "stopped (a restart creates it anew; the inbox marker keeps old files from being posted "
        "again)"
    ]
    # A fresh database: the seeds and inbox files it would read again were posted already.
    async with running(settings):
        assert await command(fake, ADMIN, ADMIN, "/jetzt") == [expected.NOTHING_NEW]
    assert len(fake.sent_to(CHANNEL_ONE)) == 1


@pytest.mark.sqlite_only  # a file that is no database
def test_a_file_that_is_no_database_is_one_line_naming_the_key(fake, settings, tmp_path):
    database = Path(settings.bot.database)
    database.parent.mkdir(parents=True)
    database.write_text("Dies ist keine Datenbank.\n" * 100, encoding="utf-8")
    config = tmp_path / "kurzlage.toml"
    write_config(config, settings)

    done = run_bot(config, TOKEN)

    assert done.returncode == 2
    assert done.stderr == (
        f"kurzlage: config: bot.database {database} cannot be opened as the bot's database "
        "(file is not a database); name a new file or a Kurzlage database\n"
    )


def test_the_token_is_blanked_in_later_log_records_tracebacks_included():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(TokenFilter(TOKEN))
    logger = logging.getLogger("telegram.ext.Updater.test")
    logger.addHandler(handler)
    try:
        try:
            raise InvalidToken(f"The token `{TOKEN}` was rejected by the server.")
        except InvalidToken:
            logger.exception("Polling with %s failed", TOKEN)  # a token revoked while running
    finally:
        logger.removeHandler(handler)

    logged = stream.getvalue()
    assert logged.startswith("Polling with … failed\nTraceback")
    assert "InvalidToken: The token `…` was rejected by the server." in logged
    assert TOKEN not in logged
