"""User text, dates, ids and shoe distances are checked at the service boundary (issue #15).

Every test runs on SQLite, and on PostgreSQL when LOADWATCH_TEST_PG_URL is set (the `engine`
fixture in tests/conftest.py): the same input gets the same InputError on both, where before
SQLite stored a NUL or a 100,000-character name and PostgreSQL raised a `DataError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine

from loadwatch import services
from loadwatch.errors import InputError, NotFoundError
from loadwatch.services._checks import (
    NAME_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    athlete_name,
    clean_text,
    file_text,
    optional_text,
)
from tests.services.conftest import TODAY, import_runs

Store = Callable[[Engine, str], object]


def _athlete(engine: Engine, value: str) -> object:
    return services.add_shoe(engine, value, "Pegasus")


def _coach(engine: Engine, value: str) -> object:
    services.add_shoe(engine, "ana", "Pegasus")
    return services.add_to_squad(engine, value, ["ana"])


def _shoe(engine: Engine, value: str) -> object:
    return services.add_shoe(engine, "ana", value)


def _brand_model(engine: Engine, value: str) -> object:
    return services.add_shoe(engine, "ana", "Pegasus", brand_model=value)


def _note(engine: Engine, value: str) -> object:
    services.add_shoe(engine, "ana", "Pegasus")  # creates ana
    return services.log_pain(engine, "ana", during=2, after=3, note=value, today=TODAY)


def _edited_note(engine: Engine, value: str) -> object:
    entry = _note(engine, "first")
    return services.edit_pain(engine, "ana", entry.id, note=value)  # type: ignore[attr-defined]


def _location(engine: Engine, value: str) -> object:
    services.add_shoe(engine, "ana", "Pegasus")
    return services.log_pain(engine, "ana", during=2, after=3, location=value, today=TODAY)


# field as named in the message, how a service stores it, its limit, whether blank is "none"
FIELDS = [
    pytest.param("athlete name", _athlete, NAME_MAX_LENGTH, False, id="athlete"),
    pytest.param("coach name", _coach, NAME_MAX_LENGTH, False, id="coach"),
    pytest.param("shoe name", _shoe, NAME_MAX_LENGTH, False, id="shoe"),
    pytest.param("shoe brand and model", _brand_model, NAME_MAX_LENGTH, True, id="brand_model"),
    pytest.param("pain note", _note, NOTE_MAX_LENGTH, True, id="note"),
    pytest.param("pain note", _edited_note, NOTE_MAX_LENGTH, True, id="edited-note"),
    pytest.param("pain location", _location, 32, False, id="location"),
]


@pytest.mark.parametrize(("field", "store", "limit", "optional"), FIELDS)
def test_blank_text_is_refused_or_means_none(
    engine: Engine, field: str, store: Store, limit: int, optional: bool
) -> None:
    if optional:
        store(engine, "   ")  # a blank model or note is "no model", "no note"
        return
    with pytest.raises(InputError, match=f"^{field} must not be empty$"):
        store(engine, "  \t ")


@pytest.mark.parametrize(("field", "store", "limit", "optional"), FIELDS)
@pytest.mark.parametrize(
    ("bad", "what"),
    [
        ("a\x00b", "a NUL character at position 2"),
        ("a\x07b", r"the control character '\\x07' at position 2"),
        ("ab\x1b[31m", r"the control character '\\x1b' at position 3"),
        ("a\x7f", r"the control character '\\x7f' at position 2"),
        ("a\udc80", "bytes that are not valid text"),
    ],
    ids=["nul", "bell", "escape", "delete", "surrogate"],
)
def test_nul_and_control_characters_are_refused_naming_the_field(
    engine: Engine, field: str, store: Store, limit: int, optional: bool, bad: str, what: str
) -> None:
    with pytest.raises(InputError, match=f"^{field} contains {what}"):
        store(engine, bad)


@pytest.mark.parametrize(("field", "store", "limit", "optional"), FIELDS)
def test_text_over_the_column_length_is_refused_naming_field_length_and_limit(
    engine: Engine, field: str, store: Store, limit: int, optional: bool
) -> None:
    with pytest.raises(
        InputError, match=f"^{field} is {limit + 30:,} characters; the limit is {limit:,}$"
    ):
        store(engine, "x" * (limit + 30))


def test_text_at_the_limit_is_stored_whole_and_trimmed_on_every_database(engine: Engine) -> None:
    name, shoe, model = "a" * NAME_MAX_LENGTH, "s" * NAME_MAX_LENGTH, "m" * NAME_MAX_LENGTH
    services.add_shoe(engine, f"  {name}  ", f" {shoe} ", brand_model=f" {model} ")
    assert [a.name for a in services.list_athletes(engine)] == [name]
    (view,) = services.list_shoes(engine, name)
    assert (view.name, view.brand_model) == (shoe, model)
    assert services.add_to_squad(engine, "c" * NAME_MAX_LENGTH, [f" {name}"]) == [name]
    note = "line one\n\tline two " + "n" * (NOTE_MAX_LENGTH - 19)
    assert len(note) == NOTE_MAX_LENGTH
    entry = services.log_pain(engine, name, during=1, after=2, note=f"{note}\n", today=TODAY)
    assert services.list_pain(engine, name)[0].note == note
    assert services.edit_pain(engine, name, entry.id, note="").note is None  # blank clears it


def test_names_are_checked_on_lookups_too_so_postgresql_never_sees_a_nul(engine: Engine) -> None:
    services.add_shoe(engine, "ana", "Pegasus")
    calls: list[Callable[[], object]] = [
        lambda: services.report(engine, "a\x00", today=TODAY),
        lambda: services.list_pain(engine, "a\x00"),
        lambda: services.list_shoes(engine, "a\x00"),
        lambda: services.athlete_settings(engine, "a\x00"),
        lambda: services.list_activities(engine, "a\x00"),
        lambda: services.update_settings(engine, "a\x00", units="mi"),
        lambda: services.log_morning_pain(engine, "a\x00", 1, today=TODAY),
        lambda: services.add_to_squad(engine, "Coach", ["a\x00"]),
    ]
    for call in calls:
        with pytest.raises(InputError, match=r"^athlete name contains a NUL character"):
            call()
    for call in [
        lambda: services.set_default_shoe(engine, "ana", "P\x00"),
        lambda: services.retire_shoe(engine, "ana", "P\x00", today=TODAY),
    ]:
        with pytest.raises(InputError, match=r"^shoe name contains a NUL character"):
            call()
    with pytest.raises(InputError, match=r"^coach name contains a NUL character"):
        services.squad_overview(engine, today=TODAY, coach="C\x00")
    # A name that only differs by surrounding spaces or by case is the same athlete (issue #10).
    assert services.list_shoes(engine, " ana ")[0].name == "Pegasus"
    assert services.list_shoes(engine, "Ana")[0].name == "Pegasus"
    with pytest.raises(NotFoundError, match="no athlete named 'Bob'"):
        services.list_shoes(engine, "Bob")


def test_clean_text_helpers_for_other_callers() -> None:
    assert clean_text("  Évora 10 km  ", "activity name", 200) == "Évora 10 km"
    assert clean_text("a\nb", "pain note", 10, multiline=True) == "a\nb"
    with pytest.raises(InputError, match=r"^pain note contains the control character '\\n'"):
        clean_text("a\nb", "pain note", 10)
    with pytest.raises(InputError, match=r"^activity name must be text, got 3"):
        clean_text(3, "activity name", 200)  # type: ignore[arg-type]
    assert optional_text(None, "x", 5) is None
    assert optional_text(" ", "x", 5) is None
    assert athlete_name(" ana ") == "ana"
    with pytest.raises(InputError, match=r"^athlete name is 150 characters; the limit is 120$"):
        athlete_name("x" * 150)


def test_file_text_makes_names_read_from_files_storable() -> None:
    assert file_text(" Morning\x00 Run\udc80 ", 200) == "Morning Run"
    assert file_text("x" * 300, 200) == "x" * 200
    assert file_text("\x00 \x07", 200) is None
    assert file_text(None, 200) is None


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1989, 12, 31)])
def test_dates_before_1990_are_refused_not_an_overflow(engine: Engine, day: date) -> None:
    import_runs(engine, [5, 6])
    message = f"{day.isoformat()} is before 1990-01-01; give a date from then on"
    calls: list[tuple[str, Callable[[], object]]] = [
        ("as-of date", lambda: services.report(engine, "ana", day, today=TODAY)),
        ("as-of date", lambda: services.squad_overview(engine, day, today=TODAY)),
        ("pain date", lambda: services.log_pain(engine, "ana", during=2, after=None, on_date=day)),
        ("morning date", lambda: services.log_morning_pain(engine, "ana", 1, day, today=TODAY)),
        ("since date", lambda: services.list_activities(engine, "ana", day)),
    ]
    for what, call in calls:
        with pytest.raises(InputError, match=f"^{what} {message}$"):
            call()
    assert services.report(engine, "ana", date(1990, 1, 1), today=TODAY).as_of == date(1990, 1, 1)


@pytest.mark.parametrize("bad_id", [0, -1, 2**31, 2**63 - 1, 2**63, 10**20])
def test_ids_outside_the_database_range_are_not_found(engine: Engine, bad_id: int) -> None:
    import_runs(engine, [5])
    services.add_shoe(engine, "ana", "Pegasus")
    with pytest.raises(NotFoundError, match=f"^no activity with id {bad_id}; "):
        services.assign_shoe(engine, bad_id, "Pegasus")
    with pytest.raises(NotFoundError, match=f"^no activity with id {bad_id}; "):
        services.log_pain(engine, "ana", during=1, after=None, run_id=bad_id, today=TODAY)
    with pytest.raises(NotFoundError, match=f"^ana has no pain entry {bad_id};"):
        services.edit_pain(engine, "ana", bad_id, after=1)
    with pytest.raises(NotFoundError, match=f"^ana has no pain entry {bad_id};"):
        services.delete_pain(engine, "ana", bad_id)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"starting_distance_m": 1.6e41}, "starting distance 1.6e+38 km is more than any pair"),
        ({"starting_distance_m": float("inf")}, "starting distance inf km is more than any pair"),
        ({"starting_distance_m": 20_000_001.0}, "starting distance 20,000.001 km is more than any"),
        ({"starting_distance_m": float("nan")}, "starting distance must be a number, got nan"),
        ({"window_m": (1.0, 1e33)}, "replacement window ends at 1e+30 km, more than any pair"),
        ({"window_m": (1.0, float("nan"))}, "replacement window must be two increasing"),
    ],
    ids=["1.6e38km", "inf", "just-over", "nan", "window", "window-nan"],
)
def test_absurd_shoe_distances_are_refused(
    engine: Engine, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match="^" + re.escape(message)):
        services.add_shoe(engine, "ana", "Pegasus", **kwargs)  # type: ignore[arg-type]
    assert services.list_athletes(engine) == []  # refused before anything is stored
    services.add_shoe(engine, "ana", "Pegasus", starting_distance_m=20_000_000.0)
