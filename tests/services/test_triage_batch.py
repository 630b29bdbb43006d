"""The squad's rows computed at once, with the rules its screen finds quiet left out, equal the
rows each athlete's own context gives with every rule run (issue #27)."""

from __future__ import annotations

import math
from collections.abc import Collection
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loadwatch.domain import PainLocation
from loadwatch.load.frames import ACTIVITY_COLUMNS, PAIN_COLUMNS, SHOE_COLUMNS
from loadwatch.report import squad_status
from loadwatch.rules.batch import AthleteView, squad_contexts
from loadwatch.rules.batch_pain import pain_window_start
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
from tests.rules.test_batch import AS_OF, NAN, SPORTS, athlete_frame, own_context, squad_frames

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
        alone = own_context(
            (activities, shoes, pain),
            athlete_id,
            as_of,
            view,
            injuries,
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


def cut_pain(pain: pd.DataFrame, first: date, whole: Collection[int]) -> pd.DataFrame:
    """What `db.frames.squad_pain_frame` reads (its specification, row by row): every entry of
    the athletes in `whole`; of the others, the entries from `first` on, each one's entries of
    its first day, and the older entries naming a run that one of their entries from `first`
    on names."""
    owners = pain["athlete_id"].tolist()
    days = pain["entry_date"].tolist()
    runs = [None if r != r or r is None else int(r) for r in pain["activity_id"].tolist()]
    is_cut = [a not in whole for a in owners]
    firsts: dict[int, date] = {}
    for owner, day in zip(owners, days, strict=True):
        firsts[owner] = min(day, firsts.get(owner, day))
    window_runs = {
        r
        for r, day, cut in zip(runs, days, is_cut, strict=True)
        if cut and day >= first and r is not None
    }
    keep = [
        not cut or day >= first or day == firsts[owner] or run in window_runs
        for owner, day, run, cut in zip(owners, days, runs, is_cut, strict=True)
    ]
    return pain.iloc[[i for i, kept in enumerate(keep) if kept]]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(athlete, min_size=1, max_size=5),
    st.integers(-2, 0),
    st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=40, max_size=40),
)
def test_the_squads_rows_from_its_window_of_pain_equal_each_athletes_own(
    squad: list[dict[str, object]], shift: int, runs: list[int | None]
) -> None:
    """The squad reads the pain entries of a window, each athlete's first entries and the
    older entries of the window's runs, every entry for an athlete with an injury period
    (`squad_pain_frame`); its rows equal each athlete's own from the whole history (issue #27).
    Entries reach 40 days back, past the window; some name runs, some the same run twice."""
    as_of = AS_OF + timedelta(days=shift)
    activities, shoes, pain, injuries = squad_frames(squad)
    pain["activity_id"] = [runs[i % len(runs)] for i in range(len(pain))]
    views = {
        i: AthleteView(s["units"], s["week_start"], s["thresholds"])  # type: ignore[arg-type]
        for i, s in enumerate(squad, start=1)
    }
    first = pain_window_start(as_of, (v.thresholds or Thresholds() for v in views.values()))
    whole = {a for a, periods in injuries.items() if periods}
    cut = cut_pain(pain, first, whole)
    pain_from = {a: first for a in views if a not in whole}
    names = {i: f"athlete {i}" for i in views}
    contexts = squad_contexts(activities, shoes, cut, as_of, views, injuries, None, pain_from)
    rows = squad_rows(contexts, names, shoes, cut)
    for athlete_id, view in views.items():
        alone = own_context((activities, shoes, pain), athlete_id, as_of, view, injuries)
        assert repr(rows[athlete_id]) == repr(squad_row(squad_status(names[athlete_id], alone)))
        assert recent_pain_days(contexts[athlete_id]) == recent_pain_days(alone)
        if athlete_id in pain_from:  # a cut history is never judged whole
            with pytest.raises(LookupError, match="whole history"):
                pain_days(contexts[athlete_id].pain, contexts[athlete_id])


