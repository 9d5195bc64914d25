"""Executing a plan: outputs whose key is in the store are reused, the rest rendered.

Renders are grouped into jobs (a document's pages in every edition that needs
them, so its model is read once; each of its PDFs alone) and run in this
process, on a process pool, or on a Dask cluster, behind
``concurrent.futures.Executor``. A job carries plain values (the pickled model,
the theme's sources, the config view). Workers on this machine write what they
render into the store and send back its checksum; a cluster's workers send the
bytes, and this process writes them. Only this process keeps the store's index
and writes the output folder.
"""

from __future__ import annotations

import itertools
import pickle
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, TypeVar, cast

from msgspec import Struct, field
from msgspec.structs import replace

from docpub.cache import Store, checksum, write_entry
from docpub.errors import DocpubError
from docpub.facts import LightFacts, StoredFacts
from docpub.inputs import digest
from docpub.load import load_model
from docpub.media import MediaFile, read_image
from docpub.pages import KINDS, Shared, renderer
from docpub.plan import DocSource, Output, Shown, applies, links_of, pages_of, published_ids, site_links
from docpub.templating import template_errors
from docpub.work import collector_paused, end_with_build, importing

if TYPE_CHECKING:
    from docpub.render import Render, RenderListing


class Job(Struct, frozen=True):
    shared: Shared
    outputs: tuple[Output, ...]  # of one document, in any of its editions
    model: bytes  # the pickled source document
    path: str = ""  # its content file where it is now (the model's may be where the site was when parsed)
    links: tuple[tuple[str, str], ...] = ()  # cited documents the site publishes: symbol -> id
    published: tuple[tuple[str, str], ...] = ()  # the same, as the list of cited documents names them
    cited_pages: tuple[tuple[str, str], ...] = ()  # each symbol it cites -> its page in the archive
    # The store's folder of entries when the worker shares this machine's disk: it writes what
    # it renders there itself. "" (a cluster's worker): the bytes come back with the result.
    objects: str = ""


class Stats(Struct, frozen=True):
    planned: int
    rendered: int
    reused: int

    def __add__(self, other: Stats) -> Stats:
        return Stats(self.planned + other.planned, self.rendered + other.rendered, self.reused + other.reused)


Tick = Callable[[int], None]


# An output's bytes (b"" when the worker wrote them to the store), their checksum, and the
# entry's signature when the worker wrote it ("" otherwise).
Rendered = tuple[bytes, str, str]


@collector_paused
def run_job(job: Job) -> tuple[Rendered, ...]:
    """Render every output of ``job``; runs in a worker, so it reads nothing but ``job``."""
    from docpub.render import Page
    from docpub.transforms.corpus import link_in_site

    model = pickle.loads(job.model)
    if job.path:  # (a cached model keeps the path it was parsed from: the site may have moved since)
        model = replace(model, source=job.path)
    source = link_in_site(model, dict(job.links))
    published = dict(job.published)
    pages: dict[str, Page] = {}  # edition -> the document in it, made when first needed
    memo: dict[Hashable, Any] = {}  # what its pages share (see Page.once)
    results = []
    with template_errors(job.shared.inputs.theme.theme):
        for o in job.outputs:
            page = pages.get(o.edition)
            if page is None:
                spec = job.shared.inputs.edition(o.edition)
                page = pages[o.edition] = Page(job.shared, spec, source=source, published=published, memo=memo,
                                               cited_pages=dict(job.cited_pages))
            data = cast("Render", renderer(o.kind))(page)
            if job.objects:
                _, signature = write_entry(job.objects, o.key, PurePosixPath(o.path).suffix, data)
                results.append((b"", checksum(data), signature))
            else:
                results.append((data, checksum(data), ""))
    return tuple(results)


def warm_worker(shared: bytes, main: int = 0) -> None:
    """A pool worker's start, while the client is still loading and planning: ``warm_editions`` of
    ``shared`` (pickled; nothing, given b""). The worker ends if the build's process ``main``
    does (``end_with_build``)."""
    if main:
        end_with_build(main)
    if not shared:
        return
    try:
        with importing():  # (what it makes lives as long as the worker)
            warm_editions(pickle.loads(shared))
    except Exception:  # noqa: BLE001, S110 - the job reports it, with its file and line
        pass


