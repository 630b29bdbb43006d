"""The squad table (issue #11, #27): each athlete's row, riskiest first (`squad_overview`,
`squad_rows`), from the squad's rule contexts built at once (`rules.batch`), cached per data
version and day. Who is in a squad: services/membership.py.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadwatch import auth
from loadwatch.auth import LOCAL, Actor
from loadwatch.db import repository
from loadwatch.db.injuries import injury_periods_for
from loadwatch.db.strength import strength_inputs_for
from loadwatch.domain import SEVERITY_RANK, Alert
from loadwatch.report import SquadStatus
from loadwatch.rules import evaluate
from loadwatch.rules.batch import AthleteView, squad_contexts
from loadwatch.rules.batch_pain import pain_window_start
from loadwatch.rules.batch_screen import quiet_rules
from loadwatch.rules.context import RuleContext, spike_columns
from loadwatch.rules.injury import injury_state
from loadwatch.rules.injury_sites import site_name
from loadwatch.rules.mileage import week_to_date
from loadwatch.rules.pain import PainStatus, pain_status
from loadwatch.rules.shoes import shoe_lists
from loadwatch.services._checks import check_day, coach_name
from loadwatch.services._common import collector_paused
from loadwatch.services._common import today as local_today
from loadwatch.services.athletes import settings_view
from loadwatch.units import DistanceUnit

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, slots=True)
class SquadRow:
    """One athlete on the coach's squad table; `risk` sorts the table (higher first)."""

    athlete: str
    this_week_m: float
    last_week_to_date_m: float  # last week up to the same weekday (R2: like with like)
    growth_ratio: float | None  # this week to date against last_week_to_date_m
    largest_spike_ratio: float | None
    pain_zone: str | None
    shoe_status: str | None
    flags: tuple[str, ...]
    top_severity: str | None
    risk: int
    last_run_date: date | None
    # Every alert, most severe first, its message in the view's units (issue #12: the squad
    # page's "why" is the top alert's message, not a rule id).
    alerts: tuple[Alert, ...] = ()
    # Issue #14: an ongoing injury period (its days so far and site), or the return ladder's step.
    injured_days: int | None = None
    injury_site: str | None = None
    return_step: tuple[int, int] | None = None  # (step, of steps) while returning


def squad_overview(
    engine: Engine,
    as_of: date | None = None,
    athletes: Sequence[str] | None = None,
    today: date | None = None,
    coach: str | None = None,
    *,
    actor: Actor = LOCAL,
    units: DistanceUnit | None = None,
) -> list[SquadRow]:
    """Every athlete's week at a glance, riskiest first (pain red > warnings > cautions).

    Alert messages use `units` when given (the coach's), else each athlete's own.

    Only the athletes `actor` may read are in it (a coach: the squads they coach; a runner:
    themselves). Uses only the last 120 days of each log, loaded in one query: cost grows with
    the squad, not with years of history.
    """
    from loadwatch.report import recent_history_start

    today = today or local_today()
    as_of = as_of or today
    check_day(as_of, today, "as-of date")
    coach = coach_name(coach) if coach else None
    since = datetime.combine(recent_history_start(as_of), time(), tzinfo=UTC)
    # the collector resumes once `_overview`'s frames and contexts are freed (see there: ~15 %
    # of the view's CPU)
    with collector_paused():
        return _overview(engine, as_of, athletes, coach, actor, units, since)


def _overview(
    engine: Engine,
    as_of: date,
    athletes: Sequence[str] | None,
    coach: str | None,
    actor: Actor,
    units: DistanceUnit | None,
    since: datetime,
) -> list[SquadRow]:
    """`squad_overview` once its arguments are checked."""
    with Session(engine) as session:
        version = repository.data_version(session)  # first: the data read below is as new
        members = (
            repository.squad_athlete_ids(session, repository.get_coach(session, coach).id)
            if coach
            else None
        )
        readable = auth.readable_athlete_ids(session, actor)
        rows = [
            a
            for a in repository.athletes(session)
            if (athletes is None or a.name in athletes)
            and (members is None or a.id in members)
            and (readable is None or a.id in readable)
        ]
        ids = [a.id for a in rows]
        key = (version, as_of, tuple(ids), units)
        squad = _cached_rows(engine, key) if version is not None else None
        if squad is None:
            activities = repository.activities_frame_for_all(session, ids, since)
            shoes = repository.shoes_frame_for_all(session, ids)
            injuries = injury_periods_for(session, ids)
            strength = strength_inputs_for(session, ids)
            stored = repository.settings_for(session, ids)
            settings = {a.id: settings_view(a, stored.get(a.id)) for a in rows}
            # the entries the rows read, not every entry ever (issue #27): the athletes with
            # an injury period get theirs all (the return ladder reads them)
            first = pain_window_start(as_of, (settings[a].thresholds for a in ids))
            whole = {a for a, periods in injuries.items() if periods}
            pains = repository.squad_pain_frame(session, ids, first, whole)
            pain_from = {a: first for a in ids if a not in whole}
    auth.audit(engine, actor, "squad-view", [a.name for a in rows], is_read=True)
    if squad is None:
        views = {
            a.id: AthleteView(
                units or settings[a.id].units,
                settings[a.id].week_start,
                settings[a.id].thresholds,
            )
            for a in rows
        }
        contexts = squad_contexts(
            activities, shoes, pains, as_of, views, injuries, strength, pain_from
        )
        found = squad_rows(contexts, {a.id: a.name for a in rows}, shoes, pains)
        squad = [found[a.id] for a in rows]
        if version is not None:
            _remember_rows(engine, key, squad)
    return sorted(squad, key=lambda r: (-r.risk, r.athlete))


