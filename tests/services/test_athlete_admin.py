"""Athletes managed (issue #10, item 8): names matched ignoring case, renamed, deleted with all
their data; a new athlete's home zone is the machine's. Runs on SQLite and, when configured,
PostgreSQL (the `engine` fixture)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfoNotFoundError

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from loadwatch import services
from loadwatch.db import admin
from loadwatch.db.models import (
    Activity,
    Athlete,
    OriginalFile,
    PainEntry,
    Setting,
    Shoe,
    SquadMember,
)
from loadwatch.errors import InputError, NotFoundError
from loadwatch.services import _localtime as localtime
from tests.services.conftest import TODAY, import_runs


def _add(engine: Engine, *names: str) -> None:
    with Session(engine) as session, session.begin():
        for name in names:
            admin.get_or_create_athlete(session, name)


def _names(engine: Engine) -> list[str]:
    return [a.name for a in services.list_athletes(engine)]


def test_names_match_ignoring_case_and_creating_ana_reuses_ana(engine: Engine) -> None:
    _add(engine, "Ana")
    _add(engine, "ana", "ANA", "Émile")
    _add(engine, "émile", "ÉMILE")  # beyond ASCII: SQLite's lower() would not fold these
    assert _names(engine) == ["Ana", "Émile"]
    with Session(engine) as session:
        assert admin.get_athlete(session, "aNa").name == "Ana"
        assert admin.get_athlete(session, "émile").name == "Émile"
        assert admin.find_athlete(session, "Bea") is None
        with pytest.raises(NotFoundError, match=r"no athlete named 'Bea'; known athletes: Ana"):
            admin.get_athlete(session, "Bea")


def test_services_find_an_athlete_whatever_the_case_and_trim_the_name(engine: Engine) -> None:
    import_runs(engine, [8, 10], athlete="Ana")
    assert len(services.list_activities(engine, "  ana ")) == 2
    services.update_settings(engine, "ANA", units="mi")
    settings = services.athlete_settings(engine, "ana")
    assert (settings.athlete, settings.units.value) == ("Ana", "mi")
    for blank in ("", "   "):
        with pytest.raises(InputError, match="athlete name must not be empty"):
            services.athlete_settings(engine, blank)


def test_a_database_holding_ana_and_ana_prefers_the_exact_name_and_refuses_a_guess(
    engine: Engine,
) -> None:
    """Databases written before issue #10 may hold two names that differ only in case."""
    with Session(engine) as session, session.begin():
        for name in ("Ana", "ana"):
            session.add(
                Athlete(
                    name=name, home_tz="UTC", default_sport="run", created_at=datetime.now(tz=UTC)
                )
            )
    with Session(engine) as session:
        assert admin.get_athlete(session, "ana").name == "ana"
        assert admin.get_athlete(session, "Ana").name == "Ana"
        with pytest.raises(InputError, match=r"'ANA' matches 'Ana', 'ana'; give the exact name"):
            admin.get_athlete(session, "ANA")


def test_rename_keeps_the_data_trims_and_refuses_a_taken_name(engine: Engine) -> None:
    import_runs(engine, [8], athlete="ana")
    _add(engine, "Bea")
    assert services.rename_athlete(engine, "ANA", "  Ana Lima ") == ("ana", "Ana Lima")
    assert [r.athlete for r in services.list_activities(engine, "ana lima")] == ["Ana Lima"]
    assert services.rename_athlete(engine, "ana lima", "ANA LIMA") == ("Ana Lima", "ANA LIMA")
    with pytest.raises(InputError, match=r"an athlete named 'Bea' already exists"):
        services.rename_athlete(engine, "ana lima", "bea")
    with pytest.raises(InputError, match="athlete name must not be empty"):
        services.rename_athlete(engine, "ana lima", "  ")
    with pytest.raises(NotFoundError, match="no athlete named 'Cy'"):
        services.rename_athlete(engine, "Cy", "Dee")
    assert _names(engine) == ["ANA LIMA", "Bea"]


def _counts(session: Session, athlete_id: int) -> dict[str, int]:
    def count(column: object) -> int:
        return session.scalar(select(func.count()).where(column == athlete_id)) or 0  # type: ignore[operator]

    return {
        "activities": count(Activity.athlete_id),
        "originals": count(OriginalFile.athlete_id),
        "pain": count(PainEntry.athlete_id),
        "shoes": count(Shoe.athlete_id),
        "settings": count(Setting.athlete_id),
        "squads": count(SquadMember.athlete_id),
    }


