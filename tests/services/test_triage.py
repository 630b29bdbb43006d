"""The coach's triage (issue #12): why per row, notes and snoozes kept, new since last visit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from loadwatch import services
from loadwatch.errors import InputError, NotAllowedError
from loadwatch.units import DistanceUnit
from tests.services.conftest import TODAY, import_runs

AS_OF = date(2026, 3, 8)


@pytest.fixture
def squad(engine: Engine) -> Engine:
    import_runs(engine, [8, 8, 8, 8], athlete="calm")
    import_runs(engine, [8, 8, 8, 20], athlete="spiky")
    services.add_to_squad(engine, "Kim", ["calm", "spiky"])
    return engine


def _row(triage: services.Triage, athlete: str) -> services.TriageRow:
    return next(t for t in triage.rows if t.row.athlete == athlete)


def test_each_row_says_why_in_a_sentence_and_the_worst_comes_first(squad: Engine) -> None:
    triage = services.squad_triage(squad, "Kim", as_of=AS_OF, today=TODAY)
    assert [t.row.athlete for t in triage.rows] == ["spiky", "calm"]
    spiky = _row(triage, "spiky")
    assert spiky.status == "warning"
    assert spiky.why_rule_id == "run-spike"
    assert spiky.why.startswith("Large spike: spiky's 20.0 km run")  # to the coach (#24)
    assert _row(triage, "calm").status == "ok"


def test_the_coach_units_reach_the_why_sentence_and_are_kept(squad: Engine) -> None:
    triage = services.squad_triage(squad, "Kim", as_of=AS_OF, today=TODAY, units="mi")
    assert "12.4 mi run" in _row(triage, "spiky").why
    services.set_squad_units(squad, "Kim", DistanceUnit.MI)
    assert services.squad_triage(squad, "Kim", as_of=AS_OF, today=TODAY).units is DistanceUnit.MI
    assert services.athlete_settings(squad, "spiky").units is DistanceUnit.KM  # runner untouched


def test_a_snooze_with_a_note_quiets_the_flag_until_its_day_and_is_kept(squad: Engine) -> None:
    note = services.note_flag(
        squad,
        "Kim",
        "spiky",
        "run-spike",
        severity="warning",
        note="spoke to spiky, easy week",
        snooze_days=3,
        today=AS_OF,
    )
    assert note.quiet_until == AS_OF + timedelta(days=3)
    triage = services.squad_triage(squad, "Kim", as_of=AS_OF, today=TODAY)
    spiky = _row(triage, "spiky")
    assert spiky.status == "ok" and [n.note for n in spiky.snoozed] == ["spoke to spiky, easy week"]
    later = services.squad_triage(
        squad, "Kim", as_of=AS_OF + timedelta(days=4), today=TODAY
    )  # the snooze is over; the note is still there
    assert _row(later, "spiky").snoozed == ()
    assert _row(later, "spiky").notes[0].note == "spoke to spiky, easy week"


def test_an_acknowledged_flag_keeps_its_colour_and_shows_the_note(squad: Engine) -> None:
    services.note_flag(
        squad, "Kim", "spiky", "run-spike", severity="warning", note="seen", today=AS_OF
    )
    spiky = _row(services.squad_triage(squad, "Kim", as_of=AS_OF, today=TODAY), "spiky")
    assert spiky.status == "warning"
    assert [n.note for n in spiky.acknowledged] == ["seen"]


def test_a_snooze_ends_when_the_flag_gets_worse(squad: Engine) -> None:
    services.note_flag(
        squad, "Kim", "spiky", "run-spike", severity="caution", snooze_days=7, today=AS_OF
    )
    spiky = _row(services.squad_triage(squad, "Kim", as_of=AS_OF, today=TODAY), "spiky")
    assert spiky.status == "warning" and spiky.snoozed == ()


def test_flags_new_since_the_last_visit_are_marked(squad: Engine) -> None:
    first = services.squad_triage(squad, "Kim", as_of=date(2026, 3, 6), today=TODAY)
    assert first.last_visit.at is None and all(t.new_flags == () for t in first.rows)
    services.record_squad_visit(squad, first)
    second = services.squad_triage(squad, "Kim", as_of=AS_OF, today=TODAY)
    assert second.last_visit.at is not None
    assert _row(second, "spiky").new_flags == ("run-spike",)
    assert _row(second, "calm").new_flags == ()
    services.record_squad_visit(squad, second)
    third = services.squad_triage(squad, "Kim", as_of=AS_OF, today=TODAY)
    assert _row(third, "spiky").new_flags == ()


def test_notes_need_a_squad_a_known_rule_and_a_member(squad: Engine) -> None:
    import_runs(squad, [5, 5], athlete="outsider")
    with pytest.raises(InputError, match="unknown rule 'run-spikes'"):
        services.note_flag(squad, "Kim", "spiky", "run-spikes", severity="warning")
    with pytest.raises(InputError, match="'outsider' is not in the squad 'Kim'"):
        services.note_flag(squad, "Kim", "outsider", "run-spike", severity="warning")
    with pytest.raises(NotAllowedError, match="choose a squad"):
        services.note_flag(squad, None, "spiky", "run-spike", severity="warning")
    with pytest.raises(InputError, match="snooze for 1-28 days"):
        services.note_flag(squad, "Kim", "spiky", "run-spike", severity="warning", snooze_days=90)
    assert services.squad_triage(squad, None, as_of=AS_OF, today=TODAY).can_note is False
