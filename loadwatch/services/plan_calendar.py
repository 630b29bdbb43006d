"""The plan in the runner's calendar (issue #25): the coming days as an iCalendar file.

One all-day event per planned day (run with its cap, cross-training, strength, rest), each with
a UID that depends only on the athlete and the day, so importing a newer file into a calendar
app updates the events instead of adding copies. Written with the `icalendar` library.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import Engine

from loadwatch.auth import LOCAL, Actor
from loadwatch.domain import PlanDay, PlanKind
from loadwatch.services._common import today as local_today
from loadwatch.services.reports import report
from loadwatch.units import DistanceUnit, format_distance

PRODID = "-//loadwatch//training plan//EN"
UID_DOMAIN = "plan.loadwatch"


def plan_uid(athlete: str, day: date) -> str:
    """The stable UID of an athlete's planned day: the same day gives the same UID in every
    file, whatever the plan says that day (a calendar app then updates the event)."""
    digest = hashlib.sha256(athlete.casefold().encode("utf-8")).hexdigest()[:16]
    return f"{day.isoformat()}-{digest}@{UID_DOMAIN}"


def _summary(day: PlanDay, units: DistanceUnit) -> str:
    if day.kind is PlanKind.RUN:
        cap = (
            f" (at most {format_distance(day.max_distance_m, units)})" if day.max_distance_m else ""
        )
        text = f"Run{cap}"
        return text + " + strength" if day.strength else text
    if day.kind is PlanKind.CROSS_TRAINING:
        return "Cross-training" + (f": {day.sport}" if day.sport else "")
    if day.kind is PlanKind.STRENGTH:
        return "Strength session"
    return "Rest day"


def plan_ical(
    athlete: str,
    plan: Sequence[PlanDay],
    units: DistanceUnit,
    *,
    stamp: datetime | None = None,
) -> bytes:
    """An iCalendar file (RFC 5545) of the plan's days from today on.

    Args:
        athlete: whose plan (part of each UID and of the calendar's name).
        plan: the plan's days, in order; days already done are marked so in their description.
        units: km or mi for the run caps.
        stamp: the UTC time the file is written (DTSTAMP; an aware datetime; default now).

    Returns:
        The file's bytes (CRLF line ends, as the standard asks).
    """
    stamp = stamp or datetime.now(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"loadwatch plan: {athlete}")
    for day in plan:
        event = Event()
        event.add("uid", plan_uid(athlete, day.date))
        event.add("dtstamp", stamp)
        event.add("dtstart", day.date)
        event.add("dtend", day.date + timedelta(days=1))
        event.add("summary", _summary(day, units))
        why = day.reason + (" (done)" if day.done else "")
        event.add(
            "description",
            f"{why}\n\nFrom loadwatch's plan; it informs and is not medical advice.",
        )
        event.add("transp", "TRANSPARENT")
        event.add("categories", [day.kind.value])
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def plan_ics(
    engine: Engine,
    athlete: str,
    *,
    as_of: date | None = None,
    today: date | None = None,
    actor: Actor = LOCAL,
) -> bytes:
    """The athlete's plan from `as_of` (default today) as an iCalendar file.

    Raises:
        NotFoundError: unknown athlete. NotAllowedError: `actor` may not read it.
        InputError: a bad date or name.
    """
    today = today or local_today()
    result = report(engine, athlete, as_of or today, today=today, actor=actor)
    return plan_ical(result.athlete, result.plan, result.units)


__all__ = ["plan_ical", "plan_ics", "plan_uid"]
