"""Injury periods through the services (issue #14): validation, days, the plan, the squad,
turning a pain entry into an injury, the lead-up page and access in club mode."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, text

from loadwatch import services
from loadwatch.documents.lead_up import lead_up_html
from loadwatch.domain import PlanKind
from loadwatch.errors import InputError, NotAllowedError, NotFoundError
from tests.services.conftest import TODAY, import_runs

START = date(2026, 3, 12)


@pytest.fixture
def ana(engine: Engine) -> Engine:
    """Ana: 8-12 km every other day from 1 March (runs on 1, 3, ... 11 March)."""
    import_runs(engine, [8, 9, 10, 12, 8, 9])
    return engine


def test_add_list_end_and_delete_with_days_without_running(ana: Engine) -> None:
    view = services.add_injury(
        ana, "ana", start=START, location="knee-front", side="Left", note="physio: PFP", today=TODAY
    )
    assert (view.location, view.side, view.site) == ("knee front", "left", "left knee front")
    assert view.is_ongoing and view.days == 9 and view.days_without_running == 9
    ended = services.end_injury(ana, "ana", view.id, end=date(2026, 3, 18), today=TODAY)
    assert not ended.is_ongoing and ended.days == 6 and ended.end_date == date(2026, 3, 18)
    (listed,) = services.list_injuries(ana, "ana", today=TODAY)
    assert listed == ended
    services.delete_injury(ana, "ana", view.id)
    assert services.list_injuries(ana, "ana", today=TODAY) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"location": "elbow"}, "pain location must be one of"),
        ({"location": None}, "give the injury's location"),
        ({"side": "middle"}, "side must be left or right"),
        ({"start": TODAY + timedelta(days=1)}, "injury start date 2026-03-21 is in the future"),
        ({"end": START}, "must be after its start"),
        ({"end": TODAY + timedelta(days=2)}, "injury end date 2026-03-22 is in the future"),
        ({"note": "a\x00b"}, "injury note contains a NUL character"),
    ],
    ids=[
        "location",
        "no location",
        "side",
        "future start",
        "end not after start",
        "future end",
        "NUL note",
    ],
)
def test_bad_input_is_refused_with_the_fix(ana: Engine, changes: dict, message: str) -> None:
    kwargs = {"start": START, "location": "shin", **changes}
    with pytest.raises(InputError, match=message):
        services.add_injury(ana, "ana", today=TODAY, **kwargs)
    assert services.list_injuries(ana, "ana", today=TODAY) == []


def test_a_second_open_period_at_the_same_site_is_refused(ana: Engine) -> None:
    first = services.add_injury(ana, "ana", start=START, location="shin", today=TODAY)
    with pytest.raises(InputError, match=f"injury {first.id} at the shin .* overlaps"):
        services.add_injury(
            ana, "ana", start=START + timedelta(days=2), location="shin", today=TODAY
        )
    other = services.add_injury(ana, "ana", start=START, location="hip", today=TODAY)
    assert other.id != first.id


def test_another_athletes_injury_is_not_found(ana: Engine) -> None:
    import_runs(ana, [5], athlete="ben")
    theirs = services.add_injury(ana, "ben", start=START, location="foot", today=TODAY)
    with pytest.raises(NotFoundError, match=f"ana has no injury {theirs.id}"):
        services.end_injury(ana, "ana", theirs.id, today=TODAY)
    with pytest.raises(NotFoundError, match="no injury with id 0"):
        services.delete_injury(ana, "ana", 0)


def test_while_injured_the_report_plan_holds_no_run_and_the_status_says_so(ana: Engine) -> None:
    before = services.report(ana, "ana", today=TODAY)
    assert any(p.kind is PlanKind.RUN for p in before.plan)
    services.add_injury(ana, "ana", start=START, location="achilles", today=TODAY)
    report = services.report(ana, "ana", today=TODAY)
    assert not [p for p in report.plan if p.kind is PlanKind.RUN]
    assert any(p.caused_by == "injury" and "easy cycling" in (p.sport or "") for p in report.plan)
    assert report.alerts[0].rule_id == "injury"
    data = services.report_json(report)["injury"]
    assert data["ongoing"]["days_so_far"] == 9 and data["return"] is None


def test_the_squad_shows_the_athlete_as_injured_with_the_days_so_far(ana: Engine) -> None:
    import_runs(ana, [5, 6], athlete="ben")
    services.add_to_squad(ana, "Coach Kim", ["ana", "ben"])
    services.add_injury(ana, "ana", start=START, location="shin", side="right", today=TODAY)
    rows = {r.athlete: r for r in services.squad_overview(ana, today=TODAY, coach="Coach Kim")}
    assert (rows["ana"].injured_days, rows["ana"].injury_site) == (9, "right shin")
    assert rows["ben"].injured_days is None and rows["ben"].return_step is None


def test_the_return_ladder_after_the_end(ana: Engine) -> None:
    injury = services.add_injury(ana, "ana", start=START, location="shin", today=TODAY)
    services.end_injury(ana, "ana", injury.id, end=TODAY, today=TODAY)
    state = services.injury_status(ana, "ana", today=TODAY)
    assert state.ongoing is None and state.ladder is not None
    assert state.ladder.step.number == 1
    assert state.ladder.step.distance_m == pytest.approx(0.3 * state.ladder.base_m)
    report = services.report(ana, "ana", today=TODAY)
    caps = [p.max_distance_m for p in report.plan if p.kind is PlanKind.RUN]
    assert caps and all(c == pytest.approx(state.ladder.step.distance_m) for c in caps)
    row = services.squad_overview(ana, today=TODAY)[0]
    assert row.return_step == (1, len(state.ladder.steps))


def test_a_red_pain_entry_becomes_an_injury_once(ana: Engine) -> None:
    entry = services.log_pain(
        ana, "ana", during=5, after=7, location="foot", on_date=date(2026, 3, 11), today=TODAY
    )
    made = services.injury_from_pain(ana, "ana", entry.id, side="left", today=TODAY)
    assert (made.start_date, made.location, made.side) == (date(2026, 3, 11), "foot", "left")
    assert made.pain_entry_id == entry.id and not made.is_existing
    again = services.injury_from_pain(ana, "ana", entry.id, today=TODAY)
    assert again.id == made.id and again.is_existing
    morning = services.log_morning_pain(ana, "ana", 3, date(2026, 3, 12), today=TODAY)
    with pytest.raises(InputError, match="is a morning check-in"):
        services.injury_from_pain(ana, "ana", morning.id, today=TODAY)


def test_the_lead_up_page_lists_the_spike_and_the_shoe_and_escapes_the_note(
    engine: Engine,
) -> None:
    import_runs(engine, [6, 6, 6, 6, 10])  # 10 km on 9 March: 1.67x
    services.add_shoe(engine, "ana", "Pegasus <40>", starting_distance_m=600_000.0)
    services.assign_shoes(
        engine, {r.id: "Pegasus <40>" for r in services.list_activities(engine, "ana")}
    )
    injury = services.add_injury(
        engine,
        "ana",
        start=date(2026, 3, 10),
        location="knee front",
        note="<script>alert(1)</script>",
        today=TODAY,
    )
    view = services.injury_lead_up(engine, "ana", injury.id, today=TODAY)
    (spike,) = view.lead_up.windows[0].spikes
    assert spike.run_date == date(2026, 3, 9) and spike.ratio == pytest.approx(10 / 6, rel=0.02)
    (shoe,) = view.lead_up.shoes
    assert shoe.name == "Pegasus <40>" and shoe.distance_m == pytest.approx(634_000, rel=0.01)
    page = lead_up_html(view)
    assert "1.6" in page and "x</td>" in page and "moderate spike" in page
    assert "Pegasus &lt;40&gt;" in page and "634 km" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "@media print" in page and "not medical advice" in page


def test_deleting_the_athlete_deletes_their_injuries(ana: Engine) -> None:
    services.add_injury(ana, "ana", start=START, location="hip", today=TODAY)
    services.delete_athlete(ana, "ana")
    with ana.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM injuries")).scalar_one() == 0


def test_club_access_a_runner_and_an_outside_coach_change_and_read_nothing(
    engine: Engine,
) -> None:
    for name, role in (("ana", "runner"), ("ben", "runner"), ("kim", "coach")):
        services.add_user(engine, name, role, f"{name}-password")
    import_runs(engine, [6, 7], athlete="ben")
    injury = services.add_injury(engine, "ben", start=START, location="shin", today=TODAY)
    ana_actor = services.login(engine, "ana", "ana-password").actor
    kim_actor = services.login(engine, "kim", "kim-password").actor
    before = services.list_injuries(engine, "ben", today=TODAY)
    for actor in (ana_actor, kim_actor):
        with pytest.raises(NotAllowedError, match="not allowed"):
            services.add_injury(
                engine, "ben", start=START, location="hip", today=TODAY, actor=actor
            )
        with pytest.raises(NotAllowedError, match="not allowed"):
            services.end_injury(engine, "ben", injury.id, today=TODAY, actor=actor)
        with pytest.raises(NotAllowedError, match="not allowed"):
            services.delete_injury(engine, "ben", injury.id, actor=actor)
        with pytest.raises(NotAllowedError, match="not allowed"):
            services.injury_lead_up(engine, "ben", injury.id, today=TODAY, actor=actor)
        with pytest.raises(NotAllowedError, match="not allowed"):
            services.list_injuries(engine, "ben", today=TODAY, actor=actor)
    assert services.list_injuries(engine, "ben", today=TODAY) == before
    ben_actor = services.login(engine, "ben", "ben-password").actor
    services.end_injury(engine, "ben", injury.id, end=TODAY, today=TODAY, actor=ben_actor)
