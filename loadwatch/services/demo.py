"""The demo squad, loaded through the real import path (nothing imports this module)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine

from loadwatch.domain import ImportResult, Sport
from loadwatch.services._common import _today
from loadwatch.services.athletes import list_activities, list_athletes, local_day
from loadwatch.services.imports import import_uploads
from loadwatch.services.pain import log_morning_pain, log_pain
from loadwatch.services.shoes import add_shoe, assign_shoes, retire_shoe, set_default_shoe
from loadwatch.services.squads import add_to_squad
from loadwatch.units import METRES_PER_MILE


def load_demo(engine: Engine, today: date | None = None, seed: int = 42) -> list[ImportResult]:
    """Load the demo squad through the real import path, then its shoes and pain entries.

    Athletes already present are skipped, so loading twice changes nothing. Long on purpose:
    a script that reads top to bottom like the demo's story (runs, shoes, pain, squad).
    """
    from loadwatch.sample import COACH, PAIN, SHOES, demo_files, shoe_for_run

    today = today or _today()
    present = {a.name for a in list_athletes(engine)}
    by_athlete: dict[str, list[tuple[str, bytes]]] = {}
    for athlete, name, data in demo_files(today, seed):
        if athlete not in present:
            by_athlete.setdefault(athlete, []).append((name, data))
    results: list[ImportResult] = []
    for athlete, files in by_athlete.items():
        results.extend(import_uploads(engine, files, athlete=athlete, today=today))
        runs = [r for r in list_activities(engine, athlete) if r.sport is Sport.RUN]
        for shoe in (s for s in SHOES if s.athlete == athlete):
            add_shoe(
                engine,
                athlete,
                shoe.name,
                brand_model=shoe.brand_model,
                starting_distance_m=shoe.starting_mi * METRES_PER_MILE,
            )
        pairs = {
            run.id: shoe_for_run(
                athlete, (today - local_day(run.started_at, run.utc_offset_s)).days, index
            )
            for index, run in enumerate(runs)
        }
        assign_shoes(engine, {run_id: pair.name for run_id, pair in pairs.items() if pair})
        for shoe in (s for s in SHOES if s.athlete == athlete):
            if shoe.retired_days_ago is not None:
                retire_shoe(
                    engine, athlete, shoe.name, today - timedelta(days=shoe.retired_days_ago)
                )
            elif shoe.share_every == 1:
                set_default_shoe(engine, athlete, shoe.name)
        for pain in (p for p in PAIN if p.athlete == athlete):
            day = today - timedelta(days=pain.days_ago)
            if pain.morning is not None:
                log_morning_pain(engine, athlete, pain.morning, day, today=today)
            else:
                run = next(
                    (r for r in reversed(runs) if local_day(r.started_at, r.utc_offset_s) == day),
                    None,
                )
                log_pain(
                    engine,
                    athlete,
                    during=pain.during,
                    after=pain.after,
                    location=pain.location,
                    note=pain.note,
                    run_id=run.id if run else None,
                    on_date=day,
                    today=today,
                )
    if by_athlete:
        add_to_squad(engine, COACH, list(by_athlete))
    return results
