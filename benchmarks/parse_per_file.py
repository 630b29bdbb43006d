"""CPU per file of `parse_activity` over the activity files of an export, in one process
(issue #26): the parse alone, without the pool, the zip or the store, so the figure hardly
depends on how the machine's cores are shared. Run it once with the code to compare on
`PYTHONPATH` (from a folder outside the checkout), once with this one:

    uv run python benchmarks/parse_per_file.py benchmarks/out/ten-year-export.zip [rounds]

Prints, per format, the number of files and the mean CPU milliseconds per file
(`time.process_time`), then the mean over every file. A file the parser refuses counts too.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
import zipfile
from contextlib import suppress

import loadwatch.importers as importers
from loadwatch.errors import LoadwatchError


def main() -> None:
    archive = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    print(f"parsing with {importers.__file__}", file=sys.stderr)
    files: list[tuple[str, bytes]] = []
    with zipfile.ZipFile(archive) as z:
        for info in z.infolist():
            if info.filename.endswith(".csv") or info.is_dir():
                continue
            data, name = z.read(info), info.filename
            if name.endswith(".gz"):
                data, name = gzip.decompress(data), name[:-3]
            files.append((name, data))
    cpu: dict[str, list[float]] = {}
    for _ in range(rounds):
        for name, data in files:
            started = time.process_time()
            with suppress(LoadwatchError):
                importers.parse_activity(data, name)
            cpu.setdefault(name.rsplit(".", 1)[-1], []).append(time.process_time() - started)
    total = sum(sum(v) for v in cpu.values())
    per_kind = {k: [len(v) // rounds, round(1000 * sum(v) / len(v), 2)] for k, v in cpu.items()}
    print(json.dumps(per_kind), f"all: {1000 * total / (rounds * len(files)):.2f} ms per file")


if __name__ == "__main__":
    main()
