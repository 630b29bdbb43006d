"""This week: the runner's load, warnings, plan, runs, shoes and pain."""

from __future__ import annotations

from datetime import date

import streamlit as st

from loadwatch import services
from loadwatch.ui import cached, charts
from loadwatch.ui.components import (
    alert_list,
    athlete_picker,
    date_range,
    plan_calendar,
    plan_file,
    strength_card,
    week_picker,
)
from loadwatch.ui.state import current_actor, get_engine, today
from loadwatch.units import format_distance

# A last run this long before the day viewed is "long ago": this week and last are empty, and
# the page says when the last run was and offers that week (issue #12).
LONG_AGO_DAYS = 14

st.title("This week")
athlete = athlete_picker.pick()
if athlete is None:
    st.info(
        "No runs yet: import a .fit, .gpx or .tcx file (or a Garmin/Strava export) "
        "on the Import page."
    )
    st.page_link(
        "loadwatch/ui/pages/import_page.py", label="Import files", icon=":material/upload_file:"
    )
    st.stop()

actor = current_actor()
now = today()
as_of = week_picker.pick(now)
view = cached.report(get_engine(), athlete, as_of, today=now, actor=actor)
data = services.report_json(view)
units = view.units
context = data["context"]

st.caption(
    f"{athlete} · as of {view.as_of:%A %d %B %Y} · weeks start on {data['week_start'].title()}"
)
head = view.headline


def _ago(last: date, day: date) -> str:
    days = (day - last).days
    if days >= 730:
        return f"{days // 365} years"
    if days >= 60:
        return f"{days // 30} months"
    return f"{days} days"


last_run = head.last_run_date
if last_run is not None and (view.as_of - last_run).days > LONG_AGO_DAYS:
    if not week_picker.is_chosen():  # opened without a day: go to the last run's week (#24)
        week_picker.open_day(last_run)
    st.info(
        f"Your last run was {last_run:%a %d %b %Y}, {_ago(last_run, view.as_of)} before "
        f"{view.as_of:%a %d %b %Y}: the numbers below are for a week without running.",
        icon=":material/history:",
    )
    st.page_link(
        "loadwatch/ui/pages/this_week_page.py",
        label=f"Open the week of {last_run:%a %d %b %Y}",
        icon=":material/event:",
        query_params=week_picker.link_query(last_run, athlete),
    )
elif last_run is not None and last_run == view.as_of and (now - last_run).days > LONG_AGO_DAYS:
    st.info(
        f"Your last run was {last_run:%a %d %b %Y}, {_ago(last_run, now)} ago: this is its week. "
        '"Back to today" shows this week.',
        icon=":material/history:",
    )
elif last_run is None and data["weeks"] == []:
    st.info("No runs up to this day: pick a later day, or import runs on the Import page.")
this_week, mean4, cap, pain_zone = st.columns(4)
if data["weeks"]:
    growth = head.growth_to_date_ratio
    this_week.metric(
        "This week so far",
        format_distance(head.this_week_m, units),
        None if growth is None else f"{growth:+.0%} vs last week to {view.as_of:%a}",
        delta_color="inverse",
        help=f"Last week up to {view.as_of:%A}: {format_distance(head.last_week_to_date_m, units)}"
        f" (whole week {format_distance(head.last_week_m, units)}); like with like.",
    )
    mean = head.four_week_mean_m
    mean_to_date = head.four_week_mean_to_date_m
    # like with like, and only beside a mean that is shown
    versus = context["this_week_vs_four_week_mean_to_date_ratio"] if mean else None
    mean4.metric(
        "4-week mean",
        format_distance(mean, units) if mean else "n/a",
        None if versus is None else f"{versus:+.0%} vs the 4 weeks to {view.as_of:%a}",
        delta_color="off",
        delta_arrow="off",
        help="The mean of the last four whole weeks. The change compares this week so far with "
        f"those weeks up to the same weekday ({view.as_of:%A}): "
        f"{format_distance(mean_to_date or 0.0, units)} on average; like with like.",
    )
