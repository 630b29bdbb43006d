"""TCX importer against the corpus: totals from laps, checked against the manifest."""

from __future__ import annotations

from datetime import datetime

import pytest

from loadwatch.errors import CorruptFileError
from loadwatch.importers import tcx
from tests.conftest import CORPUS, corpus_params


@pytest.mark.corpus
@pytest.mark.parametrize(
    "row", corpus_params(lambda r: r["format"] == "tcx" and r["kind"] != "corrupt")
)
def test_corpus_tcx_totals_match_the_manifest(row: dict[str, str]) -> None:
    name = row["local_path"].split("/")[-1]
    (activity,) = tcx.parse((CORPUS / row["local_path"]).read_bytes(), name)
    assert activity.distance_m == pytest.approx(float(row["total_distance_m"]), abs=0.1)
    assert activity.moving_s == pytest.approx(float(row["total_timer_time_s"]), abs=0.5)
    assert activity.duration_s >= activity.moving_s
    assert activity.started_at == datetime.fromisoformat(row["start_time"])


@pytest.mark.corpus
@pytest.mark.parametrize(
    "row", corpus_params(lambda r: r["format"] == "tcx" and r["kind"] == "corrupt")
)
def test_corrupt_corpus_tcx_is_rejected(row: dict[str, str]) -> None:
    with pytest.raises(CorruptFileError, match="not well-formed TCX"):
        tcx.parse((CORPUS / row["local_path"]).read_bytes(), "malformed.tcx")


def test_laps_without_distance_fall_back_to_trackpoints() -> None:
    xml = (
        b'<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        b'<Activities><Activity Sport="Running"><Id>2026-01-01T10:00:00Z</Id>'
        b'<Lap StartTime="2026-01-01T10:00:00Z">'
        b"<TotalTimeSeconds>600</TotalTimeSeconds><DistanceMeters>0</DistanceMeters><Track>"
        b"<Trackpoint><Time>2026-01-01T10:00:00Z</Time><DistanceMeters>0</DistanceMeters></Trackpoint>"
        b"<Trackpoint><Time>2026-01-01T10:10:00Z</Time><DistanceMeters>2000</DistanceMeters></Trackpoint>"
        b"</Track></Lap></Activity></Activities></TrainingCenterDatabase>"
    )
    (activity,) = tcx.parse(xml, "t.tcx")
    assert activity.distance_m == 2000
    assert activity.duration_s == 600
