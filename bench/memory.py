"""Resident memory of server processes, read from /proc (no psutil needed), sampled in a thread."""

from __future__ import annotations

import os
import threading
from pathlib import Path


def rss_bytes(pid: int) -> int:
    """VmRSS of one process in bytes (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def group_rss_bytes(pgid: int) -> int:
    """Summed VmRSS of every process in a process group (a server and any children it spawned)."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, PermissionError, IndexError):
            continue
        if int(fields[2]) == pgid:  # fields after ")": state, ppid, pgrp, ...
            total += rss_bytes(int(entry.name))
    return total


class RssSampler:
    """Samples each server's RSS every `interval` seconds; keeps the peak since start and since `mark()`."""

    def __init__(self, pids: dict[str, int], interval: float = 0.5) -> None:
        self.pids = pids
        self.interval = interval
        self.first: dict[str, int] = {}
        self.peak: dict[str, int] = {name: 0 for name in pids}
        self.window_peak: dict[str, int] = {name: 0 for name in pids}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)

    def sample(self) -> dict[str, int]:
        now = {name: group_rss_bytes(pid) for name, pid in self.pids.items()}
        with self._lock:
            if not self.first:
                self.first = dict(now)
            for name, value in now.items():
                self.peak[name] = max(self.peak[name], value)
                self.window_peak[name] = max(self.window_peak[name], value)
        return now

    def mark(self) -> dict[str, int]:
        """The peaks since the previous mark (sampling once more first), and start a new window."""
        self.sample()
        with self._lock:
            window, self.window_peak = self.window_peak, {name: 0 for name in self.pids}
        return window

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> "RssSampler":
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
