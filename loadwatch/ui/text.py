"""User text (names, shoes, notes, query parameters) inside Markdown, shown as text (issue
#21): Streamlit escapes HTML but renders Markdown, so a name like
`x [Your session expired](https://evil.example)` or `![](http://host/pixel.png)` became a
link or a remote image. Pages pass user text through `markdown_text` wherever it goes into
st.markdown, st.caption, st.error, st.info, st.warning, st.success or a label, or show it with
st.text / st.code."""

from __future__ import annotations

import re

# The characters that start a Markdown construct anywhere in a line (CommonMark, GitHub's
# tables and strikethrough, Streamlit's :colour[...] directives, $math$, entities); a
# backslash before ASCII punctuation makes it literal. ">" needs one only at the start (a
# quote; a tag or autolink needs "<"). Parentheses need none once brackets are
# escaped (no link can form), and a colon only where it would start an autolink ("https://")
# or a :shortcode: (emoji, :material/icon:), so ordinary text keeps its plain source.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<!|~$&])")
_COLON = re.compile(r":(?=//|[\w/+\-]+:)")
_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+(?=[.)]))")  # headings, lists, quotes
_WWW = re.compile(r"(?i)(?<=www)\.")  # "www.example.org" autolinks without a scheme


def markdown_text(value: object) -> str:
    """`value` as Markdown that renders to exactly its text: no link, image, emphasis,
    heading, list, HTML entity or Streamlit directive; line breaks become spaces."""
    text = _SPECIAL.sub(r"\\\1", " ".join(str(value).split()))
    text = _COLON.sub(r"\\:", _WWW.sub(r"\\.", text))
    match = _LINE_START.match(text)
    if match:  # a leading "1." or "1)" is escaped at its punctuation
        if match.group(2).isdigit():
            end = match.end()
            text = text[:end] + "\\" + text[end:]
        else:
            text = text[: match.start(2)] + "\\" + text[match.start(2) :]
    return text
