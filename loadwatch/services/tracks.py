"""One activity's track (issue #12): its timed points from its stored original file, with pace,
heart rate, cadence and elevation for the Activities page's map and curves (`activity_track`).
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor
from loadwatch.db import repository
from loadwatch.db.models import Athlete, OriginalFile
from loadwatch.domain import Sport
from loadwatch.errors import LoadwatchError
from loadwatch.importers import parse_samples
from loadwatch.importers.samples import TrackSamples
from loadwatch.services._checks import ACTIVITY_HINT, check_id
from loadwatch.services.merge import primary_order
from loadwatch.services.store import record_of

ON_FOOT = frozenset({Sport.RUN, Sport.WALK, Sport.HIKE})


PACE_WINDOW_S = 30.0  # pace over 30 s centred on each point: GPS noise is ~1 m per second


STOPPED_SPEED_M_PER_S = 0.5  # slower than this is standing: no pace is drawn (importers agree)


TRACK_COLUMNS = (
    "elapsed_s",
    "local_time",
    "lat",
    "lon",
    "distance_m",
    "elevation_m",
    "heart_rate_bpm",
    "cadence",
    "pace_s_per_km",
)


def pace_s_per_km(distance_m: float, seconds: float) -> float:
    """Seconds per kilometre; NaN without distance or time."""
    if distance_m <= 0 or seconds <= 0:
        return math.nan
    return seconds / (distance_m / 1000)


@dataclass(frozen=True, slots=True)
class ActivityTrack:
    """One activity's points from its stored original (columns `TRACK_COLUMNS`).

    `cadence` is in `cadence_unit`: steps per minute (spm, both feet) on foot, else rpm.
    `has_positions` is False for an indoor or virtual activity (no outline to draw).
    `note` says why the frame is empty, or which file it was drawn from.
    """

    frame: pd.DataFrame
    cadence_unit: str
    has_positions: bool
    source_file: str | None
    note: str

    @property
    def avg_cadence(self) -> float | None:
        """Mean cadence while moving, in `cadence_unit` (rpm on a ride, issue #24); None
        without cadence samples."""
        if self.frame.empty:
            return None
        moving = self.frame["cadence"][self.frame["cadence"] > 0]
        return float(moving.mean()) if not moving.empty else None


def activity_track(
    engine: Engine, activity_id: int, *, actor: Actor = LOCAL, max_points: int | None = None
) -> ActivityTrack:
    """The points of an activity over time, read from the richest of its stored files (the
    primary source, or the first source with positions when the primary has none).

    Pace is over `PACE_WINDOW_S` around each point (NaN when stopped: slower than 0.5 m/s);
    distance is the file's own cumulative distance, else the length of the GPS track so far.
    A file that cannot be read again gives an empty frame and says why in `note`.
    `max_points` keeps at most that many points, evenly spread over the activity (first and
    last kept), after pace is computed on every point: a one-hour 1 s file is 3,600 points per
    curve, more than a chart can show (issue #27); None keeps them all.

    Raises:
        NotFoundError: unknown activity. NotAllowedError: `actor` may not read it.
    """
    check_id(activity_id, "activity", ACTIVITY_HINT)
    with Session(engine) as session:
        activity = repository.get_activity(session, activity_id)
        auth.require_read(session, actor, activity.athlete_id)
        sport = Sport(activity.sport)
        offset_s = activity.utc_offset_s
        sources = sorted(
            (record_of(*r) for r in repository.sources_of(session, [activity.id])),
            key=primary_order,
        )
        files = {s.sha256: (s.filename, session.get(OriginalFile, s.sha256)) for s in sources}
        athlete = session.get_one(Athlete, activity.athlete_id).name
        contents = {
            sha: (name, zlib.decompress(original.content_zlib) if original else b"")
            for sha, (name, original) in files.items()
        }
    auth.audit(engine, actor, "activity-view", [athlete], is_read=True)
    unit = "spm" if sport in ON_FOOT else "rpm"
    empty = pd.DataFrame(columns=list(TRACK_COLUMNS))
    candidates: list[tuple[str, TrackSamples, float]] = []
    reasons: list[str] = []
    for source in sources:
        name, data = contents[source.sha256]
        try:
            samples = parse_samples(data, name)
        except LoadwatchError as exc:
            reasons.append(str(exc))
            continue
        start = source.started_at.timestamp()
        window = samples.window(start, start + source.duration_s)
        if len(window) >= 2:
            candidates.append((name, window, source.started_at.timestamp()))
    if not candidates:
        why = reasons[0] if reasons else "its files hold a summary only, no points over time"
        return ActivityTrack(empty, unit, False, None, f"No track to draw: {why}")
    located = [c for c in candidates if bool(np.isfinite(c[1].lat).sum() >= 2)]
    name, samples, start_s = (located or candidates)[0]
    frame = _track_frame(samples, start_s, offset_s, 2.0 if sport in ON_FOOT else 1.0)
    if max_points is not None and len(frame) > max_points:
        keep = np.unique(np.linspace(0, len(frame) - 1, max(max_points, 2)).round().astype(int))
        frame = frame.iloc[keep].reset_index(drop=True)
    return ActivityTrack(frame, unit, bool(located), name, f"Drawn from {name}")


def _track_frame(
    samples: TrackSamples, start_s: float, offset_s: int, cadence_factor: float
) -> pd.DataFrame:
    time_s = samples.time_s
    distance = samples.distance_or_track_m()
    filled = pd.Series(distance).ffill().fillna(0.0).to_numpy()
    filled = np.maximum.accumulate(filled)
    low = np.searchsorted(time_s, time_s - PACE_WINDOW_S / 2, side="left")
    high = np.searchsorted(time_s, time_s + PACE_WINDOW_S / 2, side="right") - 1
    dt = time_s[high] - time_s[low]
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(dt > 0, (filled[high] - filled[low]) / dt, np.nan)
        pace = np.where(speed >= STOPPED_SPEED_M_PER_S, 1000.0 / speed, np.nan)
    if not np.isfinite(distance).any():
        pace = np.full(time_s.size, np.nan)
    local = pd.to_datetime(time_s + offset_s, unit="s")
    return pd.DataFrame(
        {
            "elapsed_s": time_s - start_s,
            "local_time": local,
            "lat": samples.lat,
            "lon": samples.lon,
            "distance_m": np.where(np.isfinite(distance), filled, np.nan),
            "elevation_m": samples.elevation_m,
            "heart_rate_bpm": samples.heart_rate_bpm,
            "cadence": samples.cadence_per_min * cadence_factor,
            "pace_s_per_km": pace,
        },
        columns=list(TRACK_COLUMNS),
    )
