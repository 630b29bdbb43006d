"""Docs checked by tests (datasette pattern): rule headings, citations, worked examples, help."""

from __future__ import annotations

import re

import pytest

from loadwatch.domain import Severity
from loadwatch.rules import RULE_IDS
from loadwatch.rules.citations import CITATIONS
from tests.conftest import ROOT
from tests.worked_examples import EXAMPLES

RULES_DOC = (ROOT / "docs" / "rules.md").read_text()
QUOTES = {line[2:].strip() for line in RULES_DOC.splitlines() if line.startswith("> ")}


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_every_rule_id_has_a_heading_and_a_worked_example(rule_id: str) -> None:
    assert re.search(rf"^## `{re.escape(rule_id)}`$", RULES_DOC, re.M), rule_id
    assert rule_id in EXAMPLES


@pytest.mark.parametrize("rule_id", list(EXAMPLES))
def test_worked_example_text_is_what_the_code_produces(rule_id: str) -> None:
    report = EXAMPLES[rule_id]()
    messages = [
        a.message
        for a in report.alerts
        if a.rule_id == rule_id
        and (a.severity is not Severity.INFO or rule_id in {"shoe-rotation", "acwr"})
    ]
    assert messages, f"the {rule_id} example fires nothing"
    for message in messages:
        assert message in QUOTES, f"docs/rules.md does not quote: {message}"


def test_every_alert_cites_known_sources() -> None:
    for build in EXAMPLES.values():
        for alert in build().alerts:
            assert alert.citations, alert
            assert set(alert.citations) <= set(CITATIONS), alert.citations


def test_report_doc_names_every_rule_id_and_json_field() -> None:
    doc = (ROOT / "docs" / "report.md").read_text()
    for rule_id in RULE_IDS:
        assert f"`{rule_id}`" in doc
    for field in (
        "as_of",
        "units",
        "weeks",
        "alerts",
        "shoes",
        "pain",
        "plan",
        "max_distance_m",
        "last_week_to_date_m",
        "growth_to_date_ratio",
        "next_run_note",
    ):
        assert f"`{field}`" in doc
