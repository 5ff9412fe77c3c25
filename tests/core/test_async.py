from __future__ import annotations

import asyncio

import pytest

from memagent import HashingEmbedder, Memory, NotFoundError
from memagent.aio import AsyncMemory


def test_async_facade_runs_concurrently_and_keeps_errors():
    async def scenario():
        async with AsyncMemory(Memory.open(":memory:", embedder=HashingEmbedder(dim=128))) as amem:
            await asyncio.gather(*(amem.add(f"u{n}", f"I love topic{n}") for n in range(8)))
            assert sorted(await amem.users()) == [f"u{n}" for n in range(8)]
            recall = await amem.recall("u3", "topic3")
            assert "topic3" in recall.to_prompt()
            with pytest.raises(NotFoundError):
                await amem.recall("ghost", "x")
            return amem.embedder.name

    assert asyncio.run(scenario()).startswith("memagent-hashing")
