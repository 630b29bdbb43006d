"""User text never renders as Markdown (issue #21): a name, a shoe, a note or a query
parameter shows as exactly its text, with no link, image, heading or directive."""

from __future__ import annotations

import html

import pytest
from markdown_it import MarkdownIt
from sqlalchemy import Engine

from loadwatch.ui.text import markdown_text
from tests.ui.test_club_pages import _app, _log_in, club_db  # noqa: F401 - the fixture

RENDER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
ATTACKS = [
    "x [Your session expired](https://evil.example/login) ![](http://127.0.0.1:9/p.png)",
    "![pixel](http://127.0.0.1:9/p.png)",
    "<https://evil.example>",
    "# Heading",
    "1. first",
    "- item",
    "> quote",
    "**bold** _it_ ~~gone~~ `code`",
    "a | b\n--- | ---\n1 | 2",
    "&lt;b&gt; &amp; <b>x</b>",
    ":red[alarm] :material/home: $x^2$",
    "line one\n\n# line two",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_markdown_text_renders_as_exactly_the_text(text: str) -> None:
    rendered = RENDER.render(markdown_text(text)).strip()
    assert rendered == f"<p>{html.escape(' '.join(text.split()), quote=False)}</p>"
    assert "<a" not in rendered and "<img" not in rendered


def test_a_query_parameter_with_a_link_is_shown_as_text(club_db: Engine) -> None:  # noqa: F811
    attack = "x [Your session expired](https://evil.example/login) ![](http://127.0.0.1:9/p.png)"
    at = _log_in(_app({"athlete": attack}), "Ana", "Ana-password")
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    rendered = RENDER.render(errors[0])
    assert "<a" not in rendered and "<img" not in rendered
    assert "evil.example/login" in rendered


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("see https://evil.example/x", "see https\\://evil.example/x"),
        ("visit www.evil.example", "visit www\\.evil.example"),
        ("a :smile: and :material/home:", "a \\:smile: and \\:material/home:"),
        ("me: 2 imported (1 rejected)", "me: 2 imported (1 rejected)"),  # plain text stays
    ],
)
def test_autolinks_and_shortcodes_are_broken_and_plain_text_kept(text: str, escaped: str) -> None:
    assert markdown_text(text) == escaped
