"""A real process contending for the lead: ``python -m tests.leader_process URL INTERVAL``.

Prints one line per change, as the bot will act on it: ``standby`` (another instance leads),
``leader`` (took the lead), ``lost`` (no longer leads, then exits 3). SIGTERM releases the
lead and exits 0.
"""

from __future__ import annotations

import signal
import sys
import threading

from bot.adapters.leader import LeaderElection


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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2])))
