"""The printable "what came before" page of one injury (issue #14): one self-contained HTML
document with print CSS (A4, no buttons on paper) to take to a physiotherapist. The CLI writes
it to a file, the dashboard shows and offers it; a browser's "Save as PDF" makes the PDF.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from loadwatch.rules.citations import CITATIONS
from loadwatch.rules.injury_sites import site_name
from loadwatch.rules.lead_up import LeadUpWindow
from loadwatch.services.lead_up import LeadUpView
from loadwatch.units import format_distance

SOURCES = ("frandsen2025", "buist2008", "nielsen2014", "thomee1997", "silbernagel2007")

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111;
  max-width: 52rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.35; font-size: 11pt; }
h1 { font-size: 1.5rem; margin: 0 0 .2rem; }
h2 { font-size: 1.1rem; margin: 1.2rem 0 .4rem; border-bottom: 1px solid #999; }
.meta, .note, .small { color: #444; font-size: .9rem; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .6rem; }
th, td { border: 1px solid #bbb; padding: .25rem .45rem; text-align: left; vertical-align: top; }
th { background: #f1f1f1; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.flag { font-weight: 600; }
.print { margin: .6rem 0; padding: .4rem .9rem; font-size: 1rem; cursor: pointer; }
@page { size: A4; margin: 14mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  .no-print { display: none !important; }
  h2 { break-after: avoid; }
  table, tr { break-inside: avoid; }
  th { background: #eee; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[int]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{escape(c)}</td>' if i in numeric else f"<td>{escape(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _or_dash(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def _summary(view: LeadUpView) -> str:
    d = view.units
    windows: Sequence[LeadUpWindow] = view.lead_up.windows
    rows = [
        ("runs", *(str(w.runs) for w in windows)),
        ("running distance", *(format_distance(w.distance_m, d) for w in windows)),
        (
            "longest run",
            *(format_distance(w.longest_m, d) if w.longest_m else "-" for w in windows),
        ),
        ("spikes over 1.1x", *(str(len(w.spikes)) for w in windows)),
        ("running descent", *(f"{w.descent_m:.0f} m" for w in windows)),
        ("mean cadence", *(_or_dash(w.avg_cadence_spm, ".0f") + " spm" for w in windows)),
        (
            "cross-training",
            *(f"{w.cross_training_sessions} ({w.cross_training_s / 60:.0f} min)" for w in windows),
        ),
        ("strength sessions", *(str(w.strength_sessions) for w in windows)),
        ("pain entries after runs", *(str(len(w.pain)) for w in windows)),
        (
            "morning pain (mean, trend)",
            *(f"{_or_dash(w.mean_morning, '.1f')}, {w.morning_trend}" for w in windows),
        ),
    ]
    headers = ["", *(f"{w.days} days ({w.first:%d %b} - {w.last:%d %b})" for w in windows)]
    return _table(headers, rows, {1, 2})


def _spikes(view: LeadUpView) -> str:
    spikes = view.lead_up.windows[-1].spikes
    if not spikes:
        return "<p>No run above 1.1x the longest run of the 30 days before it.</p>"
    rows = [
        (
            f"{s.run_date:%a %d %b %Y}",
            format_distance(s.distance_m, view.units),
            f"{s.ratio:.2f}x",
            format_distance(s.previous_max_m, view.units),
            s.level,
        )
        for s in spikes
    ]
    return _table(
        ["date", "run", "ratio", "longest of the 30 days before", "level (Frandsen 2025)"],
        rows,
        {1, 2, 3},
    )


def _growth(ratio: float | None) -> str:
    """'+12%', '0%' (never '-0%'), or '-' without a week before to compare with."""
    if ratio is None:
        return "-"
    return "0%" if round(ratio * 100) == 0 else f"{ratio:+.0%}"


def _weeks(view: LeadUpView) -> str:
    if not view.lead_up.weeks:
        return "<p>No running weeks in the log before this injury.</p>"
    rows = [
        (
            f"{w.week_start:%d %b %Y}" + (" (to the injury)" if w.is_partial else ""),
            format_distance(w.distance_m, view.units),
            _growth(w.growth_ratio),
        )
        for w in view.lead_up.weeks
    ]
    return _table(
        ["week of", "running distance", "growth on the week before (to the same weekday)"],
        rows,
        {1, 2},
    )


def _shoes(view: LeadUpView) -> str:
    if not view.lead_up.shoes:
        return "<p>No run in the 30 days before was assigned to a pair of shoes.</p>"
    rows = [
        (
            s.name,
            format_distance(s.distance_m, view.units, 0),
            f"{format_distance(s.window_start_m, view.units, 0)} - "
            f"{format_distance(s.window_end_m, view.units, 0)}",
            s.status,
            str(s.runs_in_window),
        )
        for s in view.lead_up.shoes
    ]
    return _table(
        ["shoe", "distance on the first day", "replacement window", "status", "runs in 30 days"],
        rows,
        {1, 4},
    )


def _pain(view: LeadUpView) -> str:
    entries = view.lead_up.windows[-1].pain
    if not entries:
        return "<p>No pain entries in the 30 days before.</p>"
    rows = [
        (
            f"{p.entry_date:%a %d %b %Y}",
            f"{p.score}/10",
            p.zone,
            p.location or "-",
            "-" if p.next_morning is None else f"{p.next_morning:.0f}/10",
        )
        for p in entries
    ]
    return _table(
        ["date", "pain (worst of during, after)", "zone", "where", "next morning"], rows, {1}
    )


def _pattern(view: LeadUpView) -> str:
    pattern = view.pattern
    count = len(pattern.episodes)
    if not pattern.is_shown:
        return (
            f"<p>{count} episode(s) in the log (injuries and red pain days); your own pattern "
            f"is shown from {pattern.min_episodes}.</p>"
        )
    rows = [
        (
            f.label,
            f"{f.episodes_with} of {count}",
            str(f.occurrences),
            f"{f.followed} of {f.occurrences}" if f.occurrences else "-",
        )
        for f in pattern.factors
    ]
    return (
        _table(
            [
                "in your log",
                "episodes with it in the 14 days before",
                "times it happened at all",
                "of those, followed by an episode within 14 days",
            ],
            rows,
            {1, 2, 3},
        )
        + '<p class="small">Counts from your own log, not a prediction or a risk score: the '
        "numbers are small.</p>"
    )


def lead_up_html(view: LeadUpView) -> str:
    """The printable page for `view`: a whole HTML document (UTF-8), user text escaped."""
    injury = view.injury
    end = injury.end_date.strftime("%a %d %b %Y") if injury.end_date else "ongoing"
    title = f"What came before: {site_name(injury)} injury from {injury.start_date:%d %b %Y}"
    note = f'<p class="note">Note: {escape(injury.note)}</p>' if injury.note else ""
    sources = "".join(
        f"<li>{escape(CITATIONS[k].text)}"
        + (f" (doi:{escape(CITATIONS[k].doi or '')})" if CITATIONS[k].doi else "")
        + "</li>"
        for k in SOURCES
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(title)}</title>
<style>{_CSS}</style></head>
<body>
<button class="print no-print" onclick="window.print()">Print this page</button>
<h1>{escape(title)}</h1>
<p class="meta">{escape(view.athlete)} · injury {injury.id}: {injury.start_date:%a %d %b %Y} to
{end} · made by loadwatch on {view.made_on:%d %b %Y}</p>
{note}
<p class="small">What the runner's log holds for the 14 and 30 days up to and including the
injury's first day. loadwatch informs; it is not medical advice and does not diagnose.</p>
<h2>The 14 and 30 days before</h2>
{_summary(view)}
<h2>Spikes: runs above 1.1x the longest of the 30 days before</h2>
{_spikes(view)}
<h2>Weekly running distance and growth</h2>
{_weeks(view)}
<h2>Shoes</h2>
{_shoes(view)}
<h2>Pain entries</h2>
{_pain(view)}
<h2>Your own pattern (all injuries and red pain days)</h2>
{_pattern(view)}
<h2>Sources</h2>
<ul class="small">{sources}</ul>
</body></html>
"""
