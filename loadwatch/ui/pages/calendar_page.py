"""Calendar: a month of runs, cross-training and strength, pain dots coloured by zone, and the
7-day plan's days ahead (issue #12), weeks starting on the athlete's week start."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from loadwatch import services
from loadwatch.domain import WEEKDAYS, PlanDay, PlanKind, Sport
from loadwatch.ui import cached
from loadwatch.ui.components import athlete_picker
from loadwatch.ui.state import current_actor, get_engine, today
from loadwatch.units import format_distance, to_unit

MONTH = "calendar_page.month"  # the first day of the month shown
_SPORT_ICON = {
    Sport.RUN: ":material/directions_run:",
    Sport.WALK: ":material/directions_walk:",
    Sport.HIKE: ":material/hiking:",
    Sport.RIDE: ":material/directions_bike:",
    Sport.SWIM: ":material/pool:",
    Sport.STRENGTH: ":material/fitness_center:",
}
_PLAN_ICON = {
    PlanKind.RUN: ":material/directions_run:",
    PlanKind.CROSS_TRAINING: ":material/pool:",
    PlanKind.STRENGTH: ":material/fitness_center:",
    PlanKind.REST: ":material/bedtime:",
}
_ZONE_COLOUR = {"green": "green", "amber": "orange", "red": "red"}


def _shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _go(months: int | None) -> None:
    current = st.session_state[MONTH]
    st.session_state[MONTH] = today().replace(day=1) if months is None else _shift(current, months)


def _clock(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d} h" if minutes >= 60 else f"{minutes} min"


st.title("Calendar")
athlete = athlete_picker.pick()
if athlete is None:
    st.info("Nothing to show yet: import a .fit, .gpx or .tcx file on the Import page.")
    st.page_link(
        "loadwatch/ui/pages/import_page.py", label="Import files", icon=":material/upload_file:"
    )
    st.stop()
now = today()
is_auto = False  # no month chosen: this month, or the last activity's month (issue #24)
if not isinstance(st.session_state.get(MONTH), date):
    wanted = st.query_params.get("month", "")
    try:
        st.session_state[MONTH] = date.fromisoformat(wanted + "-01").replace(day=1)
    except ValueError:
        st.session_state[MONTH] = now.replace(day=1)
        is_auto = True
month: date = st.session_state[MONTH]
view = cached.calendar_month(get_engine(), athlete, month, today=now, actor=current_actor())
last = view.last_activity_day
if is_auto and last is not None and last < month:
    month = st.session_state[MONTH] = last.replace(day=1)
    view = cached.calendar_month(get_engine(), athlete, month, today=now, actor=current_actor())
    st.info(
        f"Your last activity was on {last:%a %d %b %Y}: this is its month. "
        '"This month" shows the current one.',
        icon=":material/history:",
    )
st.query_params["month"] = f"{month:%Y-%m}"
unit = view.units.value

back, label, forward, this_month = st.columns([1, 2, 1, 1], vertical_alignment="center")
back.button("Previous", icon=":material/chevron_left:", on_click=_go, args=(-1,), key="cal.prev")
label.markdown(f"### {month:%B %Y}")
forward.button("Next", icon=":material/chevron_right:", on_click=_go, args=(1,), key="cal.next")
this_month.button(
    "This month",
    on_click=_go,
    args=(None,),
    disabled=month == now.replace(day=1),
    key="cal.today",
)

# Two renderings of the same month; the screen's width picks one (issue #24): a grid on a wide
# screen, a list of weeks with weekdays on a phone (Streamlit would stack the grid's columns
# into a long list of day cards without weekdays).
st.html(
    """<style>
