"""Run a command and measure its whole process tree from /proc (Linux): wall time, CPU time and
the peak of the summed memory (PSS) of every process in the tree (issue #26: an import is the
CLI, a forkserver and its workers; `ru_maxrss` gives only the largest one, and a sum of resident
sizes counts the pages a forked worker shares with the forkserver twice)."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE")
_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class TreeRun:
    stdout: str
    wall_s: float
    cpu_s: float  # user + system of every process seen in the tree (sampled)
    peak_rss_mb: float  # the largest sum of the tree's memory (PSS) at one moment


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS


def _pss_bytes(pid: int) -> int:
    """The process's proportional set size: its private pages plus its share of the pages it
    shares (a forked worker shares the forkserver's modules), so the tree's sum counts every
    page once; resident size where the kernel gives no smaps_rollup."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
    except OSError:
        return 0


def run_tree(command: list[str], interval_s: float = 0.05) -> TreeRun:
    """Run `command`, sampling its process tree every `interval_s` until it exits."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    cpu: dict[int, float] = {}
    peak = 0
    chunks: list[bytes] = []
    os.set_blocking(process.stdout.fileno(), False)  # type: ignore[union-attr]
    while process.poll() is None:
        parents = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (stat := _stat(int(entry))) is not None:
                parents[int(entry)] = stat
        tree = {process.pid}
        grew = True
        while grew:
            grew = False
            for pid, (parent, _) in parents.items():
                if parent in tree and pid not in tree:
                    tree.add(pid)
                    grew = True
        peak = max(peak, sum(_pss_bytes(pid) for pid in tree))
        for pid in tree:
            if pid in parents:
                cpu[pid] = max(cpu.get(pid, 0.0), parents[pid][1])
        chunk = process.stdout.read()  # type: ignore[union-attr]
        if chunk:
            chunks.append(chunk)
        time.sleep(interval_s)
    wall = time.perf_counter() - start
    rest = process.stdout.read()  # type: ignore[union-attr]
    if rest:
        chunks.append(rest)
    return TreeRun(b"".join(chunks).decode(), wall, sum(cpu.values()), peak / 1e6)