_NO_RECENT_PAIN = PainStatus(None, "unknown", None, None, None, None)


def squad_rows(
    contexts: Mapping[int, RuleContext],
    names: Mapping[int, str],
    shoes: pd.DataFrame,
    pain: pd.DataFrame,
) -> dict[int, SquadRow]:
    """Each athlete's row from `squad_contexts` output: `squad_row(squad_status(...))`, equal to
    it, but the rules the squad's screen (`quiet_rules`) finds quiet for an athlete are not run
    (issue #27; tests/services/test_triage_batch.py compares both on random squads).

    Args:
        contexts: athlete id -> context. names: athlete id -> name.
        shoes, pain: the frames the contexts were built from (with `athlete_id`).
    """
    quiet = quiet_rules(contexts, shoes, pain)
    rows = {}
    for athlete_id, ctx in contexts.items():
        skip = quiet[athlete_id]
        # No entry in the two weeks pain_status reads: no zone, no trend (its own answer).
        status = _NO_RECENT_PAIN if "pain" in skip else pain_status(ctx)
        # the headline's week to date and last run only: the row shows nothing else of it
        week = week_to_date(ctx.run_log, ctx.as_of, ctx.week_start)
        run_days = spike_columns(ctx).local_date
        last_run = run_days[-1] if run_days else None
        rows[athlete_id] = _row(
            names[athlete_id],
            ctx,
            evaluate(ctx, skip),
            status,
            (week.this_m, week.previous_m, None if week.previous_m <= 0 else week.ratio),
            last_run,
        )
    return rows


# The squad's rows per engine, keyed by the database's change counter (issue #27): any import,
# pain entry or other change raises it, so a hit is the answer the database gives now. A plain
# in-process memo (the CLI's one call never hits it); the dashboard's reruns and other
# coaches' visits of an unchanged squad do.
_ROWS_KEPT = 8


_rows_cache: WeakKeyDictionary[Engine, OrderedDict[Hashable, list[SquadRow]]] = WeakKeyDictionary()


_rows_lock = threading.Lock()


def _cached_rows(engine: Engine, key: Hashable) -> list[SquadRow] | None:
    with _rows_lock:
        kept = _rows_cache.get(engine)
        if kept is None or key not in kept:
            return None
        kept.move_to_end(key)
        return list(kept[key])


def _remember_rows(engine: Engine, key: Hashable, rows: list[SquadRow]) -> None:
    with _rows_lock:
        kept = _rows_cache.setdefault(engine, OrderedDict())
        kept[key] = list(rows)
        while len(kept) > _ROWS_KEPT:
            kept.popitem(last=False)


_SEVERITY_POINTS = {"warning": 100, "caution": 10, "info": 1}


_SHOE_ORDER = ["replace", "caution", "window", "ok", "retired"]


def squad_row(status: SquadStatus) -> SquadRow:
    """The squad table's row for one athlete's status (`report.squad_status`)."""
    top = status.headline
    return _row(
        status.athlete,
        status.ctx,
        status.alerts,
        status.pain,
        (top.this_week_m, top.last_week_to_date_m, top.growth_to_date_ratio),
        top.last_run_date,
    )


def _row(
    athlete: str,
    ctx: RuleContext,
    alerts: list[Alert],
    pain: PainStatus,
    week: tuple[float, float, float | None],
    last_run: date | None,
) -> SquadRow:
    """The row from its parts: `week` is (this week to date, last week to the same weekday,
    growth ratio or None), metres, as the headline gives them."""
    largest = _largest_recent_spike(ctx)
    statuses = shoe_lists(ctx).status
    risk = sum(_SEVERITY_POINTS[a.severity.value] for a in alerts if a.rule_id != "acwr")
    if pain.zone == "red":
        risk += 1000
    top = max((a.severity for a in alerts), key=lambda s: SEVERITY_RANK[s], default=None)
    return SquadRow(
        athlete=athlete,
        this_week_m=week[0],
        last_week_to_date_m=week[1],
        growth_ratio=week[2],
        largest_spike_ratio=_finite(largest),
        pain_zone=pain.zone,
        shoe_status=min(statuses, key=_SHOE_ORDER.index) if statuses else None,
        flags=tuple(dict.fromkeys(a.rule_id for a in alerts if a.severity.value != "info")),
        top_severity=top.value if top else None,
        risk=risk,
        last_run_date=last_run,
        alerts=tuple(alerts),
        **_injury_fields(ctx),
    )


def _largest_recent_spike(ctx: RuleContext) -> float:
    """The largest spike ratio of the last 7 days' runs (NaN ratios skipped; NaN for none):
    column arrays, not a filtered frame (issue #27: the squad does this for every athlete)."""
    runs = spike_columns(ctx)
    if not runs.local_date:
        return math.nan
    cutoff = ctx.as_of - timedelta(days=7)
    days, ratios = runs.local_date, runs.spike_ratio
    recent = [r for d, r in zip(days, ratios, strict=True) if d > cutoff and not math.isnan(r)]
    return float(max(recent)) if recent else math.nan


def _injury_fields(ctx: RuleContext) -> dict[str, Any]:
    """SquadRow's injury fields: days so far and site while injured, the ladder's step after."""
    state = injury_state(ctx)
    if state.ongoing is not None:
        return {"injured_days": state.days_so_far, "injury_site": site_name(state.ongoing)}
    if state.ladder is not None and state.is_returning:
        return {
            "injury_site": site_name(state.ladder.injury),
            "return_step": (state.ladder.step.number, len(state.ladder.steps)),
        }
    return {}


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else value
