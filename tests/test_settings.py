import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.errors import ConfigError
from bot.settings import (
    BotSettings,
    DigestOptions,
    FeedSettings,
    FetchSettings,
    Settings,
    bot_token,
    load_settings,
    parse_settings,
    require_bot_settings,
)

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "config" / "kurzlage.toml"
# The committed file shows example channels and admins (marked "EXAMPLE VALUES" there); every
# other key must show the built-in default, so the file documents what a missing key means.
EXAMPLE_VALUES: dict[str, Any] = {
    "channels": ("@kurzlage_beispiel", "-1001234567890"),
    "admins": (123456789,),
}


def test_committed_config_equals_defaults_except_documented_examples():
    loaded = load_settings(COMMITTED)

    assert loaded == Settings(bot=replace(BotSettings(), **EXAMPLE_VALUES))


def test_committed_config_lists_every_key():
    raw = tomllib.loads(COMMITTED.read_text(encoding="utf-8"))

    assert set(raw["digest"]) == set(DigestOptions.__slots__)
    assert set(raw["bot"]) == set(BotSettings.__slots__)
    assert set(raw["fetch"]) == set(FetchSettings.__slots__)


def test_committed_config_marks_its_example_values():
    text = COMMITTED.read_text(encoding="utf-8")

    assert text.count("EXAMPLE VALUE") == len(EXAMPLE_VALUES)


def test_missing_default_file_gives_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KURZLAGE_CONFIG", raising=False)

    assert load_settings() == Settings()


