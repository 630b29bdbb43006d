"""Shoe mileage: a sum over the runs in each pair plus its starting distance (RULES.md R4)."""

from __future__ import annotations

import math

import pandas as pd

from loadwatch.load.frames import DISTANCE_M, SHOE_COLUMNS, SHOE_ID, require_columns


def shoe_mileage(runs: pd.DataFrame, shoes: pd.DataFrame) -> pd.DataFrame:
    """Distance per pair (metres): starting distance plus every run assigned to it.

    Args:
        runs: needs `shoe_id` and `distance_m` (runs only; other sports are not on shoes).
        shoes: one row per pair with SHOE_COLUMNS.

    Returns:
        `shoes` with `run_distance_m`, `runs` and `distance_m` (= start + runs) added, in
        input order. No shoes: an empty frame with those columns.
    """
    require_columns(runs, {SHOE_ID, DISTANCE_M})
    require_columns(shoes, set(SHOE_COLUMNS) - {"is_default"})
    distances: dict[int, list[float]] = {}
    for shoe_id, distance in zip(runs[SHOE_ID], runs[DISTANCE_M], strict=True):
        if shoe_id == shoe_id and shoe_id is not None:  # NaN != NaN: runs on no pair
            distances.setdefault(int(shoe_id), []).append(float(distance))
    # math.fsum: the exactly rounded sum, whatever the runs' order (the squad reads them in
    # another order than one athlete's view: the same metres to the last digit, issue #27)
    sums = {key: math.fsum(values) for key, values in distances.items()}
    counts = {key: len(values) for key, values in distances.items()}
    frame = shoes.copy()
    frame["run_distance_m"] = pd.Series(
        [sums.get(int(i), 0.0) for i in frame["shoe_id"]], dtype="float64"
    )
    frame["runs"] = pd.Series([counts.get(int(i), 0) for i in frame["shoe_id"]], dtype="int64")
    frame[DISTANCE_M] = frame["starting_distance_m"] + frame["run_distance_m"]
    return frame


OK, WINDOW, CAUTION, REPLACE, RETIRED = "ok", "window", "caution", "replace", "retired"


def shoe_status(
    retired: bool, distance_m: float, window_start_m: float, window_end_m: float
) -> str:
    """ok | window | caution | replace | retired, from distance and the pair's own window.

    Default window 300-500 mi: >= 300 entering the window, >= 400 (its midpoint) caution,
    >= 500 replace. A convention from podiatry and coaching advice, not a trial result.
    """
    if retired:
        return RETIRED
    distance, start, end = distance_m, window_start_m, window_end_m
    if distance >= end:
        return REPLACE
    if distance >= (start + end) / 2:
        return CAUTION
    if distance >= start:
        return WINDOW
    return OK
