"""A real process contending for the lead: ``python -m tests.testkit.leader_process URL SECONDS``.

Tests and benchmarks start it with :func:`elector`.

Prints one line per change, as the bot will act on it: ``standby`` (another instance leads),
``leader`` (took the lead), ``lost`` (no longer leads, then exits 3). SIGTERM releases the
lead and exits 0.
"""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.adapters.leader import POLL_INTERVAL_SECONDS, LeaderElection

ROOT = Path(__file__).resolve().parents[2]


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(url: str, interval: float) -> int:
    election = LeaderElection(url)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if not election.try_acquire():
        say("standby")
        if not election.wait_until_leader(stop, interval=interval):
            election.release()
            return 0
    say("leader")
    while not stop.wait(interval):
        if not election.is_leader():
            say("lost")
            return 3
    election.release()
    return 0


class Elector:
    """A real ``tests.testkit.leader_process`` process and the lines it prints."""

    def __init__(self, url: str, interval: float) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.testkit.leader_process", url, str(interval)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.strip())

    def next_line(self, timeout: float) -> str:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            return "(nothing)"


@contextmanager
def elector(url: str, interval: float = POLL_INTERVAL_SECONDS) -> Iterator[Elector]:
    one = Elector(url, interval)
    try:
        yield one
    finally:
        one.process.kill()
        one.process.wait(timeout=10)
        one.reader.join(timeout=10)
        assert one.process.stdout is not None
        one.process.stdout.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2])))
