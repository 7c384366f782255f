"""One bot process per database: an exclusive lock for the process's life, and a watch on the file.

Two ``kurzlage run`` on one database would both fire the schedule and drain each other's
outbox rows, so the second one refuses to start: :class:`InstanceLock` holds an exclusive
``flock`` on ``<database>.lock`` (the pid written inside) until the process ends, however it
ends (the kernel drops the lock of a killed process, so a stale file never blocks a restart).

A database file deleted or replaced while the bot runs would take every later write into an
unlinked file, silently. :class:`DatabaseWatch` notices: it remembers the file's identity
(device and inode) at start and tells when the path no longer leads to that file.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path

from bot.errors import DigestError

logger = logging.getLogger(__name__)


class DatabaseInUse(DigestError):
    """The database cannot be locked: another process holds it (its pid), or no lock file."""


def lock_path(database: Path) -> Path:
    """Return the lock file of a database: ``<database>.lock`` next to the real file.

    The path is resolved first, so two spellings of one database (a symlinked folder, a
    relative path) share one lock.
    """
    real = database.resolve()
    return real.with_name(real.name + ".lock")


class InstanceLock:
    """An exclusive lock on a database, held from :meth:`acquire` until the process ends.

    Args:
        database: The SQLite file; its folder is created when missing.
    """

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = lock_path(database)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock and write this process's pid into the lock file.

        Raises:
            DatabaseInUse: Another live process holds it, or the lock file cannot be made.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise DatabaseInUse(
                f"cannot create the lock file {self.path} ({err.strerror}); the folder of "
                "bot.database must be writable"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", errors="replace").strip() or "?"
            os.close(fd)
            raise DatabaseInUse(
                f"database {self.database} in use by pid {holder}; stop that process first "
                "or set bot.database to another file"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd = fd

    def release(self) -> None:
        """Give the lock up (the end of the process does the same)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class DatabaseWatch:
    """Tell whether a database file is still the one seen at the first look.

    Args:
        database: The SQLite file; the first call of :meth:`replaced` records which file it
            is (call it once the bot has opened the database).
    """

    def __init__(self, database: Path) -> None:
        self.database = database
        self._identity: tuple[int, int] | None = None

    def replaced(self) -> bool:
        """True when the path is gone or leads to another file than at the first look."""
        try:
            stat = self.database.stat()
        except FileNotFoundError:
            return self._identity is not None
        identity = (stat.st_dev, stat.st_ino)
        if self._identity is None:
            self._identity = identity
        return identity != self._identity
