"""The build: load -> link -> editions -> plan -> execute -> publish.

``build(config, out)`` reads like the pipeline. Loading reads and checks every
content file (and links its citations); the edge reads the theme, glossaries
and review table once; planning lists every output with the key of what it is
made of; executing reuses what the store holds and renders the rest (here, on a
process pool or on a Dask cluster), each document in each edition leaving the
facts the listing pages are then made from; publishing links each file into a
temporary folder that replaces the output whole when everything succeeded.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from multiprocessing import get_context
from pathlib import Path

import jinja2

from docpub import __version__
from docpub.cache import Store, open_store, search_cache_folder
from docpub.config import CONFIG_NAME, SiteConfig
from docpub.execute import Tick, execute, execute_listings
from docpub.facts import Facts
from docpub.inputs import digest, read_inputs
from docpub.load import load_sources
from docpub.outdir import MARKER, MARKER_TEXT, Publisher, atomic_output, check_replaceable, output_lock
from docpub.pages import KINDS, Listing, Shared
from docpub.plan import DocSource, Output, listing_slots, plan_documents, plan_listings, published_ids
from docpub.search import SearchCache
from docpub.templating import template_error

__all__ = ["BuildReport", "Progress", "build", "code_identity", "default_jobs"]


@dataclass(frozen=True, slots=True)
class BuildReport:
    out: Path
    documents: int
    editions: int
    files: int
    rendered: int = 0
    reused: int = 0


# Told how many outputs the plan has, then given a tick per output done.
Progress = Callable[[int], Tick]


def build(config: SiteConfig, out: Path, *, pdf: bool = True, use_cache: bool = True, jobs: int = 1,
          scheduler: str = "", progress: Progress | None = None, search: bool = True) -> BuildReport:
    """Build the site of ``config`` into ``out``, reusing what the cache beside it holds.

    ``jobs`` > 1 renders on a process pool; ``scheduler`` (tcp://host:port) on a
    Dask cluster. ``search`` False leaves the search index out (``docpub check``).
    """
    # The site's own sources may hold the output (build/site) but never be inside or under it.
    check_replaceable(out, keep=(config.content_path, config.templates_path, config.root / CONFIG_NAME))
    code = code_identity()
    with output_lock(out), open_store(out, use_cache=use_cache) as store, \
            _executor(jobs, scheduler) as (executor, window):
        docs = load_sources(config, store, code=code, executor=executor)
        shared = Shared(config, read_inputs(config), pdf)
        outputs = plan_documents(shared, docs, code=code)
        slots = listing_slots(shared)
        tick = progress(len(outputs) + len(slots)) if progress else None
        with atomic_output(out) as tmp:
            (tmp / MARKER).write_bytes(MARKER_TEXT)
            publisher = Publisher(tmp)
            publish = _publish(publisher)
            try:
                stats = execute(outputs, shared=shared, docs=docs, store=store, executor=executor,
                                window=window, publish=publish, tick=tick)
                facts = _facts(shared, docs, outputs, store)
                listings = plan_listings(shared, docs, facts, code=code)
                published = published_ids(docs)
                stats += execute_listings(listings, store=store, publish=publish, tick=tick, listing=lambda o: Listing(
                    shared, shared.inputs.edition(o.edition or config.source_lang), facts, published))
            except jinja2.TemplateError as exc:
                raise template_error(exc, config.theme) from None
            if search:
                cache = SearchCache(search_cache_folder(out) if use_cache else None)
                _search(cache, tmp, publisher, [*outputs, *listings], code, jobs)
    return BuildReport(out=out, documents=len(docs), editions=len(config.editions), files=publisher.files,
                       rendered=stats.rendered, reused=stats.reused)


def _facts(shared: Shared, docs: Sequence[DocSource], outputs: list[Output], store: Store) -> dict[str, list[Facts]]:
    """Every document's facts in every edition (by id), from the store where the jobs left them."""
    entries = {(o.edition, o.doc): o.key for o in outputs if o.kind == "facts"}
    out: dict[str, list[Facts]] = {}
    for spec in shared.inputs.editions:
        tag = spec.edition.tag
        group = out[tag] = []
        for doc in sorted(docs, key=lambda d: d.id):
            data = store.read(entries[tag, doc.id])
            if data is None:  # removed while this build ran: nothing to publish that is not known
                raise RuntimeError(f"the build cache lost an entry of {doc.path} during the build")
            group.append(Facts.from_bytes(data))
    return out


def _search(cache: SearchCache, tmp: Path, publisher: Publisher, outputs: list[Output], code: str,
            jobs: int) -> None:
    """Each edition's search bundle: reused while none of the edition's pages changed.

    Pagefind runs as its own program, so with ``jobs`` > 1 several editions are indexed at once.
    """
    pages: dict[str, list[Output]] = {}
    for o in outputs:
        if o.path.endswith(".html") and o.edition and KINDS[o.kind].published and not o.path.startswith("review/"):
            pages.setdefault(o.edition, []).append(o)

    def bundle(tag: str) -> Path:
        group = sorted(pages[tag], key=lambda o: o.path)
        key = digest(code, cache.versions(), tag, *(p for o in group for p in (o.path, o.key)))
        return cache.bundle(tag, key, {o.path: tmp / o.path for o in group})

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as threads:
        folders = dict(zip(sorted(pages), threads.map(bundle, sorted(pages)), strict=True))
    for tag, folder in folders.items():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            publisher.place(f"{cache.prefix(tag)}/{path.relative_to(folder).as_posix()}", path)
    cache.prune()


def _publish(publisher: Publisher) -> Callable[[Output, Path], None]:
    def publish(output: Output, entry: Path) -> None:
        if KINDS[output.kind].published:
            publisher.place(output.path, entry)

    return publish


@contextmanager
def _executor(jobs: int, scheduler: str) -> Iterator[tuple[Executor | None, int]]:
    """This process (``jobs`` 1), a process pool, or a Dask cluster's workers."""
    if scheduler:
        from docpub.cluster import dask_executor

        with dask_executor(scheduler) as (executor, workers):
            yield executor, 4 * workers
        return
    if jobs <= 1:
        yield None, 1
        return
    pool = _LazyPool(jobs)
    try:
        yield pool, 2 * jobs
    finally:
        pool.shutdown(cancel_futures=True)


class _LazyPool(Executor):
    """A process pool started on the first job, so a build with nothing to render starts none."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pool is None:
            # fork is quick, but only safe with one thread; a progress bar runs a thread, and then
            # workers start from a clean process that has docpub imported (forkserver).
            if threading.active_count() == 1:
                self.pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=get_context("fork"))
            else:
                server = get_context("forkserver")
                server.set_forkserver_preload(["docpub.execute"])
                self.pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=server)
        return self.pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def code_identity() -> str:
    """docpub's version and the digest of its own files: a changed docpub renders everything anew."""
    h = hashlib.blake2b(__version__.encode("utf-8"), digest_size=16)
    root = Path(str(resources.files("docpub")))
    for path in sorted(_package_files(root)):
        h.update(path.relative_to(root).as_posix().encode("utf-8"))
        h.update(path.read_bytes())
    return h.hexdigest()


def _package_files(root: Path) -> Iterator[Path]:
    for path in root.rglob("*"):
        if path.is_file() and path.suffix in (".py", ".json", ".tsv", ".j2", ".css", ".toml", ".js", ".svg"):
            yield path
