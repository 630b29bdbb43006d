"""The squad's rows computed at once, with the rules its screen finds quiet left out, equal the
rows each athlete's own context gives with every rule run (issue #27)."""

from __future__ import annotations

import math
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loadwatch.domain import PainLocation
from loadwatch.load.frames import ACTIVITY_COLUMNS, PAIN_COLUMNS, SHOE_COLUMNS
from loadwatch.report import squad_status
from loadwatch.rules.batch import AthleteView, squad_contexts
from loadwatch.rules.batch_screen import quiet_rules
from loadwatch.rules.context import rule_context
from loadwatch.rules.pain import (
    LOOKBACK_DAYS,
    context_mornings,
    judged_pain_days,
    pain_days,
    recent_pain_days,
)
from loadwatch.rules.thresholds import Thresholds
from loadwatch.services.squads import squad_row, squad_rows
from loadwatch.units import DistanceUnit
from tests.rules.test_batch import AS_OF, NAN, SPORTS, athlete_frame, squad_frames

# A dense recent log (daily runs make monotony and ACWR speak), knee and bone-stress pain in the
# two weeks the pain rule reads, logged strength, one or two pairs: each screen's both sides.
activity = st.tuples(
    st.integers(-60, 1),
    st.integers(0, 23),
    st.sampled_from([-18000, 0, 3600, 46800]),
    st.sampled_from(SPORTS),
    st.one_of(st.just(0.0), st.floats(1, 30_000), st.just(8_000.0)),
    st.one_of(st.just(NAN), st.floats(150, 190)),
    st.one_of(st.just(NAN), st.integers(0, 10).map(float)),
    st.one_of(st.just(NAN), st.integers(0, 1).map(float)),
)
pain_entry = st.tuples(
    st.integers(-40, 1),
    st.one_of(st.none(), st.integers(0, 10)),
    st.one_of(st.none(), st.integers(0, 10)),
    st.one_of(st.none(), st.integers(0, 10)),
    st.sampled_from([None, *(p.value for p in PainLocation)]),
)
athlete = st.fixed_dictionaries(
    {
        "activities": st.lists(activity, max_size=50),
        "shoes": st.lists(
            st.tuples(st.floats(0, 900_000), st.booleans(), st.booleans()), max_size=2
        ),
        "pain": st.lists(pain_entry, max_size=10),
        "week_start": st.integers(0, 6),
        "units": st.sampled_from(list(DistanceUnit)),
        "injury": st.one_of(
            st.none(), st.tuples(st.integers(-90, 0), st.one_of(st.none(), st.integers(1, 60)))
        ),
        "strength": st.lists(st.integers(-40, 0), max_size=4),
        "thresholds": st.sampled_from(
            [
                Thresholds(),
                Thresholds(monotony_info=1.2, acwr_low=1.0, acwr_high=1.05, strength_gap_days=10),
            ]
        ),
    }
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(athlete, min_size=1, max_size=5), st.integers(-2, 0))
def test_the_squads_rows_equal_each_athletes_own(
    squad: list[dict[str, object]], shift: int
) -> None:
    as_of = AS_OF + timedelta(days=shift)
    activities, shoes, pain, injuries = squad_frames(squad)
    views = {
        i: AthleteView(s["units"], s["week_start"], s["thresholds"])  # type: ignore[arg-type]
        for i, s in enumerate(squad, start=1)
    }
    strength: dict[int, tuple[list[date], int | None]] = {
        i: ([AS_OF + timedelta(days=d) for d in s["strength"]], 2)  # type: ignore[attr-defined]
        for i, s in enumerate(squad, start=1)
    }
    names = {i: f"athlete {i}" for i in views}
    contexts = squad_contexts(activities, shoes, pain, as_of, views, injuries, strength)
    rows = squad_rows(contexts, names, shoes, pain)
    for athlete_id, view in views.items():
        alone = rule_context(
            athlete_frame(activities, athlete_id, ACTIVITY_COLUMNS),
            athlete_frame(shoes, athlete_id, SHOE_COLUMNS),
            athlete_frame(pain, athlete_id, PAIN_COLUMNS),
            as_of,
            view.units,
            view.week_start,
            view.thresholds,
            injuries=injuries.get(athlete_id, ()),
            strength_dates=strength[athlete_id][0],
            strength_target_per_week=strength[athlete_id][1],
        )
        expected = squad_row(squad_status(names[athlete_id], alone))
        # repr: the same text and the same floats to the last digit (NaN included)
        assert repr(rows[athlete_id]) == repr(expected)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(athlete, min_size=1, max_size=4))
