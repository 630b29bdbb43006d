"""Strength (issue #22): the exercise library, logging sessions, the programme and its next
targets, and the single-leg squat self-test."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import click
from rich.table import Table

from loadwatch import services
from loadwatch.cli._group import (
    add_plain_row,
    athlete_option,
    cli,
    day_of,
    db_engine,
    echo_json,
    errors_as_click,
    json_option,
    local_today,
    make_console,
    plain_text,
)

if TYPE_CHECKING:
    from loadwatch.services import Programme, StrengthSessionView

DATE = click.DateTime(["%Y-%m-%d"])


@cli.group()
def strength() -> None:
    """Strength work for the knee and hip: log sessions, follow the programme, self-test.

    \b
    Example:
        loadwatch strength exercises
        loadwatch strength log --exercise clamshell --sets 3 --reps 12 --pain 1
        loadwatch strength log --as-planned
        loadwatch strength programme
    """


@strength.command("exercises")
@json_option()
@errors_as_click
def strength_exercises(as_json: bool) -> None:
    """The exercise library: slug, area, how it is measured, default dose, variants, source.

    \b
    Example:
        loadwatch strength exercises --json
    """
    exercises = services.strength_exercises()
    if as_json:
        echo_json(
            [
                {
                    "slug": e.slug,
                    "name": e.name,
                    "area": e.area.value,
                    "measure": e.measure.value,
                    "sets": e.sets,
                    "start": e.start,
                    "low": e.low,
                    "high": e.high,
                    "loadable": e.loadable,
                    "easier": e.easier,
                    "harder": e.harder,
                    "is_optional": e.is_optional,
                    "how": e.how,
                    "source": e.source,
                    "citations": list(e.citations),
                }
                for e in exercises
            ]
        )
        return
    table = Table(title="Exercises (stretches: optional, weak evidence)")
    for column in ("slug", "area", "dose", "easier", "harder", "source"):
        table.add_column(column)
    for e in exercises:
        optional = " (optional)" if e.is_optional else ""
        add_plain_row(
            table,
            e.slug,
            e.area.value,
            e.dose + optional,
            e.easier or "-",
            e.harder or "-",
            ", ".join(e.citations) or e.source,
        )
    make_console().print(table)


@strength.command("log")
@athlete_option()
@click.option("--date", "on_date", type=DATE, default=None, help="Local day (default today).")
@click.option("--exercise", "slug", default=None, help="Exercise slug (`strength exercises`).")
@click.option("--sets", type=int, default=None, help="Sets done, 1-20.")
@click.option("--reps", type=int, default=None, help="Reps per set, 1-100.")
@click.option("--hold-s", "hold_s", type=int, default=None, help="Seconds per hold, 1-600.")
@click.option("--load-kg", "load_kg", type=float, default=None, help="Load in kg (0 or more).")
@click.option("--pain", type=int, default=None, help="Pain during the exercise, 0-10.")
@click.option(
    "--as-planned",
    is_flag=True,
    help="Every programme exercise at its next target (instead of --exercise).",
)
@click.pass_context
@errors_as_click
def strength_log(
    ctx: click.Context,
    athlete: str,
    on_date: datetime | None,
    slug: str | None,
    sets: int | None,
    reps: int | None,
    hold_s: int | None,
    load_kg: float | None,
    pain: int | None,
    as_planned: bool,
) -> None:
    """Log an exercise into the session of --date (calls on one date form one session; the same
    exercise again that day updates it), or the whole programme --as-planned.

    \b
    Example:
        loadwatch strength log --exercise squat --sets 3 --reps 10 --load-kg 10 --pain 2
        loadwatch strength log --exercise single-leg-stand --sets 3 --hold-s 30
        loadwatch strength log --as-planned --date 2026-03-02
    """
    engine, day = db_engine(ctx), day_of(on_date)
    if as_planned:
        given = [n for n, v in (("--exercise", slug), ("--sets", sets), ("--reps", reps)) if v]
        if given or hold_s is not None or load_kg is not None or pain is not None:
            raise click.UsageError("--as-planned logs the programme's targets; drop the others")
        view = services.log_strength_as_planned(engine, athlete, on_date=day, today=local_today())
    else:
        if slug is None or sets is None:
            raise click.UsageError(
                "give --exercise SLUG --sets N with --reps N or --hold-s S (or --as-planned)"
            )
        entry = services.StrengthEntry(
            slug, sets, reps=reps, hold_s=hold_s, load_kg=load_kg, pain=pain
        )
        view = services.log_strength(engine, athlete, entry, on_date=day, today=local_today())
    verb = "Added to" if view.is_update else "Logged"
    click.echo(
        f"{verb} strength session {view.id} on {view.session_date}: "
        + "; ".join(_plain_set(s) for s in view.sets)
    )
    count = services.report(engine, athlete, view.session_date, today=local_today()).strength
    if count is not None:
        which = "This week" if view.session_date == local_today() else "That week"
        click.echo(f"{which}: {count.sessions_this_week} of {count.target_per_week} sessions.")


def _plain_set(s: Any) -> str:
    amount = f"{s.reps} reps" if s.reps is not None else f"{s.hold_s} s"
    load = f" + {s.load_kg:g} kg" if s.load_kg else ""
    band = f" ({s.band})" if s.band else ""
    pain = f", pain {s.pain}/10" if s.pain is not None else ""
    return f"{s.exercise} {s.sets} x {amount}{load}{band}{pain}"


def _session_json(view: StrengthSessionView) -> dict[str, Any]:
    return {
        "id": view.id,
        "date": view.session_date.isoformat(),
        "source": view.source,
        "activity_id": view.activity_id,
        "exercises": [
            {
                "exercise": s.exercise,
                "sets": s.sets,
                "reps": s.reps,
                "hold_s": s.hold_s,
                "load_kg": s.load_kg,
                "band": s.band,
                "pain": s.pain,
            }
            for s in view.sets
        ],
    }


@strength.command("list")
@athlete_option()
@click.option("--since", type=DATE, default=None, help="First local day (default all).")
@json_option()
@click.pass_context
@errors_as_click
def strength_list(ctx: click.Context, athlete: str, since: datetime | None, as_json: bool) -> None:
    """List strength sessions, oldest first: logged ones and strength activities from files.

    \b
    Example:
        loadwatch strength list --since 2026-03-01 --json
    """
    sessions = services.list_strength(db_engine(ctx), athlete, day_of(since))
    if as_json:
        echo_json([_session_json(s) for s in sessions])
        return
    table = Table(title=f"Strength sessions: {plain_text(athlete)}")
    for column in ("id", "date", "source", "exercises"):
        table.add_column(column)
    for s in sessions:
        add_plain_row(
            table,
            "-" if s.id is None else str(s.id),
            str(s.session_date),
            s.source if s.activity_id is None else f"{s.source} (activity {s.activity_id})",
            "; ".join(_plain_set(x) for x in s.sets) or "-",
        )
    make_console().print(table)


def _programme_json(plan: Programme) -> dict[str, Any]:
    return {
        "athlete": plan.athlete,
        "sessions_per_week": plan.sessions_per_week,
        "set_by": plan.set_by,
        "set_by_role": plan.set_by_role,
        "set_at": plan.set_at.isoformat() if plan.set_at else None,
        "citations": list(plan.citations),
        "exercises": [
            {
                "slug": i.slug,
                "next": {
                    "exercise": i.next.slug,
                    "sets": i.next.sets,
                    "reps": i.next.amount if i.exercise.measure.value == "reps" else None,
                    "hold_s": i.next.amount if i.exercise.measure.value == "hold_s" else None,
                    "load_kg": i.next.load_kg,
                },
                "start": {
                    "exercise": i.start.slug,
                    "sets": i.start.sets,
                    "amount": i.start.amount,
                    "load_kg": i.start.load_kg,
                },
                "change": i.change,
                "reason": i.reason,
                "sessions": i.sessions,
            }
            for i in plan.items
        ],
    }


@strength.command("programme")
@athlete_option()
@click.option(
    "--set",
    "exercises",
    default=None,
    help="Change the programme: exercise slugs, comma-separated (1-8).",
)
@click.option(
    "--sessions-per-week", type=int, default=None, help="Change the sessions a week (1-7)."
)
@json_option()
@click.pass_context
@errors_as_click
def strength_programme(
    ctx: click.Context,
    athlete: str,
    exercises: str | None,
    sessions_per_week: int | None,
    as_json: bool,
) -> None:
    """The programme and each exercise's next target (the log replayed through the pain-gated
    progression; loadwatch defaults). --set changes it.

    \b
    Example:
        loadwatch strength programme --json
        loadwatch strength programme --set clamshell,bridge,squat,step-up --sessions-per-week 3
    """
    engine = db_engine(ctx)
    if exercises is not None or sessions_per_week is not None:
        current = services.strength_programme(engine, athlete, today=local_today())
        slugs = (
            [s.strip() for s in exercises.split(",") if s.strip()]
            if exercises is not None
            else [i.slug for i in current.items]
        )
        plan = services.set_strength_programme(
            engine, athlete, slugs, sessions_per_week=sessions_per_week, today=local_today()
        )
    else:
        plan = services.strength_programme(engine, athlete, today=local_today())
    if as_json:
        echo_json(_programme_json(plan))
        return
    who = "loadwatch default" if plan.is_default else f"set by {plan.set_by} ({plan.set_by_role})"
    table = Table(title=f"Strength programme: {plan.sessions_per_week} a week, {plain_text(who)}")
    for column in ("exercise", "next target", "why"):
        table.add_column(column)
    for i in plan.items:
        add_plain_row(table, i.slug, i.next.text(), i.reason)
    make_console().print(table)


@strength.command("test")
@athlete_option()
@click.option("--leg", type=click.Choice(["left", "right"]), required=True)
@click.option("--result", type=click.Choice(["centred", "wobbles", "inward"]), required=True)
@click.option("--date", "on_date", type=DATE, default=None, help="Local day (default today).")
@click.pass_context
@errors_as_click
def strength_test(
    ctx: click.Context, athlete: str, leg: str, result: str, on_date: datetime | None
) -> None:
    """Log the single-leg squat self-test: on one leg, squat half way down 5 times; did the knee
    stay over the foot (centred), wobble, or move inward? It informs; it does not diagnose.

    \b
    Example:
        loadwatch strength test --leg left --result wobbles
    """
    view = services.log_self_test(
        db_engine(ctx), athlete, leg, result, on_date=day_of(on_date), today=local_today()
    )
    verb = "Updated" if view.is_update else "Logged"
    click.echo(f"{verb} self-test {view.test_date} {view.leg} leg: {view.meaning}.")
