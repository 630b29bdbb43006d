"""Seeded synthetic activity files (FIT, GPX, TCX) for demo data, test data and benchmarks.

The FIT writer (`_fit.py`) is a minimal encoder of the FIT protocol (definition + data messages,
file CRC) covering the messages loadwatch reads; every file it writes is read back by fitparse in
the tests. Tracks (`_track.py`) are a loop around a start point at a steady pace with gentle noise,
so distance, duration and elevation are known in advance. GPX and TCX are written here.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

import numpy as np

from loadwatch.synth._fit import FitWriter as FitWriter
from loadwatch.synth._fit import fit_bytes as fit_bytes
from loadwatch.synth._track import Track as Track
from loadwatch.synth._track import make_track as make_track


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def gpx_bytes(
    track: Track | Sequence[Track],
    *,
    activity_type: str | None = "running",
    name: str = "Run",
    creator: str = "loadwatch synth",
) -> bytes:
    """A GPX 1.1 file, one <trk> per track, with elevation, time and Garmin heart rate."""
    tracks = [track] if isinstance(track, Track) else list(track)
    out = io.StringIO()
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(
        f'<gpx version="1.1" creator="{escape(creator)}" '
        'xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
        f"<metadata><time>{_iso(tracks[0].started_at)}</time></metadata>\n"
    )
    for one in tracks:
        out.write(f"<trk><name>{escape(name)}</name>")
        if activity_type:
            out.write(f"<type>{escape(activity_type)}</type>")
        out.write("\n<trkseg>\n")
        for i in range(len(one.seconds)):
            moment = one.started_at + timedelta(seconds=float(one.seconds[i]))
            out.write(
                f'<trkpt lat="{one.lat[i]:.7f}" lon="{one.lon[i]:.7f}">'
                f"<ele>{one.elevation_m[i]:.1f}</ele>"
                f"<time>{_iso(moment)}</time><extensions><gpxtpx:TrackPointExtension>"
                f"<gpxtpx:hr>{int(one.heart_rate_bpm[i])}</gpxtpx:hr>"
                "</gpxtpx:TrackPointExtension></extensions></trkpt>\n"
            )
        out.write("</trkseg>\n</trk>\n")
    out.write("</gpx>\n")
    return out.getvalue().encode()


_TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"


def _tcx_trackpoints(track: Track, indices: range, *, positions: bool) -> str:
    out = io.StringIO()
    for i in indices:
        moment = track.started_at + timedelta(seconds=float(track.seconds[i]))
        position = (
            f"<Position><LatitudeDegrees>{track.lat[i]:.7f}</LatitudeDegrees>"
            f"<LongitudeDegrees>{track.lon[i]:.7f}</LongitudeDegrees></Position>"
            if positions
            else ""
        )
        altitude = (
            f"<AltitudeMeters>{track.elevation_m[i]:.1f}</AltitudeMeters>" if positions else ""
        )
        out.write(
            f"<Trackpoint><Time>{_iso(moment)}</Time>{position}{altitude}"
            f"<DistanceMeters>{track.distance_m[i]:.2f}</DistanceMeters>"
            f"<HeartRateBpm><Value>{int(track.heart_rate_bpm[i])}</Value></HeartRateBpm></Trackpoint>\n"
        )
    return out.getvalue()


def _tcx_activity(
    track: Track,
    *,
    sport: str | None,
    positions: bool = True,
    lap_m: float | None = None,
    lap_start: datetime | None = None,
) -> str:
    """One <Activity>: a single lap, or laps of exactly `lap_m` metres (pool lengths)."""
    name = sport or {"run": "Running", "ride": "Biking"}.get(track.sport, "Other")
    out = io.StringIO()
    out.write(f'<Activity Sport="{name}"><Id>{_iso(track.started_at)}</Id>\n')
    n = len(track.seconds)
    if lap_m is None:
        laps = [(range(n), track.duration_s, track.total_distance_m)]
    else:
        count = max(round(track.total_distance_m / lap_m), 1)
        bounds = [round(k * (n - 1) / count) for k in range(count + 1)]
        laps = [
            (
                range(bounds[k], bounds[k + 1] + (1 if k == count - 1 else 0)),
                float(track.seconds[bounds[k + 1]] - track.seconds[bounds[k]]),
                lap_m,
            )
            for k in range(count)
        ]
    for k, (indices, seconds, metres) in enumerate(laps):
        start = track.started_at + timedelta(seconds=float(track.seconds[indices[0]]))
        if k == 0 and lap_start is not None:
            start = lap_start
        out.write(
            f'<Lap StartTime="{_iso(start)}">'
            f"<TotalTimeSeconds>{seconds:.1f}</TotalTimeSeconds>"
            f"<DistanceMeters>{metres:.2f}</DistanceMeters>"
            f"<AverageHeartRateBpm><Value>{int(np.mean(track.heart_rate_bpm))}</Value>"
            "</AverageHeartRateBpm><Intensity>Active</Intensity>"
            "<TriggerMethod>Manual</TriggerMethod><Track>\n"
            f"{_tcx_trackpoints(track, indices, positions=positions)}</Track></Lap>\n"
        )
    out.write("<Creator><Name>loadwatch synth</Name></Creator></Activity>")
    return out.getvalue()


def tcx_bytes(
    track: Track,
    *,
    sport: str | None = None,
    positions: bool = True,
    lap_m: float | None = None,
    lap_start: datetime | None = None,
) -> bytes:
    """A TCX activity with per-sample trackpoints.

    `sport` overrides the Sport attribute (default from the track: Running, Biking, Other);
    `positions=False` writes no position or altitude (a pool or a treadmill); `lap_m` splits
    into laps of exactly that many metres; `lap_start` sets the first lap's StartTime (another
    clock than the trackpoints').
    """
    body = _tcx_activity(track, sport=sport, positions=positions, lap_m=lap_m, lap_start=lap_start)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<TrainingCenterDatabase xmlns="{_TCX_NS}">\n<Activities>{body}</Activities>\n'
        "</TrainingCenterDatabase>\n"
    ).encode()


def tcx_multisport_bytes(legs: Sequence[Track]) -> bytes:
    """A TCX <MultiSportSession>: FirstSport, then a Transition and an Activity per next leg."""
    out = io.StringIO()
    out.write(f"<MultiSportSession><Id>{_iso(legs[0].started_at)}</Id>\n")
    out.write(f"<FirstSport>{_tcx_activity(legs[0], sport=None)}</FirstSport>\n")
    for previous, leg in itertools.pairwise(legs):
        gap_start = previous.started_at + timedelta(seconds=previous.duration_s)
        gap_s = (leg.started_at - gap_start).total_seconds()
        out.write(
            f'<NextSport><Transition StartTime="{_iso(gap_start)}">'
            f"<TotalTimeSeconds>{gap_s:.1f}</TotalTimeSeconds><DistanceMeters>0</DistanceMeters>"
            "<Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod></Transition>"
            f"{_tcx_activity(leg, sport=None)}</NextSport>\n"
        )
    out.write("</MultiSportSession>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<TrainingCenterDatabase xmlns="{_TCX_NS}">\n<Activities>{out.getvalue()}'
        "</Activities>\n</TrainingCenterDatabase>\n"
    ).encode()


def tcx_course_bytes(track: Track, name: str = "Planned loop") -> bytes:
    """A TCX <Courses> file: a planned route (what Garmin Connect exports for a course)."""
    points = _tcx_trackpoints(track, range(len(track.seconds)), positions=True)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<TrainingCenterDatabase xmlns="{_TCX_NS}">\n<Courses><Course><Name>{escape(name)}'
        f"</Name><Lap><TotalTimeSeconds>{track.duration_s:.1f}</TotalTimeSeconds>"
        f"<DistanceMeters>{track.total_distance_m:.2f}</DistanceMeters>"
        "<Intensity>Active</Intensity></Lap>"
        f"<Track>\n{points}</Track></Course></Courses>\n</TrainingCenterDatabase>\n"
    ).encode()
