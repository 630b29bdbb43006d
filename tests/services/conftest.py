"""Helpers shared by the service tests: a fixed day and a quick way to import a few runs."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine

from loadwatch import services
from loadwatch.synth import fit_bytes, make_track

TODAY = date(2026, 3, 20)


def import_runs(engine: Engine, kms: list[float], athlete: str = "ana") -> None:
    """Import one synthetic FIT run per distance (km), every other day from 1 March 2026."""
    files = []
    for i, km in enumerate(kms):
        started = datetime(2026, 3, 1 + 2 * i, 7, tzinfo=UTC)
        track = make_track(
            started, km * 1000, 330, seed=sum(map(ord, athlete)) * 100 + i, interval_s=30
        )
        files.append((f"{i}.fit", fit_bytes([track])))
    services.import_uploads(engine, files, athlete=athlete, today=TODAY)
