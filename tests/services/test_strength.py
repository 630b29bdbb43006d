"""Strength services (issue #22) in club mode: a coach prescribes a squad member's programme, the
runner sees who set it and may change it, the change is audited; a coach logs nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from loadwatch import services
from loadwatch.errors import InputError, NotAllowedError
from tests.conftest import DATA

TODAY = date(2026, 3, 10)


@pytest.fixture
def club(engine: Engine) -> dict[str, services.Actor]:
    for name, role in (("kim", "coach"), ("lee", "coach"), ("ana", "runner")):
        services.add_user(engine, name, role, f"{name}-password")
    services.import_paths(engine, [DATA / "fit/run-5k-session.fit"], athlete="ana", today=TODAY)
    squad = services.create_squad(engine, "Tuesday group", "kim")
    assert squad.invite_code
    services.join_squad(engine, squad.invite_code, "ana")
    return {n: services.login(engine, n, f"{n}-password").actor for n in ("kim", "lee", "ana")}


def test_a_coach_prescribes_the_runner_sees_who_and_the_change_is_audited(
    engine: Engine, club: dict[str, services.Actor]
) -> None:
    default = services.strength_programme(engine, "ana", today=TODAY, actor=club["ana"])
    assert default.is_default and default.set_by == "loadwatch default"
    assert [i.slug for i in default.items] == ["clamshell", "bridge", "squat", "step-up"]
    services.set_strength_programme(
        engine,
        "ana",
        ["side-lying-leg-raise", "bridge", "lunge"],
        sessions_per_week=3,
        today=TODAY,
        actor=club["kim"],
    )
    seen = services.strength_programme(engine, "ana", today=TODAY, actor=club["ana"])
    assert (seen.set_by, seen.set_by_role, seen.sessions_per_week) == ("kim", "coach", 3)
    assert [i.slug for i in seen.items] == ["side-lying-leg-raise", "bridge", "lunge"]
    entries = services.audit_entries(engine)
    assert any(
        (e.actor, e.action, e.athlete) == ("kim", "strength-programme", "ana") for e in entries
    )
    # the report's target follows the programme
    assert services.report(engine, "ana", today=TODAY).strength.target_per_week == 3
    # a coach changes nothing else, and another coach not even the programme
    with pytest.raises(NotAllowedError):
        services.log_strength_as_planned(engine, "ana", today=TODAY, actor=club["kim"])
    with pytest.raises(NotAllowedError):
        services.set_strength_programme(engine, "ana", ["squat"], today=TODAY, actor=club["lee"])
    # the runner changes it back: their own name on it; a kept exercise keeps its progression
    services.set_strength_programme(engine, "ana", ["bridge", "squat"], actor=club["ana"])
    mine = services.strength_programme(engine, "ana", today=TODAY, actor=club["ana"])
    assert (mine.set_by, mine.set_by_role, mine.sessions_per_week) == ("ana", "runner", 3)


def test_calls_on_one_date_form_one_session_and_edits_replace_the_exercise(
    engine: Engine, club: dict[str, services.Actor]
) -> None:
    day = TODAY - timedelta(days=1)
    first = services.log_strength(
        engine, "ana", services.StrengthEntry("squat", 3, reps=10), on_date=day, today=TODAY
    )
    second = services.log_strength(
        engine,
        "ana",
        services.StrengthEntry("single-leg-stand", 2, hold_s=40),
        on_date=day,
        today=TODAY,
    )
    edited = services.log_strength(
        engine,
        "ana",
        services.StrengthEntry("squat", 4, reps=8, load_kg=10, band="red", pain=2),
        on_date=day,
        today=TODAY,
    )
    assert first.id == second.id == edited.id and edited.is_update
    (session,) = services.list_strength(engine, "ana")
    squat = next(s for s in session.sets if s.exercise == "squat")
    assert (squat.sets, squat.reps, squat.load_kg, squat.band, squat.pain) == (4, 8, 10.0, "red", 2)
    assert len(session.sets) == 2
    services.delete_strength_exercise(engine, "ana", session.id, "squat")
    assert [s.exercise for s in services.list_strength(engine, "ana")[0].sets] == [
        "single-leg-stand"
    ]
    services.delete_strength_session(engine, "ana", session.id)
    assert services.list_strength(engine, "ana") == []


def test_one_bad_exercise_in_a_session_stores_nothing(
    engine: Engine, club: dict[str, services.Actor]
) -> None:
    with pytest.raises(InputError, match="pain must be a whole number 0-10"):
        services.log_strength_session(
            engine,
            "ana",
            [
                services.StrengthEntry("squat", 3, reps=10),
                services.StrengthEntry("bridge", 3, reps=10, pain=12),
            ],
            today=TODAY,
        )
    assert services.list_strength(engine, "ana") == []
    with pytest.raises(InputError, match="a programme holds 1-8 exercises"):
        services.set_strength_programme(engine, "ana", [], today=TODAY)
    with pytest.raises(InputError, match="did you mean clamshell"):
        services.set_strength_programme(engine, "ana", ["clamshells"], today=TODAY)
