"""The database's change counter for the views' caches (issue #27)."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadwatch.db import repository


def data_version(engine: Engine) -> int | None:
    """A number every committed change of the data the views read raises (an import, a pain
    entry, an edit, a setting, a squad's membership; not audit entries, logins or the coach's
    last visit): a cache keyed by it holds what the database answers now. It starts at a
    random value, so a database recreated at the same address does not repeat old numbers.
    None on a database without the counter: cache nothing then. One indexed read."""
    with Session(engine) as session:
        return repository.data_version(session)
