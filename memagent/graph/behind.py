"""Write-behind: acknowledge a turn once it is durably queued, write it (extract, embed, decide, index) later.

``Memory.open(..., write_behind=True)`` makes ``add`` and ``add_messages`` commit the events to the store's
``pending`` table and return; a background thread then writes each user's queued events in batches, with one
embedding call per batch (``MemoryWriter.write_batch``). The transaction that writes an event deletes its queued
row, so every acknowledged event is written exactly once:

- a crash with events still queued leaves their rows, and the next ``Memory`` to open the file writes them
  (after the reconcile that re-indexes items committed but not indexed);
- a read of a user (recall, items, forget, ...) first writes that user's queued events in the calling thread,
  so a user always reads their own writes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from memagent.store.sqlite import SQLiteStore
from memagent.types import Event

__all__ = ["WriteBehind"]


class WriteBehind:
    """The background writer of a write-behind memory.

    Args:
        store: holds the queue (the ``pending`` table).
        write: writes a user's queued events, oldest first (``Memory`` takes the user's lock around it).
        batch: at most this many events per write call.
    """

    def __init__(self, store: SQLiteStore, write: Callable[[str, list[Event]], object], *, batch: int = 64) -> None:
        self.store = store
        self._write = write
        self.batch = batch
        self._wake = threading.Condition()
        self._stopping = False
        self._failed: dict[str, BaseException] = {}
        self._thread = threading.Thread(target=self._run, name="memagent-write-behind", daemon=True)
        self._thread.start()

    def submit(self, events: list[Event]) -> None:
        """Queue events durably (one transaction), then wake the background writer."""
        self.store.enqueue(events)
        with self._wake:
            self._wake.notify()

    def settle(self, user_id: str) -> None:
        """Write the user's queued events now, in this thread.

        Raises: what writing them raises (an LLM or store failure); the event that failed stays queued.
        """
        self._failed.pop(user_id, None)  # the background writer skips a user whose write failed until asked again
        while True:
            events = self.store.pending(user_id, limit=self.batch)
            if not events:
                return
            self._write(user_id, events)

    def close(self) -> None:
        """Stop the background writer once it has written everything queued."""
        with self._wake:
            self._stopping = True
            self._wake.notify()
        self._thread.join()

    def _run(self) -> None:
        while True:
            with self._wake:
                users = [u for u in self.store.pending_users() if u not in self._failed]
                if not users:
                    if self._stopping:
                        return
                    self._wake.wait(timeout=1.0)
                    continue
            for user_id in users:
                try:
                    events = self.store.pending(user_id, limit=self.batch)
                    if events:
                        self._write(user_id, events)
                except Exception as exc:  # kept for the user's next read; the events stay queued
                    self._failed[user_id] = exc
