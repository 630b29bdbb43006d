"""The squad reads a window of pain entries, not every entry ever (issue #27): the database's
answer is the window's specification (`cut_pain`), and the squad's rows from it equal each
athlete's own rows from the whole history, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from loadwatch import services
from loadwatch.db import repository
from loadwatch.db.engine import writer
from loadwatch.db.models import Activity, Athlete, PainEntry
from loadwatch.domain import PAIN_LOCATIONS
from loadwatch.report import squad_status
from loadwatch.rules.batch_pain import pain_window_start
from loadwatch.rules.thresholds import Thresholds
from loadwatch.services.athletes import athlete_context
from loadwatch.services.squads import squad_row
from tests.services.conftest import TODAY, import_runs
from tests.services.test_triage_batch import cut_pain

NAMES = ("ana", "bo", "cy", "di")


def _seed(engine: Engine, seed: int) -> None:
    """Runs every other day of March for each athlete, an injury for "cy", and pain entries
    from February on: post-run scores, mornings, some naming a run (some the same run twice,
    one naming another athlete's run)."""
    for name in NAMES:
        import_runs(engine, [8, 9, 10, 8, 11, 9, 12, 8, 10], athlete=name)
    services.add_injury(
        engine, "cy", start=date(2026, 3, 4), end=date(2026, 3, 9), location="shin", today=TODAY
    )
    rng = np.random.default_rng(seed)
    with Session(writer(engine)) as session, session.begin():
        runs = {
            athlete: [
                a
                for (a,) in session.execute(
                    select(Activity.id).where(Activity.athlete_id == athlete)
                )
            ]
            for (athlete,) in session.execute(select(Athlete.id))
        }
        everyone = [r for ids in runs.values() for r in ids]
        for athlete, own in runs.items():
            for _ in range(int(rng.integers(0, 25))):
                day = date(2026, 2, 1) + timedelta(days=int(rng.integers(0, 48)))
                is_morning = rng.random() < 0.3
                pick = rng.random()
                run = (
                    None
                    if pick < 0.4 or not own
                    else int(rng.choice(everyone))
                    if pick > 0.95
                    else int(rng.choice(own))
                )
                session.add(
                    PainEntry(
                        athlete_id=athlete,
                        activity_id=None if is_morning else run,
                        entry_date=day,
                        during=None if is_morning else int(rng.integers(0, 11)),
                        after=None if is_morning else int(rng.integers(0, 11)),
                        morning=int(rng.integers(0, 8)) if is_morning else None,
                        location=None if is_morning else str(rng.choice(PAIN_LOCATIONS)),
                        created_at=datetime.now(UTC),
                    )
                )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_squads_pain_read_is_its_window_and_its_rows_each_athletes_own(
    engine: Engine, seed: int
) -> None:
    _seed(engine, seed)
    for as_of in (date(2026, 3, 20), date(2026, 3, 11)):
        with Session(engine) as session:
            athletes = list(repository.athletes(session))
            ids = [a.id for a in athletes]
            first = pain_window_start(as_of, [Thresholds()])
            whole = {a.id for a in athletes if a.name == "cy"}
            read = repository.squad_pain_frame(session, ids, first, whole)
            everything = repository.pain_frame_for_all(session, ids)
            expected = {a.name: athlete_context(session, a, as_of) for a in athletes}
        spec = cut_pain(everything, first, whole).reset_index(drop=True)
        assert len(spec) < len(everything)  # the window leaves entries out
        pd.testing.assert_frame_equal(read, spec, check_exact=True)
        rows = services.squad_overview(engine, as_of, today=TODAY)
        assert {r.athlete for r in rows} == set(NAMES)
        for row in rows:
            assert repr(row) == repr(squad_row(squad_status(row.athlete, expected[row.athlete])))


def test_the_squads_activity_columns_are_the_orms(engine: Engine) -> None:
    """The squad's read of activities (driver rows, NumPy's parse of SQLite's start texts)
    gives each activity's stored values, as the ORM reads them (issue #27)."""
    _seed(engine, 4)
    with Session(engine) as session:
        ids = [a.id for a in repository.athletes(session)]
        frame = repository.activities_frame_for_all(session, ids, None)
        orm = session.scalars(
            select(Activity).order_by(Activity.athlete_id, Activity.started_at, Activity.id)
        ).all()
    assert str(frame["started_at"].dtype) == "datetime64[ns, UTC]"
    assert frame["athlete_id"].dtype == "int64" and frame["activity_id"].dtype == "int64"
    assert len(frame) == len(orm) > 0
    for row, activity in zip(frame.itertuples(index=False), orm, strict=True):
        assert (row.athlete_id, row.activity_id, row.sport) == (
            activity.athlete_id,
            activity.id,
            activity.sport,
        )
        assert row.started_at.to_pydatetime() == activity.started_at
        assert row.distance_m == activity.distance_m
        assert row.moving_s == activity.moving_s