def warm_editions(value: Shared) -> None:
    """What every job of ``value`` needs first, made once in this process: each edition's
    writer, labels and templates, and OpenCC's tables for a converted edition. (In a worker, or
    here before workers are forked, which then start with it.) A failure is left to the job
    that meets it, which reports it with its file and line."""
    from docpub.render import edition_context

    try:
        for spec in value.inputs.editions:
            env = edition_context(value.inputs.theme, value.config, spec).writer.env
            for kind in KINDS.values():
                if applies(kind, value, spec.edition.tag):
                    for name in kind.templates:
                        if "*" not in name:  # a kind's own layout (document.<kind>.html.j2) may be absent
                            env.get_template(name)
    except Exception:  # noqa: BLE001, S110 - the job reports it, with its file and line
        pass


def execute(outputs: list[Output], *, shared: Shared, docs: tuple[DocSource, ...], store: Store,
            executor: Executor | None, window: int, tick: Tick | None = None, shared_disk: bool = True,
            pages_done: Callable[[bool], None] | None = None,
            edition_done: Callable[[str], None] | None = None, cited: Mapping[str, str]) -> Stats:
    """Reuse or render every output: each is in the store (``Store.used``) when this returns.

    ``shared_disk``: the executor's workers share this machine's disk, so they write what they
    render into the store themselves (no page travels back, and the files are made in parallel).
    ``pages_done``: called once every output but the PDFs is in the store (the documents'
    facts with them), told whether PDFs are still being rendered on ``executor`` meanwhile.
    The documents' pages go first, so what is made from them (listings, search) runs in this
    process while the workers lay out PDFs. ``edition_done``: called with an edition's tag once
    its pages are in the store while others' still render (the jobs of one edited document are
    one per edition). ``cited``: each symbol cited in the archive -> its page there, the
    plan's very table (``KeyParts.cited_pages``: the citations pages' keys cover it).
    """
    todo = [o for o in outputs if store.get(o.key) is None]
    reused = len(outputs) - len(todo)
    if tick and reused:
        tick(reused)
    by_id = {d.id: d for d in docs}
    local = [o for o in todo if KINDS[o.kind].local]
    for o in local:
        _finish(o, _copy(o, shared, by_id, shared.config.max_image_kib * 1024), store, tick)
    if shared_disk:
        store.begin_writes()
    groups = _groups([o for o in todo if not KINDS[o.kind].local], by_edition=executor is not None)
    if len(groups) <= 1:
        executor = None  # one job: here, without starting a pool for it
    jobs = _jobs(groups, shared, docs, store, objects=store.objects if shared_disk else "", cited=cited)
    waiting = _PageJobs(groups, pdfs_running=executor is not None and any(pdf for _, _, pdf in groups),
                        pages_done=pages_done, edition_done=edition_done)
    for job, results in _run(jobs, executor, window, run_job):
        for o, (data, sum_, signature) in zip(job.outputs, results, strict=True):
            if signature:  # the worker wrote it
                store.record(o.key, PurePosixPath(o.path).suffix, sum_, signature)
                if tick:
                    tick(1)
            else:
                _finish(o, data, store, tick, sum_)
        if job.outputs[0].kind != "pdf":
            waiting.back(job.outputs[0].edition)
    return Stats(planned=len(outputs), rendered=len(todo), reused=reused)


class _PageJobs:
    """The page jobs (not PDFs) still out, in all and of each edition whose pages are jobs of
    their own: ``edition_done`` is told when an edition's are back while others' are out, and
    ``pages_done`` when all are (at once when there are none)."""

    def __init__(self, groups: Collection[tuple[str, str, bool]], *, pdfs_running: bool,
                 pages_done: Callable[[bool], None] | None, edition_done: Callable[[str], None] | None) -> None:
        self.pages = sum(1 for _, _, pdf in groups if not pdf)
        self.left: dict[str, int] = {}
        for _, tag, pdf in groups:
            if tag and not pdf:
                self.left[tag] = self.left.get(tag, 0) + 1
        self.pdfs_running, self.pages_done, self.edition_done = pdfs_running, pages_done, edition_done
        if self.pages == 0 and pages_done is not None:
            pages_done(False)

    def back(self, tag: str) -> None:
        """A page job of edition ``tag`` is back."""
        self.pages -= 1
        if tag in self.left:
            self.left[tag] -= 1
            if self.left[tag] == 0 and self.pages > 0 and self.edition_done is not None:
                self.edition_done(tag)
        if self.pages == 0 and self.pages_done is not None:
            self.pages_done(self.pdfs_running)