def test_delete_removes_the_athlete_and_all_their_data_and_nothing_else(engine: Engine) -> None:
    for name in ("Ana", "Bea"):
        import_runs(engine, [8, 10], athlete=name)
        services.add_shoe(engine, name, "Pegasus", is_default=True)
        services.log_pain(engine, name, during=2, after=3, run_id=None, today=TODAY, on_date=TODAY)
        services.update_settings(engine, name, units="mi")
    services.add_to_squad(engine, "Coach Kim", ["Ana", "Bea"])
    with Session(engine) as session:
        ana_id, bea_id = (admin.get_athlete(session, n).id for n in ("Ana", "Bea"))
        before = _counts(session, bea_id)
        assert all(before.values()), before
        assert _counts(session, ana_id) == before

    name, preview = services.athlete_data(engine, "ana")
    assert (name, preview.activities, preview.shoes, preview.squad_memberships) == ("Ana", 2, 1, 1)
    deleted_name, deleted = services.delete_athlete(engine, "ANA")
    assert (deleted_name, deleted) == (name, preview)

    with Session(engine) as session:
        assert set(_counts(session, ana_id).values()) == {0}
        assert session.get(Athlete, ana_id) is None
        assert _counts(session, bea_id) == before
    assert _names(engine) == ["Bea"]
    assert services.squad_overview(engine, today=TODAY, coach="Coach Kim")[0].athlete == "Bea"
    with pytest.raises(NotFoundError, match="no athlete named 'ana'; known athletes: Bea"):
        services.delete_athlete(engine, "ana")


def test_a_deleted_athletes_files_can_be_imported_again(engine: Engine) -> None:
    import_runs(engine, [8], athlete="Ana")
    services.delete_athlete(engine, "Ana")
    import_runs(engine, [8], athlete="Ana")
    assert len(services.list_activities(engine, "Ana")) == 1


@pytest.mark.parametrize(
    ("machine", "expected"),
    [
        ("Europe/Zurich", "Europe/Zurich"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        (None, "UTC"),
        ("", "UTC"),
        ("Not/AZone", "UTC"),
        ("/etc/localtime", "UTC"),
    ],
)
def test_default_home_tz_is_the_machines_zone_or_utc(
    monkeypatch: pytest.MonkeyPatch, machine: str | None, expected: str
) -> None:
    monkeypatch.setattr(localtime.tzlocal, "get_localzone_name", lambda: machine)
    assert services.default_home_tz() == expected


def test_default_home_tz_is_utc_when_the_machines_zone_cannot_be_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def conflicting() -> str:
        raise ZoneInfoNotFoundError("Multiple conflicting time zone configurations found")

    monkeypatch.setattr(localtime.tzlocal, "get_localzone_name", conflicting)
    assert services.default_home_tz() == "UTC"


def test_a_new_athlete_gets_the_home_zone_passed_and_an_existing_one_keeps_hers(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(localtime.tzlocal, "get_localzone_name", lambda: "Asia/Tokyo")
    with Session(engine) as session, session.begin():
        admin.get_or_create_athlete(session, "Ana", home_tz=services.default_home_tz())
    assert services.athlete_settings(engine, "ana").home_tz == "Asia/Tokyo"
    with Session(engine) as session, session.begin():
        admin.get_or_create_athlete(session, "ANA", home_tz="Europe/Zurich")
    assert services.athlete_settings(engine, "Ana").home_tz == "Asia/Tokyo"


def test_delete_keeps_a_file_another_athletes_activity_is_made_of(engine: Engine) -> None:
    """One leg of a multi-sport file moved to Bea: deleting Ana keeps that file for Bea."""
    from tests.conftest import DATA

    triathlon = (DATA / "fit/triathlon-3-sessions.fit").read_bytes()
    services.import_uploads(engine, [("tri.fit", triathlon)], athlete="Ana", today=TODAY)
    _add(engine, "Bea")
    legs = services.list_activities(engine, "Ana")
    assert len(legs) == 3
    services.move_activity(engine, legs[1].id, "Bea")

    name, deleted = services.delete_athlete(engine, "ana")
    assert (name, deleted.activities, deleted.originals) == ("Ana", 2, 0)
    (moved,) = services.list_activities(engine, "Bea")
    assert len(services.activity_detail(engine, moved.id).sources) == 1
    with Session(engine) as session:
        bea_id = admin.get_athlete(session, "Bea").id
        assert list(session.scalars(select(OriginalFile.athlete_id))) == [bea_id]


def test_every_service_matches_ignoring_case_and_a_new_athlete_gets_the_machines_zone(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(localtime.tzlocal, "get_localzone_name", lambda: "Europe/Zurich")
    import_runs(engine, [5.0], athlete="Ana")
    services.add_shoe(engine, "ana", "Clifton 9")  # once created a second athlete "ana"
    services.log_pain(engine, "ANA", during=1, after=2, today=TODAY)
    assert _names(engine) == ["Ana"]
    assert [s.name for s in services.list_shoes(engine, "Ana")] == ["Clifton 9"]
    assert services.athlete_settings(engine, "ana").home_tz == "Europe/Zurich"
