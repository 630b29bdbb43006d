"""User text (names, shoes, notes, query parameters) inside Markdown, shown as text (issue
#21): Streamlit escapes HTML but renders Markdown, so a name like
`x [Your session expired](https://evil.example)` or `![](http://host/pixel.png)` became a
link or a remote image. Pages pass user text through `markdown_text` wherever it goes into
st.markdown, st.caption, st.error, st.info, st.warning, st.success or a label, or show it with
st.text / st.code."""

from __future__ import annotations

import re

# Every character CommonMark (and Streamlit's extensions: :colour[...], $math$, ~strike~)
# gives a meaning; a backslash before any ASCII punctuation makes it literal.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&=\"'])")


def markdown_text(value: object) -> str:
    """`value` as Markdown that renders to exactly its text: no link, image, emphasis,
    heading, list, HTML entity or Streamlit directive; line breaks become spaces."""
    text = " ".join(str(value).split())
    return _SPECIAL.sub(r"\\\1", text)
