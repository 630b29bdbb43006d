"""Large GPX and TCX files are streamed (issue #23): the points leave the tree as they are read,
and the result is the same as reading the whole tree, on every corpus file and on made ones."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from loadwatch import synth
from loadwatch.domain import ParsedActivity
from loadwatch.errors import CorruptFileError, InputError
from loadwatch.importers import _xml, gpx, tcx
from tests.conftest import CORPUS, corpus_params

START = datetime(2026, 3, 1, 7, 0, tzinfo=UTC)
Parser = Callable[[bytes, str], tuple[ParsedActivity, ...]]


def _outcome(parse: Parser, data: bytes, name: str) -> object:
    try:
        return parse(data, name)
    except Exception as exc:  # the refusals must be the same too
        return (type(exc), str(exc))


def _both(
    monkeypatch: pytest.MonkeyPatch, parse: Parser, data: bytes, batch: int
) -> tuple[object, object]:
    """(the whole tree's result, the streamed one's with `batch` points at a time)."""
    whole = _outcome(parse, data, "f")
    with monkeypatch.context() as patch:
        patch.setattr(_xml, "STREAM_MIN_BYTES", 0)
        patch.setattr(_xml, "BATCH_POINTS", batch)
        streamed = _outcome(parse, data, "f")
    return whole, streamed


@pytest.mark.corpus
@pytest.mark.parametrize("row", corpus_params(lambda r: r["format"] in ("gpx", "tcx")))
@pytest.mark.parametrize("batch", [1, 7])
def test_streaming_a_corpus_file_gives_what_the_whole_tree_gives(
    monkeypatch: pytest.MonkeyPatch, row: dict[str, str], batch: int
) -> None:
    data = (CORPUS / row["local_path"]).read_bytes()
    parse = gpx.parse if row["format"] == "gpx" else tcx.parse
    whole, streamed = _both(monkeypatch, parse, data, batch)
    assert streamed == whole


def _messy_gpx() -> bytes:
    """Two tracks (one of two segments), a point with an impossible time, one with two heart
    rates (read point by point), a point dated 1970 (a glitch, dropped and said)."""
    first = synth.make_track(START, 3000.0, seed=1)
    second = synth.make_track(START + timedelta(hours=3), 2000.0, seed=2)
    text = synth.gpx_bytes([first, second]).decode()
    points = re.findall(r"<trkpt .*?</trkpt>", text, flags=re.S)
    text = text.replace(points[5], points[5].replace("<time>", "<time>2026-13-45T", 1), 1)
    doubled = points[20].replace("</gpxtpx:hr>", "</gpxtpx:hr><gpxtpx:hr>150</gpxtpx:hr>", 1)
    text = text.replace(points[20], doubled, 1)
    glitched = re.sub(r"<time>\d{4}", "<time>1970", points[30], count=1)
    text = text.replace(points[30], glitched, 1)
    text = text.replace(points[40], points[40] + "</trkseg><trkseg>", 1)
    return text.encode()


@pytest.mark.parametrize("batch", [1, 3, 50])
def test_streaming_a_messy_gpx_gives_what_the_whole_tree_gives(
    monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    whole, streamed = _both(monkeypatch, gpx.parse, _messy_gpx(), batch)
    assert isinstance(whole, tuple) and len(whole) == 2
    assert whole[0].repairs and whole[0].skipped_records
    assert streamed == whole


@pytest.mark.parametrize("batch", [1, 4, 64])
def test_streaming_a_tcx_gives_what_the_whole_tree_gives(
    monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    track = synth.make_track(START, 5000.0, seed=4)
    text = synth.tcx_bytes(track).decode()
    times = re.findall(r"<Time>[^<]*</Time>", text)
    text = text.replace(times[10], "<Time>2099-01-01T00:00:00Z</Time>", 1)  # a glitch
    whole, streamed = _both(monkeypatch, tcx.parse, text.encode(), batch)
    assert isinstance(whole, tuple) and whole[0].repairs
    assert streamed == whole


def test_streamed_points_leave_the_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_xml, "STREAM_MIN_BYTES", 0)
    monkeypatch.setattr(_xml, "BATCH_POINTS", 10)
    data = synth.gpx_bytes(synth.make_track(START, 2000.0, seed=5))
    batches: list[int] = []

    def owner(point: _xml.XmlElement) -> _xml.XmlElement:
        return point.getparent()

    def consume(group: _xml.XmlElement, points: list[_xml.XmlElement]) -> None:
        batches.append(len(points))

    root = _xml.parse_xml_pruned(data, "f", "GPX", "{*}trkpt", owner, consume)
    total = data.count(b"<trkpt ")
    left = len(list(root.iter("{*}trkpt")))
    assert batches == [10] * (total // 10)
    assert left == total % 10


def test_streaming_keeps_the_entity_defence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_xml, "STREAM_MIN_BYTES", 0)
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><gpx><trk><trkseg>'
        b'<trkpt lat="1" lon="1"><name>&b;</name></trkpt></trkseg></trk></gpx>'
    )
    with pytest.raises(InputError, match="refused as unsafe"):
        gpx.parse(bomb, "bomb.gpx")


def test_a_file_cut_mid_stream_is_refused_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_xml, "STREAM_MIN_BYTES", 0)
    monkeypatch.setattr(_xml, "BATCH_POINTS", 5)
    data = synth.gpx_bytes(synth.make_track(START, 3000.0, seed=6))
    with pytest.raises(CorruptFileError, match="not well-formed GPX XML"):
        gpx.parse(data[: len(data) * 2 // 3], "cut.gpx")


@pytest.mark.corpus
@pytest.mark.parametrize("row", corpus_params(lambda r: r["format"] == "gpx"))
def test_point_texts_reads_what_each_point_holds(row: dict[str, str]) -> None:
    """The column reader (one pass per tag over the segment) against a plain per-point find."""
    data = (CORPUS / row["local_path"]).read_bytes()
    try:
        root = _xml.parse_xml(data, "f", "GPX")
    except Exception:  # a corpus file refused as damaged has no columns to compare
        pytest.skip("not well-formed")
    ns = _xml.namespace(root)
    for seg in root.iter(f"{ns}trkseg"):
        points = seg.findall(f"{ns}trkpt")
        for tag, depth in ((f"{ns}time", 1), (f"{ns}ele", 1), ("{*}hr", None)):
            found = [
                [e.text or "" for e in (p.findall(tag) if depth else p.iter(tag))] for p in points
            ]
            expected = (
                None if any(len(f) > 1 for f in found) else [f[0] if f else None for f in found]
            )
            assert _xml.point_texts(seg, points, tag, depth) == expected
