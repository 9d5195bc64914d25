"""Random sequences of edits: after each, the incremental build publishes what a fresh one does.

Hypothesis picks the edits (a document's text, date, title or symbol changed, a document
removed or restored under another folder, a citation added, a glossary entry, a template or
the site's title changed) and the order; after every edit the site is built on the cache of
the builds before it (in one process and on the pool, by turns) and again from nothing, and
the two must be the same files, or fail with the same error leaving the previous site as it
was. A key that leaves out something an output is made of shows here as a stale page.

CI runs a fixed set of sequences; ``DOCPUB_RANDOM_EDITS=N`` runs N new ones.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from docpub.cli import main
from docpub.templating import DEFAULT_THEME
from sitekit import make_site

ARCHIVE = Path(__file__).parent / "fixtures" / "archive"
RUNS = int(os.environ.get("DOCPUB_RANDOM_EDITS", "0"))

# What an added paragraph is made of: other documents' symbols in the forms the text cites
# them, words the glossaries change, and plain prose.
PIECES = st.sampled_from([
    "第2999(2021)号决议", "第2998(2021)号决议", "S/2021/901", "S/2021/950", "S/2021/977", "SC/14700",
    "S/PRST/2021/20", "第2512(2020)号决议", "水井", "灌溉渠道", "信息", "软件", "安全理事会", "回顾",
    "，", "。", "2021年11月5日",
])
PARAGRAPH = st.lists(PIECES, min_size=1, max_size=8).map(lambda parts: "".join(parts) + "。")
DATES = st.sampled_from(["2021-10-15", "2021-11-03", "2021-11-24", "2021-12-01", "2022-01-09"])
SYMBOLS = st.sampled_from(["S/2021/901", "S/2021/950", "S/2021/977", "S/RES/2999 (2021)", "S/RES/2998 (2021)"])
WORDS = st.sampled_from(["水井", "灌溉", "信息", "渠道"])


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _build(site: Path, out: Path, *args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(["build", str(site), "--out", str(out), "--no-pdf", *args])
    return code, err.getvalue()


class RandomEdits(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="docpub-random-edits-"))
        self.site = make_site(self.root / "s", {p.stem: p.read_text(encoding="utf-8")
                                                for p in sorted(ARCHIVE.glob("*.md"))})
        self.out = self.root / "build" / "site"
        self.builds = 0
        self.removed: list[str] = []  # the texts of removed documents
        self.published: dict[str, bytes] | None = None

    @initialize()
    def first_build(self) -> None:
        self.check()

    # --- the edits ---------------------------------------------------------------------------

    def _docs(self) -> list[Path]:
        return sorted((self.site / "content").glob("*/zh-Hans.md"))

    def _pick(self, data: st.DataObject) -> Path | None:
        docs = self._docs()
        return data.draw(st.sampled_from(docs)) if docs else None

    def _front(self, doc: Path, field: str, value: str) -> None:
        lines = doc.read_text(encoding="utf-8").split("\n")
        end = lines.index("---", 1)
        lines = [x for n, x in enumerate(lines) if not (0 < n < end and x.startswith(f"{field}:"))]
        lines.insert(1, f"{field}: {value}")
        doc.write_text("\n".join(lines), encoding="utf-8")

    @rule(data=st.data(), text=PARAGRAPH)
    def add_paragraph(self, data: st.DataObject, text: str) -> None:
        if doc := self._pick(data):
            doc.write_text(doc.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{text}\n", encoding="utf-8")
        self.check()

    @rule(data=st.data(), field=st.one_of(st.tuples(st.just("date"), DATES), st.tuples(st.just("symbol"), SYMBOLS)))
    def set_field(self, data: st.DataObject, field: tuple[str, str]) -> None:
        """A date that may move the document to another month, or a symbol others may cite."""
        if doc := self._pick(data):
            self._front(doc, *field)
        self.check()

    @rule(data=st.data(), word=WORDS)
    def retitle(self, data: st.DataObject, word: str) -> None:
        if doc := self._pick(data):
            title = next(x for x in doc.read_text(encoding="utf-8").split("\n") if x.startswith("title:"))
            self._front(doc, "title", title.removeprefix("title:").strip() + word)
        self.check()

    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        if doc := self._pick(data):
            self.removed.append(doc.read_text(encoding="utf-8"))
            shutil.rmtree(doc.parent)
        self.check()

    @rule(data=st.data())
    def restore_elsewhere(self, data: st.DataObject) -> None:
        if self.removed:
            text = self.removed.pop(data.draw(st.integers(0, len(self.removed) - 1)))
            folder = self.site / "content" / f"restored-{self.builds}"
            folder.mkdir()
            (folder / "zh-Hans.md").write_text(text, encoding="utf-8")
        self.check()

    @rule(data=st.data())
    def rename_folder(self, data: st.DataObject) -> None:
        if doc := self._pick(data):
            doc.parent.rename(doc.parent.with_name(f"renamed-{self.builds}"))
        self.check()

    @rule(word=WORDS, kept=st.booleans())
    def glossary(self, word: str, kept: bool) -> None:
        path = self.site / "content" / "glossary" / "common.tsv"
        target = word if kept else word[::-1]
        path.write_text(path.read_text(encoding="utf-8") + f"{word}\t{target}\trandom edit {self.builds}\n",
                        encoding="utf-8")
        self.check()

    @rule(mark=st.sampled_from(["a", "b", "c"]))
    def template(self, mark: str) -> None:
        path = self.site / "templates" / "base.html.j2"
        path.parent.mkdir(exist_ok=True)
        base = (DEFAULT_THEME / "base.html.j2").read_text(encoding="utf-8")
        path.write_text(base.replace("</body>", f"<!-- {mark} --></body>"), encoding="utf-8")
        self.check()

    @rule(word=WORDS)
    def site_title(self, word: str) -> None:
        path = self.site / "docpub.toml"
        text = path.read_text(encoding="utf-8")
        assert 'title = "' in text
        path.write_text(text.replace('title = "', f'title = "{word}', 1), encoding="utf-8")
        self.check()

    # --- the check ---------------------------------------------------------------------------

    def check(self) -> None:
        """Build on the cache and from nothing: the same site, or the same error and the site
        before it left as it was."""
        self.builds += 1
        fresh = self.root / f"fresh-{self.builds}" / "site"
        fresh_code, fresh_err = _build(self.site, fresh, "--no-cache", "-j", "1")
        code, err = _build(self.site, self.out, "-j", str(1 + self.builds % 2))
        assert (code, err) == (fresh_code, fresh_err)
        if code == 0:
            self.published = snapshot(self.out)
            assert self.published == snapshot(fresh)
        else:
            # One line for each problem found, naming a file of the site, no traceback.
            for line in err.strip().splitlines():
                where, _, reason = line.removeprefix("docpub: ").partition(": error: ")
                assert reason and (self.site / where.split(":")[0]).is_file(), err
            if self.published is not None:
                assert snapshot(self.out) == self.published
        shutil.rmtree(fresh.parent, ignore_errors=True)

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


# The fixed sequences are reported as they failed (shrinking one takes minutes of builds);
# new ones are shrunk to the fewest edits that fail.
RandomEdits.TestCase.settings = settings(
    max_examples=RUNS or 4, stateful_step_count=6, deadline=None, derandomize=not RUNS,
    phases=list(Phase) if RUNS else [Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
test_random_edits_publish_what_a_fresh_build_does = RandomEdits.TestCase