cap.metric(
    "Next run: keep under",
    format_distance(head.next_run_cap_m, units) if head.next_run_cap_m else "none",
    help=head.next_run_note,
)
zone = head.pain_zone
zone_text = zone.title() if zone else "Not logged"
zone_note: str | None = None
if head.pain_trend == "rising":
    zone_note = "morning pain rising"
elif zone == "amber" and head.pain_settled is None:
    zone_note = "settled? log tomorrow's morning"
elif zone == "amber":
    zone_note = "settled: acceptable" if head.pain_settled else "not settled"
elif zone == "green":
    zone_note = "safe"
elif zone is not None:
    zone_note = "see the warnings"
pain_zone.metric(
    "Pain zone",
    zone_text,
    zone_note,
    delta_color="off",
    delta_arrow="off",
    help="The latest post-run pain of the last 7 days: 0-2 safe; 3-5 acceptable if it settles "
    "by the next morning; above 5, or not settled, red. Morning trend (this week's mean morning "
    f"pain against last week's, two mornings in each at least): {head.pain_trend}.",
)
st.caption(head.next_run_note[:1].upper() + head.next_run_note[1:] + ".")

st.subheader("Warnings")
alert_list.show(view.alerts, units)

st.subheader("Next 7 days")
plan_calendar.show(view.plan, units)
plan_file.download(view.athlete, view.plan, units)
strength_card.show(athlete, view.plan, view.as_of, now)
view_json = services.report_json(view)
for change in view_json["plan_changes"]:  # issue #20: why a day changed since yesterday
    st.caption(
        f"Changed since yesterday morning, {date.fromisoformat(change['date']):%a %d %b}: "
        f"{change['before']} -> {change['after']}, because {'; '.join(change['reasons'])}."
    )

st.subheader("The season")
season = view_json["season"]
if season is not None:
    st.caption(
        f"Run days: {', '.join(d.title() for d in season['run_weekdays'])} "
        f"({season['run_days_from']}). {season['level_note'][:1].upper()}"
        f"{season['level_note'][1:]}."
    )
    st.dataframe(
        [
            {
                "week of": w["week_start"],
                "planned": "no target yet"
                if w["target_m"] is None
                else format_distance(w["target_m"], units),
                "week": w["kind"],
                "why": w["reason"],
            }
            for w in season["weeks"]
        ],
        hide_index=True,
        width="stretch",
    )

st.subheader("History")
# "All" starts every chart on the first day of the log's first week, so the charts agree.
log_days = [*view.weekly["week_start"][:1], *view.pain_entries["entry_date"][:1]]
start = date_range.pick(view.as_of) or (min(log_days) if log_days else None)
window = {"start": start, "end": view.as_of}
left, right = st.columns(2)
with left:
    st.plotly_chart(
        charts.weekly_distance(view.weekly, units, view.thresholds, **window),
        key="chart.weekly",
        config=charts.CONFIG,
    )
with right:
    st.plotly_chart(
        charts.runs(view.spikes, units, view.thresholds, **window),
        key="chart.runs",
        config=charts.CONFIG,
    )
left, right = st.columns(2)
with left:
    if view.shoes.empty:
        st.subheader("Shoes")
        st.info("No shoes yet: add your pair on the Shoes page to track its mileage.")
    else:
        st.plotly_chart(charts.shoes(view.shoes, units), key="chart.shoes", config=charts.CONFIG)
with right:
    st.plotly_chart(
        charts.pain(view.pain_entries, view.thresholds, **window),
        key="chart.pain",
        config=charts.CONFIG,
    )

st.caption(
    f"Monotony {view.monotony:.1f} · strain {view.strain:.0f}"
    + (
        f" · ACWR {view.acwr:.2f} (contested, context only)"
        if view.acwr is not None
        else " · ACWR hidden until 28 days of data"
    )
)
st.caption(
    "loadwatch informs and cites its sources; it is not medical advice and does not diagnose."
)
