"""Squad (coach): a triage of every runner, worst first, with the reason in one sentence; the
coach acknowledges or snoozes a flag with a note, sees what is new since the last visit, and
downloads the table as CSV (issue #12)."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, datetime

import pandas as pd
import streamlit as st

from loadwatch import services
from loadwatch.errors import InputError, NotAllowedError, NotFoundError
from loadwatch.ui.state import current_actor, get_engine, open_athlete, today
from loadwatch.ui.text import markdown_text
from loadwatch.units import DistanceUnit, count_noun, to_unit

STATUS_LABEL = {"warning": "🔴 warning", "caution": "🟠 caution", "ok": "🟢 ok"}
STATUS_COLOUR = {  # the alert list's colours, light enough to read dark text on
    "warning": "background-color: #fde2e1",
    "caution": "background-color: #fff1d6",
    "ok": "background-color: #e3f4e6",
}
PAIN_LABEL = {"red": "🔴 red", "amber": "🟠 amber", "green": "🟢 green", None: ""}
SHOE_LABEL = {"replace": "replace", "caution": "near the end", "window": "in window", "ok": "ok"}
SNOOZE_CHOICES: dict[str, int | None] = {"Acknowledge (seen; keep it listed for 7 days)": None}
SNOOZE_CHOICES |= {f"Snooze {days} days": days for days in (3, 7, 14)}

AS_OF_KEY = "squad_page.as_of"
UNITS_KEY = "squad_page.units"
engine = get_engine()
actor = current_actor()


def _day(value: date | None) -> str:
    return f"{value:%a %d %b %Y}" if value else ""


def _moment(value: datetime) -> str:
    return f"{value.astimezone():%a %d %b %H:%M}"


def _back_to_today() -> None:
    st.session_state[AS_OF_KEY] = today()


st.title("Squad")
squads = services.list_coaches(engine, actor=actor)
squad = st.sidebar.selectbox("Squad", squads, key="squad_page.coach") if squads else None
picked, back = st.columns([3, 1], vertical_alignment="bottom")
as_of = picked.date_input(
    "As of", value=today(), max_value=today(), key=AS_OF_KEY, format="YYYY-MM-DD"
)
back.button(
    "Back to today", key="squad_page.today", on_click=_back_to_today, disabled=as_of == today()
)

visit_key = f"squad_page.last_visit.{squad}"
triage = services.squad_triage(
    engine,
    squad,
    as_of=as_of,
    today=today(),
    units=st.session_state.get(UNITS_KEY),
    last_visit=st.session_state.get(visit_key),
    actor=actor,
)
units = triage.units
if visit_key not in st.session_state:  # one visit per browser session: reruns keep "new"
    st.session_state[visit_key] = triage.last_visit
    services.record_squad_visit(engine, triage, actor=actor)


def _save_units() -> None:
    services.set_squad_units(engine, squad, st.session_state[UNITS_KEY], actor=actor)


st.sidebar.radio(
    "Distances in",
    [u.value for u in DistanceUnit],
    index=[u.value for u in DistanceUnit].index(units.value),
    key=UNITS_KEY,
    horizontal=True,
    on_change=_save_units,
)

if not triage.rows:
    st.info(
        "No athletes yet: import your runners' files on the Import page (one athlete per "
        "import), then add them to your squad with `loadwatch squad add COACH ATHLETE...`."
    )
    st.stop()

rows = triage.rows
flags = sorted({a.rule_id for t in rows for a in t.open_flags})
left, right = st.columns([2, 1])
wanted = left.multiselect(
    "Only athletes flagged for",
    flags,
    key="squad_page.flags",
    format_func=lambda rule: services.rule_title(rule),
)
attention_only = right.toggle("Needs attention only", key="squad_page.attention")
shown = [
    t
    for t in rows
    if (not wanted or set(wanted) & {a.rule_id for a in t.open_flags})
    and (not attention_only or t.status != "ok")
]
needing = sum(t.status != "ok" for t in rows)
new_count = sum(bool(t.new_flags) for t in rows)
visit = triage.last_visit
if visit.at is None:
    since = "first visit: flags that appear from now on are marked new"
else:
    since = f"{new_count} with new flags since your last visit ({_moment(visit.at)})"
st.caption(
    f"{count_noun(len(rows), 'athlete')} · {needing} {'needs' if needing == 1 else 'need'} "
    f"attention · {since} · as of {_day(triage.as_of)}"
)

weekday = f"{triage.as_of:%a}"
# R1: a run over the small-spike ratio (1.1x by default) of the longest of the 30 days before
SPIKE_RATIO = next(s.default for s in services.threshold_specs() if s.name == "small_spike_ratio")


def _distance(metres: float) -> float:
    return round(to_unit(metres, units), 1)


def _change(t: services.TriageRow) -> str:
    if t.row.last_week_to_date_m <= 0:
        return "no runs by then last week" if t.row.this_week_m > 0 else ""
    return f"{t.row.growth_ratio:+.0%}" if t.row.growth_ratio is not None else ""


def _spike(t: services.TriageRow) -> str:
    ratio = t.row.largest_spike_ratio
    if ratio is None:
        return "no runs"
    return f"{ratio:.2f}x" if ratio > SPIKE_RATIO else "none"


def _coach_note(t: services.TriageRow) -> str:
    parts = [
        f"💤 snoozed to {n.quiet_until:%a %d %b}" + (f": {n.note}" if n.note else "")
        for n in t.snoozed
    ]
    parts += [
        f"✓ seen {n.noted_on:%d %b}" + (f": {n.note}" if n.note else "") for n in t.acknowledged
    ]
    return " · ".join(parts)


def _injury(row: services.SquadRow) -> str:
    """Issue #14: an ongoing injury period with its days so far, or the return ladder's step."""
    if row.injured_days is not None:
        return f"🩹 injured, day {row.injured_days} ({row.injury_site})"
    if row.return_step is not None:
        return f"returning: step {row.return_step[0]} of {row.return_step[1]}"
    return ""