def test_file_overrides_key_by_key(tmp_path):
    path = tmp_path / "k.toml"
    path.write_text(
        '[bot]\nchannels = ["@kanal_eins", -100123]\nadmins = [42]\nretry_base_delay = 2\n',
        encoding="utf-8",
    )

    bot = load_settings(path).bot

    assert (bot.channels, bot.admins, bot.retry_base_delay) == (
        ("@kanal_eins", "-100123"),
        (42,),
        2.0,
    )
    assert bot.schedule == BotSettings().schedule


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ("[bot]\ncolour = 1", "'bot.colour'"),
        ("[bot]\ntoken = '1:abc'", "KURZLAGE_TOKEN"),
        ("[bot]\nschedule = ['0 25 * * *']", "bot.schedule"),
        ("[bot]\nschedule = ['jeden Morgen']", "bot.schedule"),
        ("[bot]\nschedule = []", "bot.schedule"),
        ("[bot]\nchannels = ['kanal_ohne_at']", "bot.channels"),
        ("[bot]\nchannels = ['@ab']", "bot.channels"),
        ("[bot]\nchannels = '@einzeln'", "bot.channels"),
        ("[bot]\nadmins = []", "bot.admins"),
        ("[bot]\nadmins = ['alice']", "bot.admins"),
        ("[bot]\nwebhook_url = 'http://example.org/hook'", "bot.webhook_url"),
        ("[bot]\napi_base_url = 'ftp://x'", "bot.api_base_url"),
        ("[bot]\nmessages_per_second = 0", "bot.messages_per_second"),
        ("[bot]\nlink_previews = 'ja'", "bot.link_previews"),
        ("[bot]\nretry_base_delay = -1", "bot.retry_base_delay"),
        ("[bot]\nretry_base_delay = 10.0\nretry_max_delay = 5.0", "bot.retry_base_delay"),
        ("[bot]\nsend_concurrency = true", "bot.send_concurrency"),
        ("[digest]\ncarry_hours = 0", "digest.carry_hours"),
        ("[digest]\ncarry_hours = 721", "digest.carry_hours"),
        ("[digest]\ncarry_hours = 1.5", "digest.carry_hours"),
        ("[digest]\ncarry_hours = '24'", "digest.carry_hours"),
        ("[fetch]\ndeadline = 0", "fetch.deadline"),
        ("[fetch]\nper_host = 0", "fetch.per_host"),
        ("[fetch]\nuser_agent = ''", "fetch.user_agent"),
        ("[fetch]\nallow_private_push = 1", "fetch.allow_private_push"),
        ("[fetch]\nretries = 3", "'fetch.retries'"),
        ("[[feeds]]\noutlet = 'x'", "feeds[1].url"),
        ("[[feeds]]\nurl = 'ftp://x.example/feed'", "feeds[1].url"),
        ("[[feeds]]\nurl = 'https://a.example/rss'\ntitle = 'A'", "'feeds[1].title'"),
        ("[[feeds]]\nurl = 'https://a.example/rss'\noutlet = 3", "feeds[1].outlet"),
        (
            "[[feeds]]\nurl = 'https://a.example/rss'\n[[feeds]]\nurl = 'https://a.example/rss'",
            "feeds[2].url",
        ),
        ("feeds = 'https://a.example/rss'", "feeds must be [[feeds]] tables"),
        ("[robot]\nadmins = [1]", "[robot]"),
        ("bot = 3", "[bot]"),
        ("[digest]\ntimezone = 'Mars/Olympus'", "digest.timezone"),
        ("[digest]\ntimezone = '../../etc/passwd'", "digest.timezone"),
        ("[digest]\ntimezone = 'Europe'", "digest.timezone"),
        ("[digest]\ntimezone = ''", "digest.timezone"),
        ("[digest]\ntimezone = 1", "digest.timezone"),
        ("[bot]\ninbox = ''", "bot.inbox"),
        ("[bot]\ndatabase = ' '", "bot.database"),
    ],
    ids=[
        "unknown-key",
        "token-in-file",
        "cron-out-of-range",
        "cron-words",
        "schedule-empty",
        "channel-without-at",
        "channel-too-short",
        "channels-not-list",
        "admins-empty",
        "admins-not-ids",
        "webhook-not-https",
        "api-url-scheme",
        "rate-zero",
        "bool-as-text",
        "negative-delay",
        "base-over-max",
        "bool-as-int",
        "carry-zero",
        "carry-over-a-month",
        "carry-fraction",
        "carry-as-text",
        "deadline-zero",
        "per-host-zero",
        "user-agent-empty",
        "push-guard-not-bool",
        "fetch-unknown-key",
        "feed-without-url",
        "feed-not-http",
        "feed-unknown-key",
        "feed-outlet-not-text",
        "feed-twice",
        "feeds-not-tables",
        "unknown-section",
        "section-not-table",
        "timezone-unknown",
        "timezone-path",
        "timezone-directory",
        "timezone-empty",
        "timezone-number",
        "inbox-empty",
        "database-blank",
    ],
)
def test_bad_config_is_one_line_error_naming_the_key(tmp_path, toml, named):
    path = tmp_path / "k.toml"
    path.write_text(toml, encoding="utf-8")

    with pytest.raises(ConfigError) as caught:
        load_settings(path)

    message = str(caught.value)
    assert named in message
    assert "\n" not in message


def test_feeds_and_fetch_settings_are_read():
    settings = parse_settings(
        {
            "fetch": {"deadline": 5, "per_host": 4},
            "feeds": [
                {"url": "https://www.tagesschau.de/xml/rss2/", "outlet": " tagesschau "},
                {"url": "http://127.0.0.1:8080/feed.xml"},
            ],
        }
    )

    assert (settings.fetch.deadline, settings.fetch.per_host) == (5.0, 4)
    assert settings.feeds == (
        FeedSettings(url="https://www.tagesschau.de/xml/rss2/", outlet="tagesschau"),
        FeedSettings(url="http://127.0.0.1:8080/feed.xml"),
    )


def test_numeric_channel_ids_are_kept_as_text():
    settings = parse_settings({"bot": {"channels": [-1001234567890, "@kanal_zwei"]}})

    assert settings.bot.channels == ("-1001234567890", "@kanal_zwei")


def test_running_needs_an_admin():
    with pytest.raises(ConfigError, match=r"bot\.admins"):
        require_bot_settings(Settings())

    require_bot_settings(parse_settings({"bot": {"admins": [7]}}))


