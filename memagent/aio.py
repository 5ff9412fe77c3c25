"""``AsyncMemory``: the same ``Memory``, awaitable. Each call runs the sync method in a worker thread.

There is one implementation of every behaviour (no parallel async class tree to drift out of sync); SQLite,
numpy and the embedders release the GIL for their heavy work, so threads give real concurrency here.

    amem = AsyncMemory(Memory.open("app.db"))
    await amem.add("u1", "I love jazz")
    recall = await amem.recall("u1", "music")
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable
from typing import Any

from memagent.memory import Memory

__all__ = ["AsyncMemory"]

# Methods that do no I/O are returned as they are.
_SYNC_OK = frozenset({"embedder", "index", "store", "llm", "namespaces", "ranker", "writer", "forgetter", "decay"})


class AsyncMemory:
    """Awaitable wrappers around every public :class:`~memagent.memory.Memory` method (same arguments,
    same return values, same exceptions)."""

    def __init__(self, memory: Memory) -> None:
        self.memory = memory

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.memory, name)
        if name.startswith("_") or name in _SYNC_OK or not callable(attr):
            return attr

        @functools.wraps(attr)
        def call(*args: Any, **kwargs: Any) -> Awaitable[Any]:
            return asyncio.to_thread(attr, *args, **kwargs)

        return call

    async def __aenter__(self) -> AsyncMemory:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.to_thread(self.memory.close)