injured = [t.row for t in shown if t.row.injured_days is not None]
if injured:
    st.caption(
        "🩹 Injured: "
        + markdown_text(
            ", ".join(f"{r.athlete} (day {r.injured_days}, {r.injury_site})" for r in injured)
        )
    )
table = pd.DataFrame(
    {
        "status": [STATUS_LABEL[t.status] for t in shown],
        "athlete": [t.row.athlete for t in shown],
        "new": ["● new" if t.new_flags else "" for t in shown],
        "why": [t.why for t in shown],
        f"this week ({units.value})": [_distance(t.row.this_week_m) for t in shown],
        f"last wk to {weekday} ({units.value})": [
            _distance(t.row.last_week_to_date_m) for t in shown
        ],
        "change": [_change(t) for t in shown],
        "longest run vs 30 days": [_spike(t) for t in shown],
        "pain": [PAIN_LABEL.get(t.row.pain_zone, "") for t in shown],
        "injury": [_injury(t.row) for t in shown],
        "shoes": [SHOE_LABEL.get(t.row.shoe_status or "", "") for t in shown],
        "coach note": [_coach_note(t) for t in shown],
        "last run": [_day(t.row.last_run_date) for t in shown],
    }
)
distance_columns: list[Hashable] = [c for c in table.columns if str(c).endswith(f"({units.value})")]
styled = table.style.apply(
    lambda column: [STATUS_COLOUR[t.status] for t in shown], subset=["status"]
).format(precision=1, subset=distance_columns)  # a Styler shows 6 decimals unless told
st.space("small")  # room for the table's toolbar: on a phone it sat on the text above (#24)
event = st.dataframe(
    styled,
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key="squad_page.table",
    column_config={
        "why": st.column_config.TextColumn(
            "why", width="large", help="The most serious open flag, with its numbers"
        ),
        f"this week ({units.value})": st.column_config.NumberColumn(
            help=f"This week so far, up to {triage.as_of:%A}"
        ),
        f"last wk to {weekday} ({units.value})": st.column_config.NumberColumn(
            help=f"Last week up to the same day ({triage.as_of:%A}): like with like"
        ),
        "change": st.column_config.TextColumn(
            "change", help=f"This week so far against last week up to the same day ({weekday})"
        ),
        "longest run vs 30 days": st.column_config.TextColumn(
            "longest run vs 30 days",
            help="The biggest run of the last 7 days against the longest run of the 30 days "
            "before it; over 1.10x is a spike (rule R1), 'none' means no run was over it",
        ),
    },
)
attention = [t for t in shown if t.status != "ok"]
if attention:  # the table cuts a long "why" off: each one in full (issue #24)
    with st.expander(f"Why, in full ({count_noun(len(attention), 'athlete')})", expanded=True):
        for t in attention:
            st.text(f"{STATUS_LABEL[t.status]} · {t.row.athlete}: {t.why}")
