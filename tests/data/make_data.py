"""Regenerate tests/data (seeded, reproducible): `uv run python tests/data/make_data.py`.

Writes small FIT, GPX and TCX files with known totals, broken files named for their defect, and
index.toml with each file's expected values. Tests read index.toml; they never hard-code totals.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from loadwatch.synth import fit_bytes, gpx_bytes, make_track, tcx_bytes

HERE = Path(__file__).resolve().parent
START = datetime(2026, 3, 1, 7, 0, tzinfo=UTC)


def main() -> None:
    entries: list[dict[str, object]] = []

    def write(rel: str, data: bytes, **expected: object) -> None:
        path = HERE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        entries.append({"path": rel, **expected})

    run = make_track(START, 5000, 330, seed=1, interval_s=5)
    write(
        "fit/run-5k-session.fit",
        fit_bytes([run], utc_offset_s=3600),
        device="loadwatch synth FIT",
        sport="run",
        distance_m=run.total_distance_m,
        duration_s=run.duration_s,
        started_at=run.started_at.isoformat(),
        utc_offset_s=3600,
        tolerance_m=0.01,
    )
    write(
        "fit/run-5k-no-session.fit",
        fit_bytes([run], with_session=False),
        device="synth FIT, records only",
        sport="other",
        distance_m=run.total_distance_m,
        duration_s=run.duration_s,
        started_at=run.started_at.isoformat(),
        tolerance_m=0.01,
    )
    treadmill = make_track(START + timedelta(days=1), 8000, 300, seed=2, interval_s=10)
    write(
        "fit/treadmill-no-records.fit",
        fit_bytes([treadmill], with_records=False, sub_sport="treadmill"),
        device="synth FIT, summary only",
        sport="run",
        distance_m=treadmill.total_distance_m,
        duration_s=treadmill.duration_s,
        started_at=treadmill.started_at.isoformat(),
        tolerance_m=0.01,
    )
    swim = make_track(START + timedelta(days=2), 1500, 1200, seed=3, interval_s=10, sport="swim")
    bike = make_track(
        swim.started_at + timedelta(seconds=swim.duration_s + 120),
        20000,
        120,
        seed=4,
        interval_s=10,
        sport="ride",
    )
    brick_run = make_track(
        bike.started_at + timedelta(seconds=bike.duration_s + 90), 5000, 320, seed=5, interval_s=10
    )
    transition = make_track(
        bike.started_at + timedelta(seconds=bike.duration_s),
        50,
        1800,
        seed=6,
        interval_s=10,
        sport="transition",
    )
    write(
        "fit/triathlon-3-sessions.fit",
        fit_bytes([swim, bike, transition, brick_run], utc_offset_s=7200),
        device="synth FIT multisport",
        sport="swim,ride,run",
        distance_m=swim.total_distance_m,
        duration_s=swim.duration_s,
        started_at=swim.started_at.isoformat(),
        sessions=3,
        tolerance_m=0.01,
    )
    chained = fit_bytes([run], utc_offset_s=3600) + fit_bytes(
        [make_track(START, 1000, 330, seed=7)], serial=2
    )
    write(
        "fit/chained-two-files.fit",
        chained,
        device="two FIT files back to back",
        sport="run,run",
        distance_m=run.total_distance_m,
        duration_s=run.duration_s,
        started_at=run.started_at.isoformat(),
        sessions=2,
        tolerance_m=0.01,
    )

    hilly = make_track(START + timedelta(days=3), 10000, 340, seed=8, interval_s=5, hilliness_m=40)
    write(
        "gpx/run-10k-hilly.gpx",
        gpx_bytes(hilly),
        device="synth GPX 1.1",
        sport="run",
        distance_m=hilly.total_distance_m,
        duration_s=hilly.duration_s,
        started_at=hilly.started_at.isoformat(),
        tolerance_m=0.5,
    )
    untyped = make_track(START + timedelta(days=4), 3000, 360, seed=9, interval_s=5)
    write(
        "gpx/no-type.gpx",
        gpx_bytes(untyped, activity_type=None),
        device="synth GPX without <type>",
        sport="run",
        distance_m=untyped.total_distance_m,
        duration_s=untyped.duration_s,
        started_at=untyped.started_at.isoformat(),
        tolerance_m=0.5,
    )
    write(
        "tcx/run-10k.tcx",
        tcx_bytes(hilly),
        device="synth TCX",
        sport="run",
        distance_m=hilly.total_distance_m,
        duration_s=hilly.duration_s,
        started_at=hilly.started_at.isoformat(),
        tolerance_m=0.01,
    )

    good = fit_bytes([run], utc_offset_s=3600)
    invalid = HERE / "invalid"
    invalid.mkdir(exist_ok=True)
    (invalid / "truncated-eof.fit").write_bytes(good[: len(good) // 2])
    (invalid / "bad-crc.fit").write_bytes(good[:-2] + bytes([good[-2] ^ 0xFF, good[-1]]))
    (invalid / "zero-bytes.fit").write_bytes(b"")
    (invalid / "not-an-activity.txt").write_bytes(b"just some notes about my run\n")
    (invalid / "malformed.gpx").write_bytes(gpx_bytes(untyped)[:700])
    (invalid / "no-trkpt.gpx").write_bytes(
        b'<?xml version="1.0"?><gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1">'
        b"<trk><trkseg></trkseg></trk></gpx>"
    )
    (invalid / "entity-bomb.gpx").write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(8)
        )
        + b']><gpx version="1.1"><trk><name>&i;</name></trk></gpx>'
    )
    (invalid / "external-entity.gpx").write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<gpx version="1.1"><trk><name>&x;</name></trk></gpx>'
    )
    (invalid / "route-only.gpx").write_bytes(
        b'<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        b'<rte><rtept lat="47.1" lon="8.5"/><rtept lat="47.2" lon="8.6"/></rte></gpx>'
    )
    far = make_track(START, 400_000, 330, seed=10, interval_s=600)
    (invalid / "implausible-400km-run.fit").write_bytes(fit_bytes([far]))
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as gz:  # no clock in the bytes
        gz.write(good)
    (invalid / "truncated.fit.gz").write_bytes(buffer.getvalue()[:-40])
    zip_buffer = io.BytesIO()
    with zipfile.ZipFile(zip_buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        member = zipfile.ZipInfo("a.fit", date_time=(2026, 3, 1, 0, 0, 0))
        archive.writestr(member, good, compress_type=zipfile.ZIP_DEFLATED)
    (invalid / "damaged.zip").write_bytes(zip_buffer.getvalue()[:60] + b"\x00" * 40)

    lines = ["# Generated by make_data.py; expected values for tests/importers.", ""]
    for entry in entries:
        lines.append("[[file]]")
        for key, value in entry.items():
            lines.append(
                f"{key} = {value!r}" if not isinstance(value, str) else f'{key} = "{value}"'
            )
        lines.append("")
    (HERE / "index.toml").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
