"""Athlete settings through the services on a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from loadwatch import services
from loadwatch.errors import InputError
from loadwatch.report import report_json
from tests.services.conftest import TODAY, import_runs


def test_settings_change_units_week_start_thresholds_and_refuse_nonsense(engine: Engine) -> None:
    import_runs(engine, [8])
    result = services.update_settings(
        engine, "ana", units="mi", week_start="sunday", thresholds={"weekly_growth_ratio": 0.15}
    )
    assert (result.units.value, result.week_start, result.thresholds.weekly_growth_ratio) == (
        "mi",
        6,
        0.15,
    )
    assert report_json(services.report(engine, "ana", TODAY, today=TODAY))["week_start"] == "sunday"
    for kwargs, match in [
        ({"units": "furlongs"}, "units must be"),
        ({"week_start": "someday"}, "weekday"),
        ({"thresholds": {"nope": 1.0}}, "unknown threshold"),
        ({"thresholds": {"low_base_m": -3}}, "positive number"),
        ({"home_tz": "Mars/Olympus"}, "unknown time zone"),
    ]:
        with pytest.raises(InputError, match=match):
            services.update_settings(engine, "ana", **kwargs)
    assert services.athlete_settings(engine, "ana").units.value == "mi"  # unchanged by the failures
