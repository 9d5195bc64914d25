"""Work in proportion to the input: each case compares the cost of 4n against n.

A quadratic step grows about 16x; linear work about 4x. The bound leaves room
for a busy machine without letting quadratic growth through.
"""

from __future__ import annotations

from collections.abc import Callable

from docpub.readers.markdown import read_markdown
from growth import assert_linear

FM = "---\ntitle: 标题\ndate: 2020-11-30\n---\n"


def reading(body: Callable[[int], str]) -> Callable[[int], Callable[[], object]]:
    def make(n: int) -> Callable[[], object]:
        text = FM + body(n)
        return lambda: read_markdown(text, doc_id="x")
    return make


def test_identical_headings() -> None:
    assert_linear(reading(lambda n: "## 同一个标题\n\n" * n), 2500)
