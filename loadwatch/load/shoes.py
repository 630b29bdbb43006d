"""Shoe mileage: a sum over the runs in each pair plus its starting distance (RULES.md R4)."""

from __future__ import annotations

import pandas as pd

from loadwatch.load.frames import DISTANCE_M, SHOE_ID, require_columns

SHOE_COLUMNS = (
    "shoe_id",
    "name",
    "starting_distance_m",
    "window_start_m",
    "window_end_m",
    "retired",
)


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
    require_columns(shoes, set(SHOE_COLUMNS))
    per_shoe = runs.dropna(subset=[SHOE_ID]).groupby(SHOE_ID)[DISTANCE_M].agg(["sum", "size"])
    frame = shoes.copy()
    frame["run_distance_m"] = frame["shoe_id"].map(per_shoe["sum"]).fillna(0.0).astype("float64")
    frame["runs"] = frame["shoe_id"].map(per_shoe["size"]).fillna(0).astype("int64")
    frame[DISTANCE_M] = frame["starting_distance_m"] + frame["run_distance_m"]
    return frame
