"""Run numpy's small matrix-vector products on one BLAS thread.

A multithreaded OpenBLAS spins its idle threads for a while after every call. On a small machine those spinning
threads take the cores the embedding model needs next, and a write that should cost one model call costs three
(measured on 2 cores: 47 ms -> 17 ms per write at 4,000 memories). One thread scores 10,000 x 384 float32
vectors in under a millisecond, so nothing is lost.

The limit is global while it holds (that is how BLAS works), so it is held only around the product, under a
lock: contexts on several threads cannot interleave and leave the host application's setting changed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import ThreadpoolController

__all__ = ["BLAS_PARALLEL_ROWS", "blas_threads_for", "one_blas_thread"]

# From this many rows a matrix-vector product is worth both cores: 100,000 x 384 float32 takes 13 ms on one
# thread and 6.5 ms on two (2 cores, measured); at 10,000 rows one thread takes 0.5 ms and the threads would
# only spin afterwards, taking the cores from the embedding model.
BLAS_PARALLEL_ROWS = 32_768

_lock = threading.Lock()
_controller: ThreadpoolController | None = None


@contextmanager
def one_blas_thread() -> Iterator[None]:
    global _controller
    with _lock:
        if _controller is None:  # inspecting the loaded libraries takes milliseconds: do it once
            _controller = ThreadpoolController()
        with _controller.limit(limits=1, user_api="blas"):
            yield


@contextmanager
def blas_threads_for(rows: int) -> Iterator[None]:
    """One BLAS thread for a product over fewer than ``BLAS_PARALLEL_ROWS`` rows; the library's own count above."""
    if rows < BLAS_PARALLEL_ROWS:
        with one_blas_thread():
            yield
    else:
        yield
