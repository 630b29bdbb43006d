"""Coaches and squads: the squad table (riskiest athlete first) and squad membership."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadwatch.db import repository
from loadwatch.db.engine import writer
from loadwatch.db.models import Setting
from loadwatch.domain import SEVERITY_RANK
from loadwatch.report import SquadStatus, squad_status
from loadwatch.rules.context import rule_context
from loadwatch.services._checks import athlete_name, check_day, coach_name
from loadwatch.services._common import _today
from loadwatch.services.athletes import _settings_view


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


def squad_overview(
    engine: Engine,
    as_of: date | None = None,
    athletes: Sequence[str] | None = None,
    today: date | None = None,
    coach: str | None = None,
) -> list[SquadRow]:
    """Every athlete's week at a glance, riskiest first (pain red > warnings > cautions).

    Uses only the last 120 days of each log, loaded in one query: cost grows with the squad,
    not with years of history.
    """
    from loadwatch.report import recent_history_start

    today = today or _today()
    as_of = as_of or today
    check_day(as_of, today, "as-of date")
    coach = coach_name(coach) if coach else None
    since = datetime.combine(recent_history_start(as_of), time(), tzinfo=UTC)
    with Session(engine) as session:
        members = (
            repository.squad_athlete_ids(session, repository.get_coach(session, coach).id)
            if coach
            else None
        )
        rows = [
            a
            for a in repository.athletes(session)
            if (athletes is None or a.name in athletes) and (members is None or a.id in members)
        ]
        ids = [a.id for a in rows]
        frames = repository.activities_frames_for(session, ids, since)
        shoes = repository.shoes_frames_for(session, ids)
        pains = repository.pain_frames_for(session, ids)
        settings = {a.id: _settings_view(a, session.get(Setting, a.id)) for a in rows}
    squad = []
    for athlete in rows:
        s = settings[athlete.id]
        ctx = rule_context(
            frames[athlete.id],
            shoes[athlete.id],
            pains[athlete.id],
            as_of,
            s.units,
            s.week_start,
            s.thresholds,
        )
        status = squad_status(athlete.name, ctx)
        squad.append(_squad_row(status))
    return sorted(squad, key=lambda r: (-r.risk, r.athlete))


_SEVERITY_POINTS = {"warning": 100, "caution": 10, "info": 1}
_SHOE_ORDER = ["replace", "caution", "window", "ok", "retired"]


def _squad_row(status: SquadStatus) -> SquadRow:
    ctx, alerts, headline = status.ctx, status.alerts, status.headline
    recent = ctx.spikes[ctx.spikes["local_date"] > ctx.as_of - timedelta(days=7)]
    largest = float(recent["spike_ratio"].max()) if not recent.empty else float("nan")
    statuses = list(ctx.shoes["status"]) if not ctx.shoes.empty else []
    risk = sum(_SEVERITY_POINTS[a.severity.value] for a in alerts if a.rule_id != "acwr")
    if status.pain.zone == "red":
        risk += 1000
    top = max((a.severity for a in alerts), key=lambda s: SEVERITY_RANK[s], default=None)
    return SquadRow(
        athlete=status.athlete,
        this_week_m=headline.this_week_m,
        last_week_to_date_m=headline.last_week_to_date_m,
        growth_ratio=headline.growth_to_date_ratio,
        largest_spike_ratio=_finite(largest),
        pain_zone=status.pain.zone,
        shoe_status=min(statuses, key=_SHOE_ORDER.index) if statuses else None,
        flags=tuple(dict.fromkeys(a.rule_id for a in alerts if a.severity.value != "info")),
        top_severity=top.value if top else None,
        risk=risk,
        last_run_date=headline.last_run_date,
    )


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else value


def list_coaches(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return [c.name for c in repository.coaches(session)]


def add_to_squad(engine: Engine, coach: str, athletes: Sequence[str]) -> list[str]:
    """Add athletes to a coach's squad (the coach is created on first use).

    Raises:
        InputError: a blank or overlong coach or athlete name, or one with control characters.
        NotFoundError: an unknown athlete (nothing is added).
    """
    coach = coach_name(coach)
    names = [athlete_name(name) for name in athletes]
    with Session(writer(engine)) as session, session.begin():
        row = repository.get_or_create_coach(session, coach)
        for name in names:
            repository.add_squad_member(session, row.id, repository.get_athlete(session, name).id)
        members = repository.squad_athlete_ids(session, row.id)
        return sorted(a.name for a in repository.athletes(session) if a.id in members)
