"""`decisionbot serve` with a thread that writes, every few seconds, where its memory is: for
the soak, to tell growth in Python's objects from SQLite's and from the C allocator's.

    python -m bench.memory_probe FILE [SECONDS]

Settings come from the environment, as for `decisionbot serve`. Each line of FILE is a JSON
object, in MB: `rss` (what the kernel counts), `sqlite` (what SQLite holds, its page caches
and prepared statements included, from `sqlite3_memory_used`), `malloc_in_use` and
`malloc_free` (glibc's heap, every arena, in use and kept free; SQLite's share is in use), and
`python_blocks` (thousands of objects' blocks Python's own allocator holds, which glibc's
figures don't count); and, since the line before, how many full garbage collections ran
(`full_gcs`) and the longest (`full_gc_ms`), during which every thread of the bot waits.
Reading these takes microseconds, so the probe doesn't slow the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import json
import sys
import threading
import time
from pathlib import Path

from bot.cli import configure_logging, run_bot
from bot.config import Mode, load_settings

MB = 1024 * 1024


class _MallInfo2(ctypes.Structure):
    # glibc's `struct mallinfo2` (2.33 and later), every field a size_t.
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd",
            "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


class _FullCollections:
    """Counts Python's full (generation 2) garbage collections and times the longest."""

    def __init__(self) -> None:
        self._began = 0.0
        self.count = 0
        self.longest_ms = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._began = time.perf_counter()
            return
        self.count += 1
        self.longest_ms = max(self.longest_ms, (time.perf_counter() - self._began) * 1000)

    def since_last(self) -> tuple[int, float]:
        """(count, longest ms) since the last call. A collection that ends between the read
        and the reset goes uncounted: rare, and this is a figure, not a record."""
        taken = self.count, self.longest_ms
        self.count, self.longest_ms = 0, 0.0
        return taken


def _write_every(path: Path, seconds: float) -> None:
    # The same library Python's sqlite3 module is linked to: dlopen hands back the one copy.
    sqlite = ctypes.CDLL("libsqlite3.so.0")
    sqlite.sqlite3_memory_used.restype = ctypes.c_int64
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = _MallInfo2
    status = Path("/proc/self/status")
    full_collections = _FullCollections()
    with path.open("a") as out:
        while True:
            rss = next(x for x in status.read_text().splitlines() if x.startswith("VmRSS:"))
            heap = libc.mallinfo2()
            full_gcs, full_gc_ms = full_collections.since_last()
            sample = {
                "at": round(time.time(), 1),
                "rss": round(int(rss.split()[1]) / 1024, 2),
                "sqlite": round(sqlite.sqlite3_memory_used() / MB, 2),
                "malloc_in_use": round((heap.uordblks + heap.hblkhd) / MB, 2),
                "malloc_free": round(heap.fordblks / MB, 2),
                "python_blocks": round(sys.getallocatedblocks() / 1000, 1),
                "full_gcs": full_gcs,
                "full_gc_ms": round(full_gc_ms, 1),
            }
            out.write(json.dumps(sample) + "\n")
            out.flush()
            time.sleep(seconds)


def main() -> None:
    path = Path(sys.argv[1])
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    settings = load_settings(mode=Mode.HTTP)
    configure_logging(settings)
    threading.Thread(target=_write_every, args=(path, seconds), daemon=True).start()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_bot(settings, Mode.HTTP))


if __name__ == "__main__":
    main()