def test_the_screen_names_only_rules_that_say_nothing(squad: list[dict[str, object]]) -> None:
    activities, shoes, pain, injuries = squad_frames(squad)
    views = {
        i: AthleteView(s["units"], s["week_start"], s["thresholds"])  # type: ignore[arg-type]
        for i, s in enumerate(squad, start=1)
    }
    contexts = squad_contexts(activities, shoes, pain, AS_OF, views, injuries)
    quiet = quiet_rules(contexts, shoes, pain)
    for athlete_id, ctx in contexts.items():
        alerts = squad_status("a", ctx).alerts
        assert not [a for a in alerts if a.rule_id in quiet[athlete_id]]


def test_the_screen_skips_rules_on_a_quiet_log() -> None:
    """An athlete with a steady log and one pair: the rules that cannot speak are skipped
    (so the screen saves work and is not vacuous)."""
    spec = {
        "activities": [(d, 7, 0, "run", 8_000.0, 170.0, NAN, 0.0) for d in range(-59, 1)],
        "shoes": [(0.0, False, True), (0.0, False, False)],
        "pain": [],
        "week_start": 0,
        "units": DistanceUnit.KM,
        "injury": None,
    }
    activities, shoes, pain, _ = squad_frames([spec])
    contexts = squad_contexts(activities, shoes, pain, AS_OF, {1: AthleteView()})
    assert quiet_rules(contexts, shoes, pain)[1] == {
        "pain",
        "strength",
        "shoe-rotation",
        "acwr",
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(athlete, min_size=1, max_size=4),
    st.integers(-2, 0),
    st.lists(st.one_of(st.none(), st.integers(1, 3)), min_size=40, max_size=40),
)
def test_the_squads_pain_days_are_each_athletes_own(
    squad: list[dict[str, object]], shift: int, runs: list[int | None]
) -> None:
    """Judged once for the squad (issue #27), the pain days equal `judged_pain_days` of each
    athlete's own entries, in the same order (entries naming a run: the latest per run); so do
    the last week's days, judged apart, and the morning scores."""
    as_of = AS_OF + timedelta(days=shift)
    activities, shoes, pain, injuries = squad_frames(squad)
    pain["activity_id"] = [runs[i % len(runs)] for i in range(len(pain))]
    views = {
        i: AthleteView(s["units"], s["week_start"], s["thresholds"])  # type: ignore[arg-type]
        for i, s in enumerate(squad, start=1)
    }
    contexts = squad_contexts(activities, shoes, pain, as_of, views, injuries)
    for athlete_id, ctx in contexts.items():
        own = athlete_frame(pain, athlete_id, PAIN_COLUMNS)
        own = own[own["entry_date"] <= as_of]
        assert pain_days(ctx.pain, ctx) == judged_pain_days(own, ctx)
        # the recent ones, judged apart (the rest of the history still orders a day's entries)
        since = as_of - timedelta(days=LOOKBACK_DAYS)
        recent = [d for d in judged_pain_days(own, ctx) if d.entry_date > since]
        assert recent_pain_days(ctx) == recent
        assert context_mornings(ctx) == {
            d: float(m)
            for d, m in zip(own["entry_date"], own["morning"], strict=True)
            if not math.isnan(m)
        }


def test_a_runs_older_entry_still_orders_the_recent_days() -> None:
    """Two entries on one recent day, for runs 1 and 2, and an older entry for run 2: run 2
    was seen first, so its entry comes first that day and run 1's is the latest (as
    `judged_pain_days` orders them), though the older entry is outside the recent days."""
    spec = {
        "activities": [],
        "shoes": [],
        "pain": [(-20, None, 3, None, None), (-2, None, 2, None, None), (-2, None, 6, None, None)],
        "week_start": 0,
        "units": DistanceUnit.KM,
        "injury": None,
    }
    activities, shoes, pain, _ = squad_frames([spec])
    pain["activity_id"] = [2, 1, 2]
    ctx = squad_contexts(activities, shoes, pain, AS_OF, {1: AthleteView()})[1]
    recent = recent_pain_days(ctx)
    assert [(d.activity_id, d.score) for d in recent] == [(2, 6), (1, 2)]
    assert recent == pain_days(ctx.pain, ctx)[-2:]