st.download_button(
    "Download the table (CSV)",
    table.to_csv(index=False).encode("utf-8"),
    file_name=f"squad-{squad or 'all'}-{triage.as_of.isoformat()}.csv",
    mime="text/csv",
    key="squad_page.csv",
    icon=":material/download:",
)

names = [t.row.athlete for t in shown]
if not names:
    st.info("No athlete matches these filters.")
    st.stop()
selected_rows = event.selection.rows if event is not None else []
if selected_rows:
    st.session_state["squad_page.open_choice"] = names[selected_rows[0]]
if st.session_state.get("squad_page.open_choice") not in names:
    st.session_state.pop("squad_page.open_choice", None)

st.subheader("One runner")
chosen_name = st.selectbox("Athlete", names, key="squad_page.open_choice")
chosen = next(t for t in shown if t.row.athlete == chosen_name)
if st.button(f"Open {chosen_name}'s week", type="primary", key="squad_page.open"):
    open_athlete(chosen_name)
    st.switch_page("loadwatch/ui/pages/this_week_page.py")
for alert in chosen.open_flags:
    show = st.error if alert.severity.value == "warning" else st.warning
    message = markdown_text(services.coach_wording(alert.message, chosen_name))
    show(f"**{services.rule_title(alert.rule_id)}** · {message}")
for note in chosen.snoozed:
    st.info(
        f"**{services.rule_title(note.rule_id)}** snoozed until {note.quiet_until:%a %d %b}"
        + (f": {note.note}" if note.note else "")
    )
if not chosen.open_flags and not chosen.snoozed:
    st.success(markdown_text(chosen.why))

if not triage.can_note:
    st.caption(
        "Notes on flags are kept per squad: add the runners to a squad with "
        "`loadwatch squad add COACH ATHLETE...` to keep notes."
    )
else:
    notable = list(chosen.open_flags) + [
        a for a in chosen.row.alerts if a.rule_id in {n.rule_id for n in chosen.snoozed}
    ]
    if notable:
        with st.form("squad_page.note", clear_on_submit=True):
            by_rule = {a.rule_id: a for a in reversed(notable)}
            rule = st.selectbox(
                "Flag",
                list(dict.fromkeys(a.rule_id for a in notable)),
                format_func=services.rule_title,
                key="squad_page.note_rule",
            )
            text = st.text_input(
                "Note (kept, shown only to you)",
                placeholder=f"spoke to {chosen_name}, easy week",
                key="squad_page.note_text",
            )
            how = st.radio(
                "Acknowledge or snooze",
                list(SNOOZE_CHOICES),
                key="squad_page.note_how",
                label_visibility="collapsed",
            )
            if st.form_submit_button("Save note"):
                try:
                    services.note_flag(
                        engine,
                        squad,
                        chosen_name,
                        rule,
                        severity=by_rule[rule].severity,
                        note=text,
                        snooze_days=SNOOZE_CHOICES[how],
                        today=today(),
                        actor=actor,
                    )
                except (InputError, NotAllowedError, NotFoundError) as exc:
                    st.error(markdown_text(exc))
                else:
                    st.toast(markdown_text(f"Saved: {services.rule_title(rule)} for {chosen_name}"))
                    st.rerun()
    if chosen.notes:
        st.markdown("**Your notes**")
        for note in chosen.notes:
            what = (
                f"snoozed until {note.quiet_until:%a %d %b}"
                if note.action == "snoozed"
                else "acknowledged"
            )
            st.caption(
                f"{note.noted_on:%a %d %b %Y} · {services.rule_title(note.rule_id)} {what}"
                f" · {markdown_text(note.author)}"
                + (f": {markdown_text(note.note)}" if note.note else "")
            )
