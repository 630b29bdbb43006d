"""Local time from the best evidence (issue #10 item 5): position, then the file, then home."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from loadwatch.services._localtime import is_real_offset, local_offset_s
from tests.factories import parsed_activity

SUMMER = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)  # CEST (+2 h) in Zurich, EDT (-4 h) in New York
WINTER = datetime(2026, 1, 15, 6, 0, tzinfo=UTC)
ZURICH = (47.37, 8.54)
NEW_YORK = (40.71, -74.0)


@pytest.mark.parametrize(
    ("changes", "home", "expected_h"),
    [
        ({"start_lat": ZURICH[0], "start_lon": ZURICH[1]}, "UTC", 2),
        ({"start_lat": ZURICH[0], "start_lon": ZURICH[1], "started_at": WINTER}, "UTC", 1),
        ({"start_lat": ZURICH[0], "start_lon": ZURICH[1], "utc_offset_s": 7200}, "UTC", 2),
        # the file's stated 0 is not believed over coordinates in Central Europe
        ({"start_lat": ZURICH[0], "start_lon": ZURICH[1], "utc_offset_s": 0}, "UTC", 2),
        # +00:15 exists nowhere; the position decides
        ({"start_lat": NEW_YORK[0], "start_lon": NEW_YORK[1], "utc_offset_s": 900}, "UTC", -4),
        # no position: the file's own offset, when it is a real one
        ({"utc_offset_s": 19_800}, "Europe/Zurich", 5.5),
        # no position and an offset used nowhere: the athlete's home zone
        ({"utc_offset_s": 900}, "America/New_York", -4),
        # no position, no offset: home zone, not UTC
        ({}, "Europe/Zurich", 2),
        # a virtual ride's coordinates are in a game world: never a zone from them
        ({"start_lat": -11.64, "start_lon": 166.95, "is_virtual": True}, "Europe/Zurich", 2),
        # an unknown home zone falls back to UTC
        ({}, "Not/AZone", 0),
    ],
    ids=[
        "zurich summer",
        "zurich winter",
        "file agrees",
        "file says 0 in zurich",
        "+00:15 in new york",
        "india, no gps",
        "+00:15, no gps",
        "home zone",
        "virtual ride",
        "bad home zone",
    ],
)
def test_local_offset_comes_from_the_best_evidence(
    changes: dict, home: str, expected_h: float
) -> None:
    assert local_offset_s(parsed_activity(**{"started_at": SUMMER, **changes}), home) == int(
        expected_h * 3600
    )


def test_real_offsets_are_those_the_tz_database_uses() -> None:
    assert is_real_offset(19_800, SUMMER)  # India +05:30
    assert is_real_offset(20_700, SUMMER)  # Nepal +05:45
    assert not is_real_offset(900, SUMMER)  # +00:15
    assert not is_real_offset(15 * 3600, SUMMER)