.st-key-calendar_grid [data-testid="stPageLink"] a { padding: 0 0.15rem; gap: 0.15rem; }
.st-key-calendar_grid [data-testid="stVerticalBlockBorderWrapper"] { padding: 0.35rem; }
.st-key-calendar_grid p { font-size: 0.8rem; line-height: 1.3; overflow-wrap: anywhere; }
@media (max-width: 640px) { .st-key-calendar_grid { display: none; } }
@media (min-width: 641px) { .st-key-calendar_list { display: none; } }
</style>"""
)


def _amount(item: services.CalendarActivity) -> str:
    if item.distance_m >= 100:
        return f"{to_unit(item.distance_m, view.units):.1f}"
    return _clock(item.duration_s)


def _activity_link(item: services.CalendarActivity, label: str) -> None:
    st.page_link(
        "loadwatch/ui/pages/activities_page.py",
        label=label,
        icon=_SPORT_ICON.get(item.sport, ":material/exercise:"),
        help=f"{item.name or item.sport.value}, "
        f"{format_distance(item.distance_m, view.units)}: open it",
        query_params={"activity": str(item.id)},
    )


def _pain_text(day: services.CalendarDay) -> str:
    colour = _ZONE_COLOUR[day.pain_zone or "green"]
    what = "morning" if day.is_morning_only else "pain"
    return f":{colour}[●] {what} {day.pain_score}/10"


def _plan_text(plan: PlanDay) -> str:
    text = plan.kind.value.replace("-", " ")
    if plan.max_distance_m:
        text = f"≤ {to_unit(plan.max_distance_m, view.units):.1f} {unit}"
    return f":violet[{_PLAN_ICON[plan.kind]} *plan {text}*]"


with st.container(key="calendar_grid"):
    heads = st.columns(8)
    for offset, column in enumerate(heads[:7]):
        column.markdown(f"**{WEEKDAYS[(view.week_start + offset) % 7][:3].title()}**")
    heads[7].markdown(f"**Week** ({unit})")
    for index, week in enumerate(view.weeks):
        columns = st.columns(8)
        for column, day in zip(columns[:7], week, strict=True):
            with column.container(border=True):
                number = f"{day.date.day}" if day.date.day != 1 else f"{day.date:%d %b}"
                if day.is_today:
                    st.markdown(f":blue-background[**{number} today**]")
                elif day.is_in_month:
                    st.markdown(f"**{number}**")
                else:
                    st.markdown(f":gray[{number}]")
                for item in day.activities:
                    _activity_link(item, _amount(item))
                if day.pain_zone is not None:
                    st.markdown(_pain_text(day))
                if day.plan is not None and not day.activities:
                    st.markdown(_plan_text(day.plan))
        with columns[7]:
            run_m = view.week_run_m(index)
            st.markdown(f"**{to_unit(run_m, view.units):.1f}** {unit}" if run_m else ":gray[-]")
            st.caption(f"from {week[0].date:%d %b}")

with st.container(key="calendar_list"):
    for index, week in enumerate(view.weeks):
        run_m = view.week_run_m(index)
        total = format_distance(run_m, view.units) if run_m else "no running"
        st.markdown(f"**Week from {week[0].date:%a %d %b}** · {total}")
        busy = [d for d in week if d.activities or d.pain_zone or (d.plan and not d.activities)]
        for day in busy:
            when = f"{day.date:%a %d}" + (" (today)" if day.is_today else "")
            for item in day.activities:
                amount = (
                    format_distance(item.distance_m, view.units)
                    if item.distance_m >= 100
                    else _clock(item.duration_s)
                )
                _activity_link(item, f"{when} · {item.sport.value} {amount}")
            extra = []
            if day.pain_zone is not None:
                extra.append(_pain_text(day))
            if day.plan is not None and not day.activities:
                extra.append(_plan_text(day.plan))
            if extra:
                st.markdown(f"{when} · " + " · ".join(extra))
        if not busy:
            st.caption("Nothing logged.")

st.caption(
    "Pain dots: :green[●] safe, :orange[●] acceptable, :red[●] too much or not settled by the "
    'next morning (the pain-monitoring model, your zone edges); "morning" is a morning '
    "check-in. :violet[Plan] days come "
    f"from the 7-day plan as of today, {now:%a %d %b} (≤ the longest run it allows). "
    f"Distances in {unit}; week totals count running only."
)
if not any(day.activities for week in view.weeks for day in week):
    before = (month - timedelta(days=1)).replace(day=1)
    st.info(f"Nothing logged in {month:%B %Y}. Use Previous to go back to {before:%B %Y}.")
