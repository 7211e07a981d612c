"""The index folder: opening it, writing to it under its lock, and starting it afresh.

Whoosh allows one writer at a time per index (an ``flock`` on ``MAIN_WRITELOCK``). Every
write here waits for that lock up to ``write_timeout`` seconds instead of failing at once,
so the job consumer's workers, an operator's ``search rebuild`` and a test's two writers
queue instead of losing documents. A SIGKILLed holder leaves no stale lock (flock dies
with its process).

A rebuild holds the same lock from start to end, empties the folder and refills it; while
it runs a ``REBUILDING`` marker tells searchers that results may be incomplete. An index
that is missing or cannot be read (:class:`IndexUnavailable`) is never an error page: the
caller asks for a rebuild and says so.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import time
import traceback
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from whoosh import index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex
from whoosh.writing import SegmentWriter

from search.schema import INDEX_FORMAT, make_schema

log = logging.getLogger(__name__)
LOCK = "MAIN_WRITELOCK"
MARKER = "REBUILDING"
REQUESTED = "REBUILD_REQUESTED"
FORMAT = "FORMAT"  # the index format a finished rebuild wrote (``search.schema.INDEX_FORMAT``)
STALE_MARKER = 6 * 3600  # seconds: a rebuild that left its marker this long ago has died
STALE_REQUEST = 600  # seconds: a requested rebuild that has not started by then is asked for again


class IndexUnavailable(Exception):
    """The index is missing or cannot be read; it has to be rebuilt from the database."""


class IndexBusy(Exception):
    """Another writer held the index longer than we were willing to wait."""


@dataclass(frozen=True)
class IndexStore:
    """One index folder (``SEARCH_INDEX_DIR``)."""

    path: Path
    write_timeout: float = 120.0

    def storage(self) -> FileStorage:
        self.path.mkdir(parents=True, exist_ok=True)
        return FileStorage(str(self.path))

    def exists(self) -> bool:
        """Whether the folder holds an index at all (a table of contents; readable or not)."""
        return self.path.is_dir() and any(self.path.glob("_MAIN_*.toc"))

    def open(self) -> FileIndex:
        """The index as it stands; :class:`IndexUnavailable` if it is missing or unreadable."""
        if not self.exists():
            raise IndexUnavailable(f"no index in {self.path}")
        with warnings.catch_warnings():  # Whoosh leaves the file it failed to read open: close it quietly
            warnings.simplefilter("ignore", ResourceWarning)
            written = self.path / FORMAT
            if not written.is_file() or written.read_text().strip() != INDEX_FORMAT:
                # Built by an older release (another schema or tokenizer): its words would not
                # match today's queries, so it is as good as missing.
                raise IndexUnavailable(f"index in {self.path} is not of format {INDEX_FORMAT}")
            try:
                return index.open_dir(str(self.path), schema=make_schema())
            except Exception as exc:  # damage to the TOC shows as one of many exception types
                problem = f"unreadable index in {self.path}: {exc!r}"
            gc.collect()
        raise IndexUnavailable(problem)

    @contextlib.contextmanager
    def reading(self) -> Iterator[FileIndex]:
        """The index for the block's reads; whatever fails while reading it is :class:`IndexUnavailable`.

        A damaged segment shows only when it is read — as an ``OSError``, a ``struct.error``,
        an ``IndexError`` … — so the whole read is guarded, and the files Whoosh leaves open
        when it fails are closed here rather than warned about by a later garbage collection.
        """
        problem = ""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                yield self.open()
            except IndexUnavailable as exc:
                problem = str(exc)
            except Exception as exc:
                problem = f"reading the index in {self.path} failed: {exc!r}"
                traceback.clear_frames(exc.__traceback__)  # let go of the open files the failed read held
            if problem:
                gc.collect()
        if problem:
            log.log(logging.INFO if problem.startswith("no index") else logging.WARNING,
                    "search index unavailable: %s", problem)
            raise IndexUnavailable(problem)

    @contextlib.contextmanager
    def writer(self) -> Iterator[SegmentWriter]:
        """A writer that waits for the lock; commits when the block ends, cancels on error."""
        ix = self.open()
        try:
            writer = ix.writer(timeout=self.write_timeout, delay=0.05)
        except index.LockError as exc:
            raise IndexBusy(str(self.path)) from exc
        except index.EmptyIndexError as exc:  # a failed rebuild emptied it while we waited for the lock
            raise IndexUnavailable(f"no index in {self.path}") from exc
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    # --- rebuilding -------------------------------------------------------------------------

    @contextlib.contextmanager
    def rebuilding(self) -> Iterator[FileIndex]:
        """Hold the write lock, empty the folder and hand back a new, empty index to fill.

        Write it with :meth:`batch_writer` (the lock is ours already). A rebuild that fails
        leaves no index at all rather than half of one, so the next search asks for another.
        """
        storage = self.storage()
        lock = storage.lock(LOCK)
        if not _acquire(lock, self.write_timeout):
            raise IndexBusy(str(self.path))
        marker = self.path / MARKER
        try:
            marker.write_text(f"{os.getpid()} {time.time():.0f}\n")
            self._empty()
            try:
                yield storage.create_index(make_schema())
            except BaseException:
                self._empty()
                raise
            else:
                (self.path / FORMAT).write_text(INDEX_FORMAT + "\n")
            finally:
                marker.unlink(missing_ok=True)
                (self.path / REQUESTED).unlink(missing_ok=True)
        finally:
            lock.release()

    def _empty(self) -> None:
        for name in os.listdir(self.path):
            if name not in (LOCK, MARKER, REQUESTED):
                with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                    os.unlink(self.path / name)

    @staticmethod
    def batch_writer(ix: FileIndex) -> SegmentWriter:
        """A writer for the index being rebuilt (the rebuild holds the lock)."""
        return SegmentWriter(ix, _lk=False)

    def is_rebuilding(self) -> bool:
        """Whether a rebuild is under way (its marker is there and not stale)."""
        return _fresh(self.path / MARKER, STALE_MARKER)

    def claim_rebuild(self) -> bool:
        """Whether the caller should queue a rebuild: not when one runs or was asked for lately.

        Many searches meeting a damaged index at once then queue one rebuild, not one each.
        """
        if self.is_rebuilding() or _fresh(self.path / REQUESTED, STALE_REQUEST):
            return False
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / REQUESTED).write_text(f"{os.getpid()} {time.time():.0f}\n")
        return True


def _fresh(marker: Path, lifetime: float) -> bool:
    try:
        return time.time() - marker.stat().st_mtime < lifetime
    except FileNotFoundError:
        return False


def _acquire(lock: object, timeout: float, delay: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if lock.acquire(blocking=False):  # type: ignore[attr-defined]
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(delay)
