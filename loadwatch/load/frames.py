"""Column names of the frames passed between load/, rules/ and services, and `require_columns`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from loadwatch.errors import FrameSchemaError

if TYPE_CHECKING:  # annotations only: the column names are imported where pandas is not
    import pandas as pd

# activities (one row per activity, from repository.activities_frame)
ACTIVITY_ID = "activity_id"
SPORT = "sport"
STARTED_AT = "started_at"  # UTC-aware pandas Timestamp
UTC_OFFSET_S = "utc_offset_s"
DISTANCE_M = "distance_m"
DURATION_S = "duration_s"
MOVING_S = "moving_s"
DESCENT_M = "descent_m"
AVG_CADENCE_SPM = "avg_cadence_spm"
EFFORT_RPE = "effort_rpe"
SHOE_ID = "shoe_id"
ACTIVITY_COLUMNS = (
    ACTIVITY_ID,
    SPORT,
    STARTED_AT,
    UTC_OFFSET_S,
    DISTANCE_M,
    DURATION_S,
    MOVING_S,
    DESCENT_M,
    AVG_CADENCE_SPM,
    EFFORT_RPE,
    SHOE_ID,
)

# shoes (one row per pair) and pain entries, as the repository returns them
SHOE_COLUMNS = (
    "shoe_id",
    "name",
    "starting_distance_m",
    "window_start_m",
    "window_end_m",
    "retired",
    "is_default",
)
PAIN_COLUMNS = ("entry_date", "during", "after", "morning", "location", "activity_id")

# derived
LOCAL_DATE = "local_date"  # datetime.date
WEEK_START = "week_start"  # datetime.date of the week's first day
RUN_DISTANCE_M = "run_distance_m"
RUN_COUNT = "runs"
GROWTH_RATIO = "growth_ratio"
LOAD = "load"  # session-RPE units (effort 0-10 x minutes)
PREVIOUS_MAX_M = "previous_max_m"
SPIKE_RATIO = "spike_ratio"


def require_columns(frame: pd.DataFrame, columns: Iterable[str]) -> None:
    """Raise FrameSchemaError (a programming bug) when `frame` lacks any of `columns`."""
    missing = sorted(set(columns) - set(frame.columns))
    if missing:
        raise FrameSchemaError(f"frame is missing columns {missing}; it has {list(frame.columns)}")


# Column conversions the database layer uses (issue #27: it may import pandas, not NumPy).
def int64_column(values: Sequence[int]) -> pd.Series:
    """A column of ids (never NULL) as int64, without pandas inferring it from objects."""
    import numpy as np
    import pandas as pd

    return pd.Series(np.fromiter(values, dtype=np.int64, count=len(values)))


def utc_starts_column(texts: Sequence[str]) -> pd.Series:
    """SQLite's UTC start texts ("2026-03-01 07:00:00.000000") as UTC datetimes: NumPy's
    parser, four times pandas' for this one layout; any other text goes to pandas' ISO 8601."""
    import numpy as np
    import pandas as pd

    try:
        parsed = np.array(texts, dtype="datetime64[ns]")
    except ValueError:
        return pd.to_datetime(pd.Series(texts, dtype=object), format="ISO8601").dt.tz_localize(
            "UTC"
        )
    return pd.Series(parsed).dt.tz_localize("UTC")