@pytest.mark.parametrize(
    ("environ", "expected"),
    [({}, ""), ({"KURZLAGE_TOKEN": " 1:abc \n"}, "1:abc"), ({"OTHER": "x"}, "")],
    ids=["absent", "stripped", "other-vars-ignored"],
)
def test_token_comes_from_the_environment_only(environ, expected):
    assert bot_token(environ) == expected


def test_example_env_holds_a_fake_token_only():
    text = (ROOT / "config" / "example.env").read_text(encoding="utf-8")
    token_lines = [line for line in text.splitlines() if line.startswith("KURZLAGE_TOKEN=")]

    assert len(token_lines) == 1
    assert "Fake" in token_lines[0]


def test_bad_timezone_stops_the_command_line_with_one_line(kurzlage, tmp_path):
    config = tmp_path / "k.toml"
    config.write_text("[digest]\ntimezone = '../../etc/passwd'\n", encoding="utf-8")

    result = kurzlage("--config", config, "digest")

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "kurzlage: config: digest.timezone '../../etc/passwd' is not a known time zone "
        "(IANA name such as 'Europe/Berlin' or 'UTC')\n"
    )


def test_a_schedule_that_never_fires_is_warned_about(kurzlage, tmp_path):
    config = tmp_path / "k.toml"
    config.write_text("[bot]\nschedule = ['0 0 31 2 *', '0 7 * * *']\n", encoding="utf-8")

    result = kurzlage("--config", config, "sentences", ROOT / "seeds", "--format", "json")

    assert result.returncode == 0
    assert result.stderr == (
        "kurzlage: WARNING: config: bot.schedule entry '0 0 31 2 *' never fires (no such date)\n"
    )


def test_a_schedule_that_fires_is_not_warned_about(caplog):
    parse_settings({"bot": {"schedule": ["0 7 29 2 *"]}})  # leap days come

    assert caplog.records == []


def test_a_postgresql_url_without_password_is_kept_as_the_database(tmp_path, monkeypatch):
    monkeypatch.delenv("KURZLAGE_DATABASE_URL", raising=False)
    config = tmp_path / "k.toml"
    config.write_text('[bot]\ndatabase = " postgresql://kurzlage@db:5432/bot "\n', "utf-8")

    assert load_settings(config).bot.database == "postgresql://kurzlage@db:5432/bot"


def test_kurzlage_database_url_names_the_database_with_its_password(tmp_path, monkeypatch):
    monkeypatch.setenv("KURZLAGE_DATABASE_URL", "postgresql://kurzlage:geheim@db/bot")
    config = tmp_path / "k.toml"
    config.write_text('[bot]\ndatabase = "data/k.sqlite3"\n', encoding="utf-8")

    assert load_settings(config).bot.database == "postgresql://kurzlage:geheim@db/bot"


def test_kurzlage_database_url_must_be_a_postgresql_url(tmp_path, monkeypatch):
    monkeypatch.setenv("KURZLAGE_DATABASE_URL", "data/other.sqlite3")
    monkeypatch.delenv("KURZLAGE_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no config/kurzlage.toml here: the defaults

    with pytest.raises(ConfigError) as refused:
        load_settings()

    assert str(refused.value) == (
        "config: KURZLAGE_DATABASE_URL must be a postgresql:// URL (a SQLite file is named "
        "by bot.database)"
    )


@pytest.mark.parametrize(
    "url",
    ["postgresql://kurzlage:geheim@db/bot", "postgres://u:geheim@db:5432/bot?sslmode=require"],
)
def test_a_password_in_the_settings_file_is_refused(tmp_path, monkeypatch, url):
    monkeypatch.delenv("KURZLAGE_DATABASE_URL", raising=False)
    config = tmp_path / "k.toml"
    config.write_text(f'[bot]\ndatabase = "{url}"\n', encoding="utf-8")

    with pytest.raises(ConfigError) as refused:
        load_settings(config)

    assert "geheim" not in str(refused.value)
    assert str(refused.value).startswith("config: bot.database names a password;")
