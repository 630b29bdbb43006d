"""Hostile archives, small on disk and large when expanded, and the peak memory of importing
them (issue #13). The tests build the same archives at a small scale with lowered limits.

    uv run python benchmarks/hostile.py                 # 48 members of 60 MB, the default limits
    uv run python benchmarks/hostile.py --members 64

Prints, for the CLI (`loadwatch import`) and the dashboard's path (`services.import_uploads`
with the archive's bytes in memory), the wall time and the peak resident memory of the
importing process and of its largest worker, each in a fresh process.
"""

from __future__ import annotations

import argparse
import os
import random
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterable
from pathlib import Path

MB = 1024 * 1024
_DEFLATED = 8
_VERSION = 20  # 2.0: deflate
# Every member and archive built here stays under 4 GiB: only the count may need zip64.
_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_END64 = struct.Struct("<4sQ2H2L4Q")
_LOCATOR64 = struct.Struct("<4sLQL")


class Member:
    """One zip member as raw deflate data with its CRC-32 and uncompressed size."""

    __slots__ = ("crc", "data", "name", "size_bytes")

    def __init__(self, name: str, data: bytes, crc: int, size_bytes: int) -> None:
        self.name, self.data, self.crc, self.size_bytes = name, data, crc, size_bytes


def write_zip(out: Path, members: Iterable[Member]) -> None:
    """A plain zip of already-deflated members, written member by member (zipfile would
    deflate every byte again: gigabytes of zeros for a bomb)."""
    central = []
    with out.open("wb") as handle:
        for member in members:
            name = member.name.encode()
            offset = handle.tell()
            handle.write(
                _LOCAL.pack(
                    b"PK\x03\x04",
                    _VERSION,
                    0,
                    _DEFLATED,
                    0,
                    0x21,
                    member.crc,
                    len(member.data),
                    member.size_bytes,
                    len(name),
                    0,
                )
            )
            handle.write(name)
            handle.write(member.data)
            central.append(
                _CENTRAL.pack(
                    b"PK\x01\x02",
                    _VERSION,
                    _VERSION,
                    0,
                    _DEFLATED,
                    0,
                    0x21,
                    member.crc,
                    len(member.data),
                    member.size_bytes,
                    len(name),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + name
            )
        start = handle.tell()
        for entry in central:
            handle.write(entry)
        size = handle.tell() - start
        count = len(central)
        if count > 0xFFFF:  # zip64 end records: only the entry count needs them here
            end64 = handle.tell()
            handle.write(_END64.pack(b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, start))
            handle.write(_LOCATOR64.pack(b"PK\x06\x07", 0, end64, 1))
            count = 0xFFFF
        handle.write(_END.pack(b"PK\x05\x06", 0, 0, count, count, size, start, 0))


def zip_bytes(members: Iterable[Member]) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "z.zip"
        write_zip(path, members)
        return path.read_bytes()


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def deflated_zeros(size_bytes: int) -> tuple[bytes, int]:
    """Raw deflate of `size_bytes` zero bytes (about 1000:1) and their CRC-32."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(MB)
    parts, crc, left = [], 0, size_bytes
    while left > 0:
        piece = chunk[: min(MB, left)]
        parts.append(compressor.compress(piece))
        crc = zlib.crc32(piece, crc)
        left -= len(piece)
    parts.append(compressor.flush())
    return b"".join(parts), crc


def nested_bomb(width: int = 16, member_bytes: int = 1024 * MB) -> bytes:
    """A 42.zip-style bomb, two levels: `width` zips of `width` members of zeros each."""
    zeros, crc = deflated_zeros(member_bytes)
    inner = zip_bytes(Member(f"page{i:x}.gpx", zeros, crc, member_bytes) for i in range(width))
    inner_member = Member("", _deflate(inner), zlib.crc32(inner), len(inner))
    return zip_bytes(
        Member(f"book{i:x}.zip", inner_member.data, inner_member.crc, inner_member.size_bytes)
        for i in range(width)
    )


def not_a_zip_named_inner_zip(member_bytes: int) -> bytes:
    """An archive with one member called inner.zip: `member_bytes` of zeros, no zip at all."""
    zeros, crc = deflated_zeros(member_bytes)
    return zip_bytes([Member("inner.zip", zeros, crc, member_bytes)])


def _body(size_bytes: int, seed: int) -> bytes:
    """Bytes that deflate about 40:1 (a 4 KB block repeated, one byte in 128 random): inside
    the default compression-ratio limit, so every member is read, hashed and sniffed."""
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    block = rng.randbytes(4096)
    chunk = bytearray(block * (MB // 4096))
    chunk[::128] = rng.randbytes(MB // 128)
    return bytes(chunk) * (size_bytes // MB) + bytes(chunk[: size_bytes % MB])


def large_members(out: Path, members: int, member_bytes: int, *, zeros: bool = False) -> None:
    """`members` distinct members of `member_bytes` each: a 16-byte header of their own, then
    one shared body (zeros: about 1000:1, else about 40:1). The body is deflated once and its
    stream appended after each member's own flushed header, so building 3 GB takes seconds."""
    body = bytes(member_bytes - 16) if zeros else _body(member_bytes - 16, seed=13)
    body_deflated = _deflate(body)

    def member(index: int) -> Member:
        header = f"junk-member-{index:04d}".encode().ljust(16)
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        head = compressor.compress(header) + compressor.flush(zlib.Z_FULL_FLUSH)
        crc = zlib.crc32(body, zlib.crc32(header))
        return Member(f"activities/{index:04d}.fit", head + body_deflated, crc, member_bytes)

    write_zip(out, (member(i) for i in range(members)))


def junk_members(out: Path, count: int) -> None:
    """`count` tiny members of 40 bytes each (100,000 of them are about 10 MB on disk)."""
    write_zip(
        out,
        (
            Member(f"junk/{i:06d}.gpx", _deflate(data), zlib.crc32(data), len(data))
            for i in range(count)
            for data in [f"<junk {i:06d}>".encode().ljust(40)]
        ),
    )


# ------------------------------------------------------------------------------ measuring
_UPLOAD = """
import sys
from pathlib import Path
from loadwatch import services
from loadwatch.db.engine import make_engine, migrate
engine = make_engine(sys.argv[2])
migrate(engine)
data = Path(sys.argv[1]).read_bytes()
services.import_uploads(engine, [(Path(sys.argv[1]).name, data)])
"""


def _tree_rss_mb(root: int) -> dict[int, float]:
    """Resident memory (MB) of `root` and every process under it, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[int(entry.name)] = int(line.split()[1]) / 1024
    tree: dict[int, float] = {}
    todo = [root]
    while todo:
        pid = todo.pop()
        tree[pid] = rss.get(pid, 0.0)
        todo.extend(children.get(pid, []))
    return tree


def _run_measured(command: list[str]) -> str:
    """Run `command`; its exit code, time, own peak (wait4's ru_maxrss) and, sampled every
    50 ms, the largest other process under it (the parse workers) and the whole tree's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOADWATCH_")}
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    worker_mb = tree_mb = 0.0
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        tree = _tree_rss_mb(child.pid)
        tree_mb = max(tree_mb, sum(tree.values()))
        worker_mb = max([worker_mb, *(mb for p, mb in tree.items() if p != child.pid)])
        time.sleep(0.05)
    child.returncode = os.waitstatus_to_exitcode(status)
    return (
        f"exit {child.returncode}, {time.perf_counter() - start:.1f} s, "
        f"peak {usage.ru_maxrss / 1024:.0f} MB; "
        f"largest worker {worker_mb:.0f} MB, all processes together {tree_mb:.0f} MB (sampled)"
    )


def measure(archive: Path, folder: Path) -> None:
    """Print the peak memory of importing `archive` by the CLI and by the upload path."""
    cli = [sys.executable, "-m", "loadwatch", "--db", str(folder / "cli.db"), "import"]
    print("  loadwatch import:", _run_measured([*cli, str(archive)]))
    upload = [sys.executable, "-c", _UPLOAD, str(archive), str(folder / "upload.db")]
    print("  import_uploads (the dashboard's path, archive in memory):", _run_measured(upload))
    for db in folder.glob("*.db*"):
        db.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=48)
    parser.add_argument("--member-mb", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        archive = folder / "large-members.zip"
        start = time.perf_counter()
        large_members(archive, args.members, args.member_mb * MB)
        print(
            f"{args.members} members of {args.member_mb} MB: {archive.stat().st_size / MB:.0f} MB"
            f" on disk, built in {time.perf_counter() - start:.1f} s"
        )
        measure(archive, folder)
        inner_bytes = 3 * 1024 * MB
        for label, build in (
            ("42.zip-style, 16 x 16 x 1 GB", lambda p: p.write_bytes(nested_bomb())),
            ("100,000 junk members", lambda p: junk_members(p, 100_000)),
            (
                "inner.zip of 3 GB zeros",
                lambda p: p.write_bytes(not_a_zip_named_inner_zip(inner_bytes)),
            ),
        ):
            path = folder / "hostile.zip"
            build(path)
            print(f"{label}: {path.stat().st_size / MB:.1f} MB on disk")
            measure(path, folder)
            path.unlink()


if __name__ == "__main__":
    main()
