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
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import threadpoolctl
from threadpoolctl import ThreadpoolController

__all__ = ["BLAS_PARALLEL_ROWS", "blas_threads_for", "one_blas_thread"]

# From this many rows a matrix-vector product is worth both cores: 100,000 x 384 float32 takes 13 ms on one
# thread and 6.5 ms on two (2 cores, measured); at 10,000 rows one thread takes 0.5 ms and the threads would
# only spin afterwards, taking the cores from the embedding model.
BLAS_PARALLEL_ROWS = 32_768

_lock = threading.Lock()
_clear_controller = getattr(getattr(threadpoolctl, "OpenBLASController", None), "clear_controlling_thread", None)
_blas_libraries: list[Any] | None = None


def _libraries() -> list[Any]:
    """The loaded BLAS libraries' thread controls (threadpoolctl's), found once: inspecting the loaded libraries
    takes milliseconds."""
    global _blas_libraries
    if _blas_libraries is None:
        _blas_libraries = [c for c in ThreadpoolController().lib_controllers if c.user_api == "blas"]
    return _blas_libraries


class _OneBlasThread:
    """One BLAS thread while the block runs, then each library's own count again (see :func:`one_blas_thread`)."""

    __slots__ = ("_before", "_libraries")

    def __enter__(self) -> None:
        _lock.acquire()
        try:
            self._libraries = libraries = _libraries()
            self._before = before = [lib.get_num_threads() for lib in libraries]
            for lib, n in zip(libraries, before, strict=True):
                if n != 1:
                    lib.set_num_threads(1)
        except BaseException:
            _lock.release()
            raise

    def __exit__(self, *exc: object) -> None:
        try:
            for lib, n in zip(self._libraries, self._before, strict=True):
                if n != 1:
                    lib.set_num_threads(n)
            # threadpoolctl >= 3.8 lets only the first thread that sets a limit set one again, until cleared (its
            # own ``limit`` clears on exit): clear it as that does, so the next call may come from any thread.
            if _clear_controller is not None:
                _clear_controller()
        finally:
            _lock.release()


def one_blas_thread() -> AbstractContextManager[None]:
    """One BLAS thread while the block runs, then each library's own count again. Set on the libraries directly:
    ``ThreadpoolController.limit`` reads every library's full info (versions included) on each call, ~35 us,
    which a write's bucket search paid once per candidate; a get and two sets cost a few. A plain class, not a
    generator context manager: a write searches its buckets several times per turn, and the generator's
    machinery cost more than the three library calls (19 -> ~6 us per use, measured)."""
    return _OneBlasThread()


def blas_threads_for(rows: int) -> AbstractContextManager[None]:
    """One BLAS thread for a product over fewer than ``BLAS_PARALLEL_ROWS`` rows; the library's own count above."""
    return one_blas_thread() if rows < BLAS_PARALLEL_ROWS else nullcontext()