def _run(day: int) -> tuple[int, int, int, str, float, float, float, float]:
    return (day, 7, 0, "run", 8_000.0, 170.0, NAN, NAN)


@pytest.mark.parametrize("gap", [10, 21])
def test_each_part_of_the_pain_window_decides_an_alert(gap: int) -> None:
    """Each part of the squad's pain read changes some row when left out: the two calendar
    weeks of mornings (a rising trend), the strength gap (knee days counted), an athlete's
    first entry (the log reaches back past the gap) and an older entry of a recent run (it
    orders that day's entries, so it decides the latest). Weeks start on Thursday: last week
    began 13 days before AS_OF (a Wednesday)."""
    knee = PainLocation.KNEE_FRONT.value
    limits = Thresholds(strength_gap_days=gap)
    base = {"shoes": [], "week_start": 3, "units": DistanceUnit.KM, "injury": None}
    squad = [
        # mornings 0 last week (days -13, -12), 6 this week: rising; knee pain in the whole gap
        {
            **base,
            "activities": [_run(d) for d in range(-40, 1, 3)],
            "pain": [
                (-45, None, None, 1, None),
                (-(gap - 1), None, 1, None, knee),
                (-13, None, None, 0, None),
                (-12, None, None, 0, None),
                (-3, None, 1, None, knee),
                (-2, None, None, 6, None),
                (-1, None, None, 6, None),
            ],
        },
        # runs from 4 days ago only; knee pain 40 and 3 days ago: the pain log reaches back
        # (the entry 30 days ago is not read)
        {
            **base,
            "activities": [_run(-4), _run(-2)],
            "pain": [
                (-40, None, 4, None, knee),
                (-30, 1, 1, None, None),
                (-3, None, 4, None, knee),
            ],
        },
        # run 2 first named 25 days ago; two days ago runs 1 then 2: run 1's entry is latest
        {
            **base,
            "activities": [_run(-25), _run(-2)],
            "pain": [
                (-40, None, None, 1, None),
                (-25, None, 3, None, None),
                (-2, None, 2, None, None),
                (-2, None, 6, None, None),
            ],
        },
    ]
    activities, shoes, pain, _ = squad_frames(squad)
    third = (pain["athlete_id"] == 3).to_numpy()
    pain["activity_id"] = None
    pain.loc[third, "activity_id"] = [None, 2, 1, 2]
    views = {i: AthleteView(DistanceUnit.KM, 3, limits) for i in (1, 2, 3)}
    first = pain_window_start(AS_OF, [limits])
    cut = cut_pain(pain, first, ())
    assert len(cut) == len(pain) - 1
    pain_from = dict.fromkeys(views, first)
    contexts = squad_contexts(activities, shoes, cut, AS_OF, views, None, None, pain_from)
    rows = squad_rows(contexts, {i: f"a{i}" for i in views}, shoes, cut)
    expected = {}
    for athlete_id in views:
        alone = rule_context(
            athlete_frame(activities, athlete_id, ACTIVITY_COLUMNS),
            athlete_frame(shoes, athlete_id, SHOE_COLUMNS),
            athlete_frame(pain, athlete_id, PAIN_COLUMNS),
            AS_OF,
            week_start=3,
            thresholds=limits,
        )
        expected[athlete_id] = squad_row(squad_status(f"a{athlete_id}", alone))
        assert repr(rows[athlete_id]) == repr(expected[athlete_id])
    messages = {a: [x.message for x in row.alerts] for a, row in expected.items()}
    assert any("rising week to week" in m for m in messages[1])
    assert any("Knee pain logged on 2 days" in m for m in messages[1])
    assert any(m.startswith("Knee pain logged") for m in messages[2])
    assert not [a for a in expected[3].alerts if a.rule_id == "pain"]  # run 1's 2/10: green