class ListingJob(Struct, frozen=True):
    """The listing pages of one scope (an edition, or the site) to render, and what they read."""

    shared: Shared
    outputs: tuple[Output, ...]
    facts: Mapping[str, Sequence[StoredFacts]]  # edition tag -> every document's facts in the store
    published: Mapping[str, str]
    objects: str = ""  # the store's folder of entries, when the worker writes them itself
    pages: Mapping[str, str] = field(default_factory=dict)  # cited symbol -> its page (``plan.cited_pages``)
    shown: Shown = field(default_factory=Shown)  # which documents its pages show


@collector_paused
def run_listing_job(job: ListingJob) -> tuple[Rendered, ...]:
    """Render the listings of ``job`` in a worker; it reads the facts the document jobs left in
    the store, and writes what it renders there."""
    results = []
    for o, data in _listing_pages(job):
        whole = data if isinstance(data, bytes) else b"".join(data)
        _, signature = write_entry(job.objects, o.key, PurePosixPath(o.path).suffix, whole)
        results.append((b"", checksum(whole), signature))
    return tuple(results)


def _listing_pages(job: ListingJob) -> Iterator[tuple[Output, bytes | Iterator[bytes]]]:
    """Each listing of ``job`` as it renders (a long one in pieces). The light facts of the
    scope's edition (or, for the site's listings, of the source edition) are read once."""
    from docpub.render import Listing

    loaded = LightFacts(job.facts)  # read as the pages ask: only those shown, or every one
    memo: dict[Hashable, Any] = {}  # what the job's pages share (the archive's citations, joined once)
    symbols = {page: symbol for symbol, page in job.pages.items()}
    citing: frozenset[str] = frozenset().union(  # the documents citing what the job's cited pages are of
        *(job.shown.citing.get(symbols.get(o.item, ""), ()) for o in job.outputs if o.kind == "cited_page"))
    with template_errors(job.shared.inputs.theme.theme):
        for o in job.outputs:
            tag = o.edition or job.shared.config.source_lang
            listing = Listing(job.shared, job.shared.inputs.edition(tag), loaded, job.published, stored=job.facts,
                              pages=job.pages, symbols=symbols, item=o.item, memo=memo, shown=job.shown,
                              citing_ids=citing)
            yield o, cast("RenderListing", renderer(o.kind))(listing)


class StartedListing(Struct, frozen=True):
    """A listing job handed to a pool before the others (``start_listing``)."""

    planned: int  # its outputs
    todo: ListingJob | None  # what is being rendered (None: every output is reused)
    future: Future[tuple[Rendered, ...]] | None


def start_listing(job: ListingJob, *, store: Store, executor: Executor, tick: Tick | None = None) -> StartedListing:
    """Reuse what ``job`` can, and start rendering the rest on ``executor`` (whose workers share
    this machine's disk) now; ``execute_listings`` takes it in with the other jobs."""
    todo = _listing_todo(job, store, tick)
    if todo is None:
        return StartedListing(len(job.outputs), None, None)
    store.begin_writes()
    todo = replace(todo, objects=store.objects)
    return StartedListing(len(job.outputs), todo, executor.submit(run_listing_job, todo))


def _listing_todo(job: ListingJob, store: Store, tick: Tick | None) -> ListingJob | None:
    """``job`` with only the outputs the store does not have (None: it has them all)."""
    outputs = tuple(o for o in job.outputs if store.get(o.key) is None)
    if tick:
        tick(len(job.outputs) - len(outputs))
    return replace(job, outputs=outputs) if outputs else None


def execute_listings(jobs: list[ListingJob], *, store: Store, executor: Executor | None = None,
                     tick: Tick | None = None, started: Sequence[StartedListing] = ()) -> Stats:
    """Reuse or render the listing pages: they read the documents' facts, never a model.

    Each job's pages are rendered in one process; the jobs of every scope run side by side on
    ``executor`` (whose workers share this machine's disk) when there is more than one.
    ``started``: jobs already handed to ``executor`` (``start_listing``), taken in here.
    """
    planned = sum(len(job.outputs) for job in jobs) + sum(s.planned for s in started)
    todo = [t for t in (_listing_todo(job, store, tick) for job in jobs) if t is not None]
    rendered = sum(len(job.outputs) for job in todo) + sum(len(s.todo.outputs) for s in started if s.todo)
    if executor is None or (len(todo) < 2 and not started):
        for job in todo:  # here, a long listing written as it comes
            for o, data in _listing_pages(job):
                _finish(o, data, store, tick)
    else:
        store.begin_writes()
        todo = [replace(job, objects=store.objects) for job in todo]
        for job, done in _run(todo, executor, len(todo), run_listing_job):
            _record(job, done, store, tick)
    for s in started:
        if s.todo is not None and s.future is not None:
            _record(s.todo, s.future.result(), store, tick)
    return Stats(planned=planned, rendered=rendered, reused=planned - rendered)


