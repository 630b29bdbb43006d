"""Regenerate tests/data (seeded, reproducible): `uv run python tests/data/make_data.py`.

Writes small FIT, GPX and TCX files with known totals, broken files named for their defect, and
index.toml with each file's expected values. Tests read index.toml; they never hard-code totals.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from loadwatch.synth import (
    Track,
    fit_bytes,
    gpx_bytes,
    make_track,
    tcx_bytes,
    tcx_course_bytes,
    tcx_multisport_bytes,
)

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
        device="synth FIT, records only, no sport message: undecided at running speed",
        sport="unknown",
        sport_source="inferred",
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
        device="synth GPX without <type>, at running speed: undecided",
        sport="unknown",
        sport_source="inferred",
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

    issue_10(write)
    garmin_sdk_files(write)

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
    far = make_track(START, 1_200_000, 330, seed=10, interval_s=600)  # over every real race
    (invalid / "implausible-1200km-run.fit").write_bytes(fit_bytes([far]))
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as gz:  # no clock in the bytes
        gz.write(good)
    (invalid / "truncated.fit.gz").write_bytes(buffer.getvalue()[:-40])
    zip_buffer = io.BytesIO()
    with zipfile.ZipFile(zip_buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        member = zipfile.ZipInfo("a.fit", date_time=(2026, 3, 1, 0, 0, 0))
        archive.writestr(member, good, compress_type=zipfile.ZIP_DEFLATED)
    (invalid / "damaged.zip").write_bytes(zip_buffer.getvalue()[:60] + b"\x00" * 40)

    issue_10_invalid(invalid)

    lines = ["# Generated by make_data.py; expected values for tests/importers.", ""]
    for entry in entries:
        lines.append("[[file]]")
        for key, value in entry.items():
            if isinstance(value, bool):
                lines.append(f"{key} = {str(value).lower()}")
            elif isinstance(value, str):
                lines.append(f'{key} = "{value}"')
            else:
                lines.append(f"{key} = {value!r}")
        lines.append("")
    (HERE / "index.toml").write_text("\n".join(lines))


def issue_10(write: Callable[..., None]) -> None:
    """Sport provenance, containers, local time and totals (issue #10): one file per case.

    In `cases/`, so the folders other tests import whole (fit/, gpx/, tcx/) keep their counts.
    """
    day = START + timedelta(days=10)
    ride = make_track(day, 30000, 110, seed=11, interval_s=10, sport="ride")
    write(
        "cases/ride-no-type.gpx",
        gpx_bytes(ride, activity_type=None, name="Bike computer"),
        device="a bike computer's GPX without <type>",
        sport="ride",
        sport_source="inferred",
        distance_m=ride.total_distance_m,
        duration_s=ride.duration_s,
        started_at=ride.started_at.isoformat(),
        tolerance_m=0.5,
    )
    walk = make_track(day + timedelta(days=1), 4000, 650, seed=12, interval_s=10, sport="walk")
    write(
        "cases/walk-no-type.gpx",
        gpx_bytes(walk, activity_type=None, name="Walk"),
        device="a phone app's GPX without <type>, at walking speed",
        sport="walk",
        sport_source="inferred",
        distance_m=walk.total_distance_m,
        duration_s=walk.duration_s,
        started_at=walk.started_at.isoformat(),
        tolerance_m=0.5,
    )
    coded = make_track(day + timedelta(days=2), 25000, 130, seed=13, interval_s=10, sport="ride")
    write(
        "cases/strava-numeric-type-1.gpx",
        gpx_bytes(coded, activity_type="1", creator="StravaGPX"),
        device="Strava's older GPX export: <type>1</type>",
        sport="ride",
        sport_source="declared",
        distance_m=coded.total_distance_m,
        duration_s=coded.duration_s,
        started_at=coded.started_at.isoformat(),
        tolerance_m=0.5,
    )
    write(
        "cases/garmin-road-biking.gpx",
        gpx_bytes(coded, activity_type="road_biking", creator="Garmin Connect"),
        device="Garmin Connect GPX: <type>road_biking</type>",
        sport="ride",
        sport_source="declared",
        distance_m=coded.total_distance_m,
        duration_s=coded.duration_s,
        started_at=coded.started_at.isoformat(),
        tolerance_m=0.5,
    )
    virtual = make_track(day + timedelta(days=3), 20000, 120, seed=14, interval_s=10, sport="ride")
    write(
        "cases/virtual-ride.gpx",
        gpx_bytes(virtual, activity_type="VirtualRide", creator="StravaGPX"),
        device="Strava GPX of a Zwift ride: <type>VirtualRide</type>",
        sport="ride",
        sport_source="declared",
        is_virtual=True,
        start_position=False,
        distance_m=virtual.total_distance_m,
        duration_s=virtual.duration_s,
        started_at=virtual.started_at.isoformat(),
        tolerance_m=0.5,
    )
    # A logger that starts a new <trk> seconds later (one activity) and on another day (two).
    morning = make_track(day + timedelta(days=4), 3000, 330, seed=15, interval_s=5)
    rest = make_track(
        morning.started_at + timedelta(seconds=morning.duration_s + 20),
        2000,
        330,
        seed=16,
        interval_s=5,
        lat0=float(morning.lat[-1]),
        lon0=float(morning.lon[-1]),
    )
    next_day = make_track(day + timedelta(days=5), 6000, 340, seed=17, interval_s=5)
    write(
        "cases/three-tracks-two-days.gpx",
        gpx_bytes([morning, rest, next_day], activity_type="running", creator="GPS logger"),
        device="a GPS logger: tracks 20 s apart, then the next day",
        sport="run,run",
        sessions=2,
        distance_m=morning.total_distance_m + rest.total_distance_m,
        duration_s=(rest.started_at - morning.started_at).total_seconds() + rest.duration_s,
        started_at=morning.started_at.isoformat(),
        tolerance_m=1.0,
    )
    write(
        "cases/leading-whitespace.gpx",
        b"\n\n   \t" + gpx_bytes(morning, creator="StravaGPX"),
        device="a Strava download with blank lines before <?xml",
        sport="run",
        distance_m=morning.total_distance_m,
        duration_s=morning.duration_s,
        started_at=morning.started_at.isoformat(),
        tolerance_m=0.5,
    )

    swim = make_track(day + timedelta(days=6), 1500, 1100, seed=18, interval_s=10, sport="swim")
    write(
        "cases/pool-swim-sport-other.tcx",
        tcx_bytes(swim, sport="Other", positions=False, lap_m=100),
        device="a pool swim exported as TCX Sport=Other, 100 m laps, no positions",
        sport="swim",
        sport_source="inferred",
        distance_m=1500.0,
        duration_s=swim.duration_s,
        started_at=swim.started_at.isoformat(),
        tolerance_m=0.01,
    )
    yoga = make_track(day + timedelta(days=7), 1200, 2500, seed=19, interval_s=10, sport="other")
    write(
        "cases/other-not-a-swim.tcx",
        tcx_bytes(yoga, sport="Other", positions=True),
        device="TCX Sport=Other with positions: never a run",
        sport="other",
        sport_source="declared",
        distance_m=yoga.total_distance_m,
        duration_s=yoga.duration_s,
        started_at=yoga.started_at.isoformat(),
        tolerance_m=0.01,
    )
    bike_leg = make_track(day + timedelta(days=8), 20000, 110, seed=20, interval_s=10, sport="ride")
    run_leg = make_track(
        bike_leg.started_at + timedelta(seconds=bike_leg.duration_s + 120),
        5000,
        300,
        seed=21,
        interval_s=10,
    )
    bike_again = make_track(
        run_leg.started_at + timedelta(seconds=run_leg.duration_s + 90),
        10000,
        115,
        seed=22,
        interval_s=10,
        sport="ride",
    )
    write(
        "cases/multisport-bike-run-bike.tcx",
        tcx_multisport_bytes([bike_leg, run_leg, bike_again]),
        device="a TCX <MultiSportSession> (duathlon), transitions between the legs",
        sport="ride,run,ride",
        sport_source="declared,declared,declared",
        sessions=3,
        distance_m=bike_leg.total_distance_m,
        duration_s=bike_leg.duration_s,
        started_at=bike_leg.started_at.isoformat(),
        tolerance_m=0.01,
    )
    short = make_track(day + timedelta(days=9), 6000, 230, seed=23, interval_s=5, sport="ride")
    write(
        "cases/lap-clock-6h-off.tcx",
        tcx_bytes(short, lap_start=short.started_at - timedelta(hours=6)),
        device="a TCX whose lap StartTime is 6 h before its trackpoints",
        sport="ride",
        distance_m=short.total_distance_m,
        duration_s=short.duration_s,
        started_at=short.started_at.isoformat(),
        tolerance_m=0.01,
    )

    run = make_track(day + timedelta(days=10), 8000, 320, seed=24, interval_s=5)
    write(
        "cases/no-session-position.fit",
        fit_bytes(
            [run],
            utc_offset_s=3600,
            session={"start_position_lat": None, "start_position_long": None},
        ),
        device="a watch FIT whose session has no start position; records have GPS",
        sport="run",
        is_device_file=True,
        start_position=True,
        distance_m=run.total_distance_m,
        duration_s=run.duration_s,
        started_at=run.started_at.isoformat(),
        utc_offset_s=3600,
        tolerance_m=0.01,
    )
    write(
        "cases/local-offset-minus-0330.fit",
        fit_bytes([run], utc_offset_s=-(3 * 3600 + 1800)),
        device="a watch FIT with local time UTC-03:30 (Newfoundland)",
        sport="run",
        distance_m=run.total_distance_m,
        duration_s=run.duration_s,
        started_at=run.started_at.isoformat(),
        utc_offset_s=-(3 * 3600 + 1800),
        tolerance_m=0.01,
    )
    write(
        "cases/zero-distance-session.fit",
        fit_bytes([run], session={"total_distance": 0}),
        device="a watch stopped without a final lap: session 0 m, records 8 km",
        sport="run",
        distance_m=run.total_distance_m,
        duration_s=run.duration_s,
        started_at=run.started_at.isoformat(),
        tolerance_m=0.01,
    )
    write(
        "cases/effort-rpe-7.fit",
        fit_bytes([run], session={"workout_rpe": 70}),
        device="a watch FIT with the athlete's effort rating (workout_rpe 70 = 7/10)",
        sport="run",
        effort_rpe=7.0,
        distance_m=run.total_distance_m,
        duration_s=run.duration_s,
        started_at=run.started_at.isoformat(),
        tolerance_m=0.01,
    )
    zwift = make_track(day + timedelta(days=11), 25000, 100, seed=25, interval_s=10, sport="ride")
    write(
        "cases/zwift-virtual-ride.fit",
        fit_bytes([zwift], sub_sport="virtual_activity", manufacturer=260, product=0),
        device="Zwift's FIT: manufacturer zwift, sub-sport virtual_activity",
        sport="ride",
        is_virtual=True,
        start_position=False,
        distance_m=zwift.total_distance_m,
        duration_s=zwift.duration_s,
        started_at=zwift.started_at.isoformat(),
        tolerance_m=0.01,
    )
    generic_ride = make_track(
        day + timedelta(days=12), 12000, 250, seed=26, interval_s=10, sport="generic"
    )
    write(
        "cases/generic-with-power-meter.fit",
        fit_bytes([generic_ride], device_types=[120, 11]),
        device="sport generic at running speed, a bike power meter paired",
        sport="ride",
        sport_source="inferred",
        distance_m=generic_ride.total_distance_m,
        duration_s=generic_ride.duration_s,
        started_at=generic_ride.started_at.isoformat(),
        tolerance_m=0.01,
    )
    write(
        "cases/generic-undecided.fit",
        fit_bytes([generic_ride]),
        device="sport generic at running speed, no sensor: declared, but not a sport",
        sport="unknown",
        sport_source="declared",
        distance_m=generic_ride.total_distance_m,
        duration_s=generic_ride.duration_s,
        started_at=generic_ride.started_at.isoformat(),
        tolerance_m=0.01,
    )
    hills = make_track(day + timedelta(days=13), 10000, 330, seed=27, interval_s=5)
    spiky = hills.elevation_m.copy()
    spiky[100::150] = 4200.0  # a barometer glitch every 12.5 minutes
    spikes = dataclasses.replace(hills, elevation_m=spiky)
    write(
        "cases/altitude-spikes-no-session.fit",
        fit_bytes([spikes], with_session=False),
        device="records only, with isolated altitude spikes to 4,200 m",
        sport="unknown",
        sport_source="inferred",
        ascent_max_m=float(np.clip(np.diff(hills.elevation_m), 0, None).sum()) + 1,
        distance_m=hills.total_distance_m,
        duration_s=hills.duration_s,
        started_at=hills.started_at.isoformat(),
        tolerance_m=0.01,
    )


def _sdk_activity(
    track: Track, *, sport: str, sub_sport: str, product: int, pool: bool = False
) -> bytes:
    """A FIT activity written by Garmin's own FIT SDK encoder (garmin-fit-sdk), not ours.

    A pool swim has no positions and 25 m lengths; a run or ride has GPS records each sample.
    """
    from garmin_fit_sdk import Encoder, Profile

    numbers = Profile["mesg_num"]
    start = track.started_at
    end = start + timedelta(seconds=track.duration_s)
    semicircles = 2**31 / 180.0
    encoder = Encoder()
    encoder.write_mesg(
        {
            "mesg_num": numbers["FILE_ID"],
            "type": "activity",
            "manufacturer": "garmin",
            "product": product,
            "serial_number": 1234,
            "time_created": start,
        }
    )
    if sport == "cycling":
        encoder.write_mesg(
            {
                "mesg_num": numbers["DEVICE_INFO"],
                "timestamp": start,
                "device_index": 1,
                "source_type": "antplus",
                "device_type": 11,  # antplus_device_type bike_power
                "manufacturer": "garmin",
            }
        )
    encoder.write_mesg(
        {"mesg_num": numbers["EVENT"], "timestamp": start, "event": "timer", "event_type": "start"}
    )
    distance = 1500.0 if pool else track.total_distance_m
    for i in range(len(track.seconds)):
        record: dict[str, object] = {
            "mesg_num": numbers["RECORD"],
            "timestamp": start + timedelta(seconds=float(track.seconds[i])),
            "heart_rate": int(track.heart_rate_bpm[i]),
            "distance": float(track.distance_m[i]) * distance / track.total_distance_m,
        }
        if not pool:
            record |= {
                "position_lat": round(float(track.lat[i]) * semicircles),
                "position_long": round(float(track.lon[i]) * semicircles),
                "altitude": float(track.elevation_m[i]),
            }
        encoder.write_mesg(record)
    if pool:
        length_s = track.duration_s / 60
        for k in range(60):
            encoder.write_mesg(
                {
                    "mesg_num": numbers["LENGTH"],
                    "timestamp": start + timedelta(seconds=(k + 1) * length_s),
                    "start_time": start + timedelta(seconds=k * length_s),
                    "total_elapsed_time": length_s,
                    "total_timer_time": length_s,
                    "length_type": "active",
                }
            )
    encoder.write_mesg(
        {"mesg_num": numbers["EVENT"], "timestamp": end, "event": "timer", "event_type": "stop_all"}
    )
    totals = {
        "timestamp": end,
        "start_time": start,
        "total_elapsed_time": track.duration_s,
        "total_timer_time": track.duration_s,
        "total_distance": distance,
        "sport": sport,
        "sub_sport": sub_sport,
    }
    encoder.write_mesg({"mesg_num": numbers["LAP"], **totals})
    session = {"mesg_num": numbers["SESSION"], **totals}
    if pool:
        session |= {"pool_length": 25.0, "pool_length_unit": "metric", "num_active_lengths": 60}
    else:
        session |= {
            "start_position_lat": round(float(track.lat[0]) * semicircles),
            "start_position_long": round(float(track.lon[0]) * semicircles),
        }
    encoder.write_mesg(session)
    encoder.write_mesg(
        {
            "mesg_num": numbers["ACTIVITY"],
            "timestamp": end,
            "total_timer_time": track.duration_s,
            "num_sessions": 1,
            "type": "manual",
            "event": "activity",
            "event_type": "stop",
            "local_timestamp": round((end - _FIT_EPOCH).total_seconds()) + 7200,
        }
    )
    return bytes(encoder.close())


_FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)


def garmin_sdk_files(write: Callable[..., None]) -> None:
    """A run, a ride and a pool swim from Garmin's FIT SDK encoder (issue #10)."""
    day = START + timedelta(days=40)
    run = make_track(day, 10000, 300, seed=40, interval_s=5)
    ride = make_track(day + timedelta(days=1), 40000, 100, seed=41, interval_s=10, sport="ride")
    swim = make_track(day + timedelta(days=2), 1500, 1200, seed=42, interval_s=10, sport="swim")
    for name, track, sport, sub_sport, ours, pool in (
        ("run", run, "running", "street", "run", False),
        ("ride", ride, "cycling", "road", "ride", False),
        ("pool-swim", swim, "swimming", "lap_swimming", "swim", True),
    ):
        write(
            f"cases/garmin-sdk-{name}.fit",
            _sdk_activity(track, sport=sport, sub_sport=sub_sport, product=3113, pool=pool),
            device=f"Garmin FIT SDK Encoder: {sport}/{sub_sport}",
            sport=ours,
            sport_source="declared",
            is_device_file=True,
            start_position=not pool,
            distance_m=1500.0 if pool else track.total_distance_m,
            duration_s=track.duration_s,
            started_at=track.started_at.isoformat(),
            utc_offset_s=7200,
            tolerance_m=0.01,
        )


def issue_10_invalid(invalid: Path) -> None:
    """Files refused for what they are (issue #10): a course, a location history. A timer
    longer than the elapsed time is repaired since issue #26 (it lives in cases/)."""
    route = make_track(START, 12000, 330, seed=30, interval_s=10)
    (invalid / "course.tcx").write_bytes(tcx_course_bytes(route))
    history = make_track(START, 60000, 59000, seed=31, interval_s=2400)  # 41 days, sparse
    (invalid / "location-history.gpx").write_bytes(
        gpx_bytes(history, activity_type=None, creator="Location history export")
    )
    run = make_track(START, 5000, 330, seed=32, interval_s=10)
    (invalid.parent / "cases" / "timer-above-elapsed.fit").write_bytes(
        fit_bytes([run], session={"total_timer_time": int(run.duration_s * 1000) * 3})
    )


if __name__ == "__main__":
    main()
