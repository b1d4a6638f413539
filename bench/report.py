"""Shared by every benchmark: where outputs go, the machine's description, and results.md sections."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
RESULTS = BENCH / "results.md"
TITLE = "# Haina benchmarks\n\nWritten by `python -m bench` (`make bench`); each section is replaced when its benchmark runs again.\n"


def machine() -> dict[str, object]:
    """Cores, memory, CPU model, OS and Python of this machine, plus the current date."""
    info: dict[str, object] = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
    }
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        match = re.search(r"^MemTotal:\s+(\d+) kB", meminfo.read_text(), re.M)
        if match:
            info["memory_gb"] = round(int(match.group(1)) * 1024 / 1e9, 1)
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)
        if match:
            info["cpu"] = match.group(1).strip()
    return info


def machine_line(info: dict[str, object]) -> str:
    return (f"{info['date']} · {info.get('cpu', 'CPU')} · {info['cores']} cores · "
            f"{info.get('memory_gb', '?')} GB RAM · {info['os']} · Python {info['python']}")


def write_section(name: str, body: str, path: Path = RESULTS) -> None:
    """Put `body` between this benchmark's markers in results.md, replacing its previous section."""
    start, end = f"<!-- bench:{name} start -->", f"<!-- bench:{name} end -->"
    block = f"{start}\n{body.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else TITLE
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def write_json(name: str, data: object) -> Path:
    """Save raw results as bench/out/<name>-<timestamp>.json and bench/out/<name>-latest.json."""
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    path = OUT / f"{name}-{stamp}.json"
    path.write_text(text, encoding="utf-8")
    (OUT / f"{name}-latest.json").write_text(text, encoding="utf-8")
    return path