def _record(job: ListingJob, done: tuple[Rendered, ...], store: Store, tick: Tick | None) -> None:
    """Take in the listings a worker wrote into the store."""
    for o, (_, sum_, signature) in zip(job.outputs, done, strict=True):
        store.record(o.key, PurePosixPath(o.path).suffix, sum_, signature)
        if tick:
            tick(1)


def _finish(o: Output, data: bytes | Iterator[bytes], store: Store, tick: Tick | None, sum_: str = "") -> None:
    store.put(o.key, data, suffix=PurePosixPath(o.path).suffix, sum_=sum_)
    if tick:
        tick(1)


def _copy(o: Output, shared: Shared, by_id: dict[str, DocSource], max_image: int) -> bytes:
    if o.kind == "static":
        return dict(shared.inputs.theme.static)[o.item]
    path, checked = next((Path(real), sum_) for name, real, sum_ in by_id[o.doc].images if name == o.item)
    data = read_image(MediaFile(o.item, path), max_bytes=max_image)
    if digest(data) != checked:  # (its output's key, and the check that it decodes, are of those bytes)
        raise DocpubError(str(path), None, "image changed while the site was being built; build again")
    return data


def _jobs(groups: dict[tuple[str, str, bool], list[Output]], shared: Shared, docs: tuple[DocSource, ...],
          store: Store, *, objects: str = "", cited: Mapping[str, str]) -> Iterator[Job]:
    """The jobs of ``groups`` (``_groups``) in the order they should start: the documents' pages
    (what the listings and the search index are made from), then the PDFs.

    A job's model is read from the store only when the job is made, so no more
    models are in memory than jobs are in flight.
    """
    by_id = {d.id: d for d in docs}
    links, listed = site_links(docs), published_ids(docs)
    order = sorted(groups, key=lambda g: (g[2], g[0], g[1]))
    for doc_id, edition, is_pdf in order:
        doc = by_id[doc_id]
        yield Job(shared, tuple(groups[(doc_id, edition, is_pdf)]), model=load_model(store, doc), path=doc.path,
                  links=links_of(doc, links), published=links_of(doc, listed), cited_pages=pages_of(doc, cited),
                  objects=objects)


def _groups(todo: list[Output], *, by_edition: bool = False) -> dict[tuple[str, str, bool], list[Output]]:
    """The outputs of each job: (document, edition or "", PDF?) -> outputs.

    A document's pages in every edition are one job (its model is read once, and what its
    editions share is made once), each of its PDFs another. With ``by_edition`` (the jobs
    run on several workers), a lone document's pages (one edited document) are a job per
    edition instead, so that the workers share them.
    """
    groups: dict[tuple[str, str, bool], list[Output]] = {}
    for o in todo:
        pdf = o.kind == "pdf"
        groups.setdefault((o.doc, o.edition if pdf else "", pdf), []).append(o)
    pages = [g for g in groups if not g[2]]
    if by_edition and len(pages) == 1:
        (doc, _, _), = pages
        for o in groups.pop(pages[0]):
            groups.setdefault((doc, o.edition, False), []).append(o)
    return groups


_J = TypeVar("_J", Job, ListingJob)


def _run(jobs: Iterable[_J], executor: Executor | None, window: int,
         run: Callable[[_J], tuple[Rendered, ...]]) -> Iterator[tuple[_J, tuple[Rendered, ...]]]:
    """Results as they come, of ``run`` on each job; at most ``window`` jobs in flight. A job
    that ends makes room for the next before its result is handed back, so the workers are
    never left waiting while this process deals with a result."""
    if executor is None:
        for job in jobs:
            yield job, run(job)
        return
    pending: dict[Future[tuple[Rendered, ...]], _J] = {}
    source = iter(jobs)

    def top_up() -> None:
        for job in itertools.islice(source, max(window - len(pending), 0)):
            pending[executor.submit(run, job)] = job

    try:
        top_up()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            finished = [(pending.pop(f), f) for f in sorted(done, key=lambda f: pending[f].outputs[0].path)]
            top_up()
            for job, f in finished:
                yield job, f.result()
    finally:
        for f in pending:
            f.cancel()
