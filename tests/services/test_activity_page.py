"""One page of the activity log (issue #27): the rows, totals and filters read in SQL equal
the whole table's, sliced and summed, on a log longer than a page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from loadwatch import services
from loadwatch.db.models import Activity, Athlete, PainEntry
from loadwatch.errors import InputError
from loadwatch.synth import fit_bytes, make_track

TODAY = date(2026, 4, 20)
EXTRA = 129  # with the imported run: 130 activities, three pages of 50


def _long_log(engine: Engine) -> None:
    """One imported run, then 129 more rows over a year at random hours and local offsets
    (-12 h to +14 h, so many start on another UTC day than their local one), a few linked
    pain entries."""
    track = make_track(datetime(2026, 4, 19, 7, tzinfo=UTC), 8000, 330, seed=1, interval_s=30)
    services.import_uploads(engine, [("a.fit", fit_bytes([track]))], athlete="ana", today=TODAY)
    rng = np.random.default_rng(27)
    with Session(engine) as session, session.begin():
        athlete = session.scalars(select(Athlete).where(Athlete.name == "ana")).one()
        sha = session.scalars(select(Activity.source_sha256)).one()
        rows = []
        for i in range(EXTRA):
            started = datetime(2025, 4, 1, tzinfo=UTC) + timedelta(
                minutes=int(rng.integers(0, 365 * 24 * 60))
            )
            km = float(rng.uniform(3, 30))
            rows.append(
                {
                    "athlete_id": athlete.id,
                    "sport": str(rng.choice(["run", "ride", "walk"])),
                    "name": f"row {i}",
                    "started_at": started,
                    "utc_offset_s": int(rng.integers(-12, 15)) * 3600,
                    "duration_s": km * 340,
                    "moving_s": km * 330,
                    "distance_m": km * 1000,
                    "source_format": "fit",
                    "source_file": "a.fit",
                    "source_sha256": sha,
                    "session_index": i + 1,
                    "imported_at": started,
                }
            )
        session.execute(insert(Activity), rows)
        ids = session.scalars(select(Activity.id).where(Activity.name.like("row %"))).all()
        session.execute(
            insert(PainEntry),
            [
                {
                    "athlete_id": athlete.id,
                    "entry_date": date(2025, 6, 1),
                    "during": 2,
                    "after": 3 + n,
                    "activity_id": activity_id,
                    "created_at": datetime(2025, 6, 1, tzinfo=UTC),
                }
                for n, activity_id in enumerate(ids[:5])
            ],
        )


def _expected(
    table: pd.DataFrame, sports: tuple[str, ...], first: date | None, last: date | None
) -> pd.DataFrame:
    days = table["local_start"].dt.date
    keep = pd.Series(True, index=table.index)
    if sports:
        keep &= table["sport"].isin(sports)
    if first is not None:
        keep &= days >= first
    if last is not None:
        keep &= days <= last
    return table[keep].reset_index(drop=True)


FILTERS = [
    ((), None, None),
    (("run",), None, None),
    (("ride", "walk"), None, None),
    ((), date(2025, 9, 1), date(2026, 1, 31)),
    (("run",), date(2025, 7, 15), None),
    ((), None, date(2025, 8, 1)),
]


@pytest.mark.parametrize(("sports", "first", "last"), FILTERS)
def test_every_page_is_the_whole_tables_slice_and_the_totals_its_sums(
    engine: Engine, sports: tuple[str, ...], first: date | None, last: date | None
) -> None:
    _long_log(engine)
    table = services.activity_table(engine, "ana")
    assert len(table) == EXTRA + 1
    wanted = _expected(table, sports, first, last)
    assert len(wanted) > 20  # each filter keeps enough to page through
    per_page = 20 if len(wanted) <= 50 else 50
    pages = -(-len(wanted) // per_page)
    for page in range(1, pages + 1):
        got = services.activity_page(
            engine, "ana", page, per_page=per_page, sports=sports, first=first, last=last
        )
        assert (got.page, got.pages, got.count) == (page, pages, len(wanted))
        part = wanted.iloc[(page - 1) * per_page : page * per_page].reset_index(drop=True)
        pd.testing.assert_frame_equal(got.frame, part)
        assert got.distance_m == pytest.approx(wanted["distance_m"].sum())
        assert got.moving_s == pytest.approx(wanted["moving_s"].sum())
        assert got.log_count == EXTRA + 1
        assert got.sports == tuple(sorted(set(table["sport"])))
        assert (got.first_day, got.last_day) == (
            min(table["local_start"]).date(),
            max(table["local_start"]).date(),
        )


def test_page_one_is_the_newest_and_a_later_page_carries_on(engine: Engine) -> None:
    _long_log(engine)
    table = services.activity_table(engine, "ana")
    first = services.activity_page(engine, "ana")
    third = services.activity_page(engine, "ana", 3)
    assert len(first.frame) == 50 and len(third.frame) == EXTRA + 1 - 100
    assert not first.frame["name"].iloc[0].startswith("row ")  # the imported run: newest
    assert list(first.frame["activity_id"]) == list(table["activity_id"][:50])
    assert list(third.frame["activity_id"]) == list(table["activity_id"][100:])
    assert first.frame["pain_max"].notna().sum() + third.frame["pain_max"].notna().sum() <= 5
    assert services.activity_page(engine, "ana", 99).page == 3  # past the last: the last
    assert services.activity_page(engine, "ana", 0).page == 1


def test_containing_opens_the_page_that_holds_the_activity(engine: Engine) -> None:
    _long_log(engine)
    table = services.activity_table(engine, "ana")
    for row in (0, 49, 50, 77, EXTRA):
        activity_id = int(table["activity_id"][row])
        got = services.activity_page(engine, "ana", containing=activity_id)
        assert got.page == row // 50 + 1
        assert activity_id in set(got.frame["activity_id"])
    ride = int(table[table["sport"] == "ride"]["activity_id"].iloc[-1])
    run_only = services.activity_page(
        engine, "ana", 2, per_page=10, sports=("run",), containing=ride
    )
    assert run_only.page == 2  # left out by the filter: the page asked for


def test_an_empty_log_and_a_bad_page_size(engine: Engine) -> None:
    track = make_track(datetime(2026, 4, 19, 7, tzinfo=UTC), 8000, 330, seed=1, interval_s=30)
    services.import_uploads(engine, [("a.fit", fit_bytes([track]))], athlete="ana", today=TODAY)
    none = services.activity_page(engine, "ana", sports=("swim",))
    assert (none.count, none.pages, none.page, len(none.frame), none.log_count) == (0, 1, 1, 0, 1)
    assert none.distance_m == 0.0
    with pytest.raises(InputError, match="rows per page"):
        services.activity_page(engine, "ana", per_page=0)
