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

import functools
import hashlib
import importlib
import itertools
import os
import pickle
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from msgspec import Struct
from msgspec.structs import replace

from docpub import __version__
from docpub.cache import Placed, Store, cache_folder, open_store, read_kept
from docpub.config import CONFIG_NAME, SiteConfig
from docpub.execute import (
    ListingJob,
    StartedListing,
    Stats,
    Tick,
    execute,
    execute_listings,
    start_listing,
    warm_editions,
    warm_worker,
)
from docpub.facts import FactsHeads, StoredFacts
from docpub.inputs import digest, read_inputs
from docpub.load import load_sources
from docpub.outdir import (
    MARKER,
    MARKER_TEXT,
    Publisher,
    atomic_output,
    check_replaceable,
    folders_of,
    keep_site_list,
    output_lock,
    take_site_list,
    walk_tree,
)
from docpub.pages import KINDS, Shared
from docpub.plan import DocSource, KeyParts, Output, listing_slots, plan_documents, plan_listings
from docpub.search import BUNDLE, MANIFEST, SearchCache, languages, programs, shard_of
from docpub.templating import compiled_templates_in, template_errors
from docpub.work import end_with_build, importing

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

__all__ = ["BuildReport", "Progress", "build", "code_identity", "default_jobs"]


class BuildReport(Struct, frozen=True):
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

    ``jobs`` > 1 renders on a process pool, of at most a process per core this process may
    use (more would only share the cores); ``scheduler`` (tcp://host:port) on a Dask cluster.
    ``search`` False leaves the search index out (``docpub check``).
    """
    jobs = min(jobs, default_jobs())
    # The site's own sources may hold the output (build/site) but never be inside or under it.
    check_replaceable(out, keep=(config.content_path, config.templates_path, config.root / CONFIG_NAME))
    code = code_identity()
    profile = "pdf" if pdf else "html"
    with output_lock(out), open_store(out, use_cache=use_cache, profile=profile) as store, \
            compiled_templates_in(store.folder / "templates"), _executor(jobs, scheduler) as (executor, window), \
            _search_cache(store, use_cache=use_cache, search=search, profile=profile) as cache:
        shared = Shared(config, read_inputs(config), pdf)
        docs = _load(shared, store, executor, cache, code)
        keys = KeyParts(shared, docs, code)
        outputs = plan_documents(shared, docs, keys)
        run = _Run(shared, docs, outputs, store, keys, executor=executor, cache=cache, jobs=jobs,
                   scheduler=scheduler)
        stats, listed_outputs, folders = run.execute(window, progress)
        if isinstance(executor, _LazyPool):
            executor.release()  # nothing more runs on it: its workers end while this process publishes
        # Made only now, and an entry's file name only when asked for: neither the listings
        # nor the publishing hold a name per file of the archive.
        placed = Placed(store, ((o.path, o.key) for o in itertools.chain(outputs, listed_outputs)
                                if KINDS[o.kind].published))  # path in the site -> its entry
        inodes = placed.inodes
        if cache is not None:
            folders.update(_bundles(cache, _shards(cache, _shard_keys(cache, listed_outputs, code), store), jobs))
            _place_search(cache, placed, inodes, folders, [e.tag for e in config.editions])
        _publish(out, placed, inodes, use_cache=use_cache, rendered=stats.rendered > 0)
    return BuildReport(out=out, documents=len(docs), editions=len(config.editions), files=len(placed),
                       rendered=stats.rendered, reused=stats.reused)


def _load(shared: Shared, store: Store, executor: Executor | None, cache: SearchCache | None,
          code: str) -> tuple[DocSource, ...]:
    """Every document, read, checked and linked (``load_sources``), on other processes when
    there are files to parse and a pool to build with."""
    pool = executor if isinstance(executor, _LazyPool) else None
    if pool is not None:
        pool.warm(shared)
    if pool is None or pool.pool is not None:
        early = functools.partial(cache.begin, 1) if cache is not None else None
        return load_sources(shared.config, store, code=code, executor=executor, changed=early)
    # The changed files are parsed on processes forked for that alone (``_Parsers``), while
    # this one makes what the build's workers start with, before they are forked: with PDFs,
    # WeasyPrint's import; without, the writers and each edition's context (``warm_here``),
    # made once here rather than by every worker. As soon as a document is to be parsed (a
    # changed document changes its search shard), a Pagefind program starts and loads its word
    # lists. Forking needs this process to run one thread: a progress bar runs another, and
    # then (without PDFs) the workers start at once from a fresh process and parse.
    forkable = threading.active_count() == 1
    if not shared.pdf and not forkable:
        return load_sources(shared.config, store, code=code, executor=executor,
                            changed=functools.partial(_start_early, pool, cache))

    def first() -> None:  # (before the parsers are forked: they start with the model and writers too)
        if not shared.pdf:
            pool.preload("docpub.render")

    def meanwhile() -> None:
        if cache is not None and shared.pdf:
            cache.warm_up(1)  # its thread starts once the parsers are forked
        elif cache is not None:
            cache.begin(1)  # (on no thread: the workers may be forked at once)
        if shared.pdf:
            pool.preload("docpub.writers.pdf")
        else:
            pool.warm_here()

    with _Parsers(pool.jobs) as parsers:
        return load_sources(shared.config, store, code=code, executor=parsers, changed=first, meanwhile=meanwhile)


def _start_early(executor: _LazyPool, cache: SearchCache | None) -> None:
    """Start a Pagefind program when the build indexes (on no thread: it loads its word lists
    by itself, and its pipes are not the workers'), and the workers."""
    if cache is not None:
        cache.begin(1)
    executor.start()


class _Parsers(Executor):
    """Processes that parse the changed content files while this one imports what the build's
    workers start with; they are gone when the block ends, before those workers are forked."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool: Executor | None = None

    def map(self, fn, *iterables, timeout=None, chunksize=1):  # type: ignore[no-untyped-def]
        """``fn`` over the files, on a process forked for each, up to the build's jobs (only
        while this process runs no other thread: else here, one file after the other)."""
        calls = list(zip(*iterables, strict=True))
        if self.pool is None and calls and threading.active_count() == 1:
            from concurrent.futures import ProcessPoolExecutor
            from multiprocessing import get_context

            self.pool = ProcessPoolExecutor(max_workers=min(self.jobs, len(calls)), mp_context=get_context("fork"),
                                            initializer=end_with_build, initargs=(os.getpid(),))
        if self.pool is None:
            return itertools.starmap(fn, calls)
        return self.pool.map(fn, *zip(*calls, strict=True), timeout=timeout, chunksize=chunksize)

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise NotImplementedError("_Parsers only maps")

    def __enter__(self) -> _Parsers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


class _Run:
    """Executing a build's plan: the documents' outputs, then the listings, with the search
    shards indexed beside them; what runs where and when is decided here."""

    def __init__(self, shared: Shared, docs: tuple[DocSource, ...], outputs: list[Output], store: Store,
                 keys: KeyParts, *, executor: Executor | None, cache: SearchCache | None, jobs: int,
                 scheduler: str) -> None:
        self.shared, self.docs, self.outputs, self.store, self.keys = shared, docs, outputs, store, keys
        self.executor, self.cache, self.jobs, self.scheduler = executor, cache, jobs, scheduler
        self.doc_shards: list[tuple[Shard, str, list[Output]]] = []
        self.listings: _Listings | None = None
        # What ``_pages_done`` made: the listing outputs, their stats and the bundles indexed.
        self.listed: tuple[list[Output], Stats, dict[Shard, Path]] | None = None

    def execute(self, window: int, progress: Progress | None) -> tuple[Stats, list[Output], dict[Shard, Path]]:
        """Every output reused or rendered: the stats, the listing outputs, and the search
        bundles made so far (shard -> its folder)."""
        executor, cache, outputs, store = self.executor, self.cache, self.outputs, self.store
        todo = {o.kind for o in outputs if store.get(o.key) is None}
        if isinstance(executor, _LazyPool) and "pdf" in todo:
            executor.preload("docpub.writers.pdf")  # WeasyPrint: imported once, not by every worker
        if isinstance(executor, _LazyPool) and executor.pool is None and cache is not None:
            cache.wait_warm()  # the workers are forked from this process alone (its one thread)
        slots = listing_slots(self.shared, self.keys.items)
        tick = progress(len(outputs) + len(slots)) if progress else None
        listings = self.listings = _Listings(self.shared, self.docs, outputs, store, keys=self.keys, tick=tick)
        if cache is not None:
            self.doc_shards = _start_indexing(cache, outputs, self.keys.code, executor if todo else None, self.jobs)
        # With one edited document, an edition's listings render as soon as its pages are there,
        # beside the other editions' pages: only on this machine's pool, when no PDF is to follow
        # the pages and Pagefind is not to index (the listings then render here).
        edition_done = None
        if isinstance(executor, _LazyPool) and "pdf" not in todo and \
                (cache is None or all(cache.has(key) for _, key, _ in self.doc_shards)):
            edition_done = functools.partial(listings.start, executor=executor)
        with template_errors(self.shared.config.theme):
            stats = execute(outputs, shared=self.shared, docs=self.docs, store=store, executor=executor,
                            window=window, tick=tick, shared_disk=not self.scheduler,
                            pages_done=self._pages_done, edition_done=edition_done, cited=self.keys.cited_pages)
        assert self.listed is not None  # ``execute`` calls ``_pages_done`` once in every case
        listed_outputs, listed, folders = self.listed
        return stats + listed, listed_outputs, folders

    def _pages_done(self, pdfs_running: bool) -> None:
        """The documents' pages are done: their search shards are indexed (by Pagefind, on the
        cores the listings leave free) while the listings render, here when the workers are
        laying out PDFs or Pagefind is indexing on every core (on the pool, they would take the
        cores of the indexing that ends the build). With fewer shards to index than cores (an
        edit's), the pool takes them: this process then only feeds Pagefind, which would
        otherwise wait for it between renders."""
        cache, jobs = self.cache, self.jobs
        assert self.listings is not None
        wanted = _shards(cache, self.doc_shards, self.store) if cache is not None else []
        indexing = sum(pages is not None for _, (_, pages) in wanted) >= jobs  # Pagefind on every core
        with _Meanwhile() as meanwhile:
            indexed = meanwhile.run(_bundles, cache, wanted, jobs, meanwhile.stop) if cache is not None else None
            pool = None if self.scheduler or pdfs_running or indexing else _ready(self.executor)
            self.listed = (*self.listings.finish(pool), indexed.result() if indexed is not None else {})


def _publish(out: Path, placed: Placed, inodes: Mapping[str, int], *, use_cache: bool, rendered: bool) -> None:
    """The site of ``placed`` into ``out``, replacing it whole, unless it is that site already.
    That is not looked for when the build ``rendered`` something: an output rendered is a new
    entry, a new file, so the site is another (had it rendered only what is not published, the
    same files are published again)."""
    if not rendered and _same_site(out, placed, inodes):
        return
    # The site this build replaces is kept in the cache, and is the next build's
    # starting point: an edit links and removes only what changed.
    spare = cache_folder(out) / "previous-site" if use_cache else None
    before = take_site_list(cache_folder(out))  # the files of the site being replaced
    with atomic_output(out, spare=spare) as tmp:
        Publisher(tmp).publish(placed, inodes, (MARKER, MARKER_TEXT))
    if spare is not None and spare.is_dir():
        # What changed goes from it now: it keeps no file the cache prunes.
        if before is not None:
            Publisher(spare).drop_changed(before, inodes)
        else:
            Publisher(spare).trim(placed, inodes)
        keep_site_list(cache_folder(out), placed, inodes)


@contextmanager
def _search_cache(store: Store, *, use_cache: bool, search: bool, profile: str) -> Iterator[SearchCache | None]:
    """The build's search cache (None without search), in the store's folder: the cache beside
    the output, or without caching the build's scratch folder (beside the output too, where the
    next build removes it if this one is killed). However the build ends, no Pagefind program
    is left running; a finished build prunes the cache (after publishing, which links the
    bundles it keeps), and without caching its folder goes in any case."""
    cache = SearchCache(store.folder / "search", scratch=not use_cache, profile=profile) if search else None
    try:
        yield cache
    except BaseException:
        if cache is not None:
            cache.close()
            if cache.scratch:
                cache.prune()
        raise
    if cache is not None:
        cache.prune()


def _same_site(out: Path, placed: Mapping[str, str], inodes: Mapping[str, int]) -> bool:
    """Whether ``out`` already is this very site: its files the very entries (hard links) to place,
    its folders those that hold them, and nothing else. Then there is nothing to publish, and the
    output is left as it is.

    ``inodes``: a placed file's entry's inode where the cache knows it; the site's own inodes
    come from its folders' listings, so most files cost no system call.
    """
    try:
        if read_kept(out / MARKER) != MARKER_TEXT:  # (a link there is not followed)
            return False
        first = next(iter(placed.values()), None)
        if first is not None and os.stat(first).st_dev != os.stat(out).st_dev:
            return False  # the entries are elsewhere: the site holds copies
        found = 0
        folders = folders_of(placed)
        for rel, item in walk_tree(str(out)):
            if item.is_dir(follow_symlinks=False):
                if rel not in folders:  # (an empty folder, say: the site has none)
                    return False
                continue
            if rel == MARKER:
                continue
            entry = placed.get(rel)
            if entry is None or not item.is_file(follow_symlinks=False):
                return False
            inode = inodes.get(rel)
            if item.inode() != (os.stat(entry).st_ino if inode is None else inode):
                return False
            found += 1
        return found == len(placed)
    except OSError:
        return False


class _Listings:
    """The listing pages, planned and rendered from the facts the document jobs left.

    Keys are made from the facets' digests at the head of each facts entry; the facts
    themselves are read only for a listing that is rendered, one edition's at a time
    (and for the site's listings, only what they show), so memory does not grow with
    the archive's citations. Each edition's listings, and the site's, are a job; on
    an executor the jobs run side by side, and an edition's can start before the others'
    pages are done (``start``).
    """

    def __init__(self, shared: Shared, docs: Sequence[DocSource], outputs: list[Output], store: Store, *,
                 keys: KeyParts, tick: Tick | None) -> None:
        self.shared, self.docs, self.outputs, self.store = shared, docs, outputs, store
        self.keys, self.tick = keys, tick
        self._published = keys.listed
        self._stored: dict[str, list[StoredFacts]] = {}
        self._entries: dict[str, dict[str, str]] | None = None  # edition -> document -> its facts' key
        self._started: dict[str, tuple[ListingJob, StartedListing]] = {}
        self._heads = FactsHeads(store.folder)

    def _job(self, scope: str) -> ListingJob:
        tags = [scope] if scope else [e.edition.tag for e in self.shared.inputs.editions]
        if self._entries is None:
            self._entries = {}
            for o in self.outputs:
                if o.kind == "facts":
                    self._entries.setdefault(o.edition, {})[o.doc] = o.key
        for tag in tags:
            if tag not in self._stored:
                self._stored[tag] = _facts(self.docs, self._entries.get(tag, {}), self.store, self._heads)
        group = {tag: self._stored[tag] for tag in tags}
        planned = plan_listings(self.shared, group, self.keys, scope=scope)
        return ListingJob(self.shared, tuple(planned), group, self._published, pages=self.keys.cited_pages,
                          shown=self.keys.shown)

    def start(self, tag: str, executor: Executor) -> None:
        """Start rendering edition ``tag``'s listings on ``executor`` now: its pages are done."""
        job = self._job(tag)
        self._started[tag] = (job, start_listing(job, store=self.store, executor=executor, tick=self.tick))

    def finish(self, executor: Executor | None) -> tuple[list[Output], Stats]:
        """Every listing reused or rendered (those not started yet, on ``executor`` if not None):
        the listing outputs, and how many were rendered."""
        scopes = [*(e.edition.tag for e in self.shared.inputs.editions), ""]
        rest = {scope: self._job(scope) for scope in scopes if scope not in self._started}
        self._heads.save(self._stored.values(), self.store.checksum_of)  # (every edition's are read by now)
        # Planned: what rendering reads of the facts' first lines is the review sizes alone, so
        # the jobs keep no longer line per document (an archive's thousands) while they render.
        self._stored = {tag: [f.slim() for f in group] for tag, group in self._stored.items()}
        rest = {scope: replace(job, facts={tag: self._stored[tag] for tag in job.facts}) for scope, job in rest.items()}
        stats = execute_listings(list(rest.values()), store=self.store, executor=executor, tick=self.tick,
                                 started=[started for _, started in self._started.values()])
        jobs = [rest[scope] if scope in rest else self._started[scope][0] for scope in scopes]
        return [o for job in jobs for o in job.outputs], stats


def _facts(docs: Sequence[DocSource], entries: Mapping[str, str], store: Store,
           heads: FactsHeads) -> list[StoredFacts]:
    """Every document's facts in one edition (by id), in the store where the jobs left them
    (``entries``: document -> the key of its facts in the edition; ``heads``: their first
    lines as the cache keeps them, so an unchanged entry is not opened)."""
    group = []
    for doc in sorted(docs, key=lambda d: d.id):
        key = entries[doc.id]
        if store.get(key) is None:  # removed while this build ran: nothing to publish that is not known
            raise RuntimeError(f"the build cache lost an entry of {doc.path} during the build")
        group.append(heads.open(doc.id, store.objects, key, store.checksum_of(key)))
    return group


Shard = str  # a shard's name: "00" to "31", or "site" (see ``docpub.search``)
_T = TypeVar("_T")


def _shards(cache: SearchCache, keyed: Iterable[tuple[Shard, str, list[Output]]],
            store: Store) -> list[tuple[Shard, tuple[str, dict[str, Path] | None]]]:
    """The search shards of ``_shard_keys``, each with its key and, when the cache has no bundle
    of that key, its pages (path in the site -> the store's entry). A shard's bundle is reused
    while none of its pages changed, so an edit re-indexes its document's shard alone."""
    return [(shard, (key, None if cache.has(key) else {o.path: Path(store.path_of(o.key)) for o in group}))
            for shard, key, group in keyed]


def _shard_keys(cache: SearchCache, outputs: Sequence[Output],
                code: str) -> Iterator[tuple[Shard, str, list[Output]]]:
    """Each search shard of ``outputs``' reader pages (in every edition), with its key and its pages."""
    groups: dict[Shard, list[Output]] = {}
    for o in outputs:
        if o.path.endswith(".html") and o.edition and KINDS[o.kind].published and not o.path.startswith("review/"):
            groups.setdefault(shard_of(o.doc), []).append(o)
    for shard in sorted(groups):
        group = sorted(groups[shard], key=lambda o: o.path)
        yield shard, digest(code, cache.versions(), shard, *(p for o in group for p in (o.path, o.key))), group


def _start_indexing(cache: SearchCache, outputs: Sequence[Output], code: str, executor: Executor | None,
                    jobs: int) -> list[tuple[Shard, str, list[Output]]]:
    """The documents' search shards, known from the plan; if any is to be indexed, Pagefind starts
    now and loads its word lists while the documents render. ``executor``: the pool that will
    render, started first (forked before Pagefind's threads)."""
    shards = list(_shard_keys(cache, [o for o in outputs if o.doc], code))
    if missing := sum(not cache.has(key) for _, key, _ in shards):
        if isinstance(executor, _LazyPool):
            executor.start()
        cache.warm_up(programs(jobs, missing))
    return shards


def _bundles(cache: SearchCache, wanted: list[tuple[Shard, tuple[str, dict[str, Path] | None]]], jobs: int,
             stop: threading.Event | None = None) -> dict[Shard, Path]:
    """The bundle of each shard of ``wanted`` (``_shards``), made where the cache has none."""
    folders = cache.bundles([w for _, w in wanted], jobs, stop) if wanted else []
    return dict(zip((shard for shard, _ in wanted), folders, strict=True))


def _place_search(cache: SearchCache, placed: MutableMapping[str, str], inodes: MutableMapping[str, int],
                  folders: Mapping[Shard, Path], tags: Sequence[str]) -> None:
    """The shards that hold text into the site (``inodes``: their files'), and for each edition of
    ``tags`` the list of those holding its pages (Pagefind names a language in lower case)."""
    held: dict[Shard, frozenset[str]] = {}
    for shard, folder in sorted(folders.items()):
        if not (found := languages(folder)):
            continue
        held[shard] = found
        prefix = f"{BUNDLE}/{shard}/"
        for rel, item in walk_tree(str(folder)):
            if item.is_file(follow_symlinks=False):
                placed[prefix + rel] = item.path
                inodes[prefix + rel] = item.inode()
    for tag in tags:
        listed = [f"../{shard}" for shard, found in held.items() if tag.lower() in found]
        placed[f"{cache.prefix(tag)}/{MANIFEST}"] = str(cache.manifest(listed))


class _Meanwhile:
    """Work run on a thread while the build goes on. Leaving the block with an error sets ``stop``
    (the work ends after its current step) and waits for it, so nothing runs after the build."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="docpub-meanwhile")

    def run(self, fn: Callable[..., _T], *args: Any) -> Future[_T]:
        return self._pool.submit(fn, *args)

    def __enter__(self) -> _Meanwhile:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if kind is not None:
            self.stop.set()
        self._pool.shutdown(wait=True)


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
    """A process pool started on the first job, so a build with nothing to render starts none.

    Given the build's ``Shared`` (``warm``), each worker starts by making what every job
    needs first (``execute.warm_worker``), while this process goes on loading and planning.
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool: Executor | None = None
        self._modules = ["docpub.execute"]  # what the workers start with
        self._warm: Shared | None = None
        self._warmed = False  # made here (``warm_here``): workers forked from here start with it
        self._ending: threading.Thread | None = None  # the pool's thread, once released

    def warm(self, shared: Shared) -> None:
        """What the workers make first when they start (see the class)."""
        self._warm = shared

    def warm_here(self) -> None:
        """Make what the workers' jobs need first (``execute.warm_editions``) here, before they are
        forked (with the writers: ``start``), so that they start with it. (Workers started from
        a fresh process, when this one runs another thread, make it themselves.)"""
        if self.pool is None and self._warm is not None:
            self.preload("docpub.render")
            with importing():
                warm_editions(self._warm)
            self._warmed = True

    def preload(self, module: str) -> None:
        """Import ``module`` here before the workers are forked, so that they start with it."""
        if self.pool is None:
            with importing():
                importlib.import_module(module)
            self._modules.append(module)

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        return self.start().submit(fn, *args, **kwargs)

    def start(self) -> Executor:
        """The workers, started now if they are not yet; every one of them renders, so they start
        with the writers (imported once, here)."""
        if self.pool is None:
            self.preload("docpub.render")
            from concurrent.futures import ProcessPoolExecutor  # only when there is work: slow to import
            from multiprocessing import get_context

            # fork is quick, but only safe with one thread; a progress bar runs a thread, and then
            # workers start from a clean process that has docpub imported (``_clean_start``).
            forked = threading.active_count() == 1
            context: BaseContext = get_context("fork") if forked else _clean_start(self._modules)
            initial = b""  # (nothing to make: a forked worker starts with what ``warm_here`` made)
            if self._warm is not None and not (self._warmed and forked):
                initial = pickle.dumps(self._warm, protocol=pickle.HIGHEST_PROTOCOL)
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context, initializer=warm_worker,
                                            initargs=(initial, os.getpid()))
            # The pool forks its workers on its first job: made now, they hold no pipe of a
            # program this process starts later (Pagefind), which would then never see its end.
            self.pool.submit(os.getpid)
        return self.pool

    def release(self) -> None:
        """Let the workers end (once their jobs are done) without waiting for them (``shutdown``
        waits); nothing is run on the pool after this."""
        if self.pool is not None:
            # The pool's own thread tells each worker to stop, then waits for them. The pool
            # forgets it once shut down: kept here, for ``shutdown`` to wait for it.
            self._ending = getattr(self.pool, "_executor_manager_thread", None)
            self.pool.shutdown(wait=False)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop the workers; with ``wait``, return once every one has ended. (A worker left
        waiting for a job when this process ends, which it does at once, would wait for ever,
        holding what it inherited: the pipe of a `docpub build | tee` never closed.)"""
        if self.pool is not None:
            self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)
        ending, self._ending = self._ending, None
        if wait and ending is not None:
            ending.join()


def _clean_start(modules: Sequence[str]) -> BaseContext:
    """How workers start in a process that runs threads: forked from a fork server that has
    ``modules`` imported (started once a process; each worker a fork of it). Where the server
    cannot start (its socket is a file in the system's temporary folder, and a ``TMPDIR`` longer
    than about 75 bytes makes its path longer than a socket's address may be), each worker is a
    new interpreter (spawn): slower to start, the same work."""
    from multiprocessing import forkserver, get_context

    server = get_context("forkserver")
    server.set_forkserver_preload(list(modules))
    try:
        forkserver.ensure_running()
    except OSError:
        return get_context("spawn")
    return server


def _ready(executor: Executor | None) -> Executor | None:
    """``executor`` if its workers are running or can be forked from this process now (the
    listings are quick: not worth a fresh interpreter's start)."""
    if isinstance(executor, _LazyPool) and executor.pool is None and threading.active_count() > 1:
        return None
    return executor


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def code_identity() -> str:
    """docpub's version and the digest of its own files: a changed docpub renders everything anew."""
    h = hashlib.blake2b(__version__.encode("utf-8"), digest_size=16)
    root = Path(__file__).resolve().parent  # the package's folder (importlib.resources: slow to import)
    for path in sorted(_package_files(root)):
        h.update(path.relative_to(root).as_posix().encode("utf-8"))
        h.update(path.read_bytes())
    return h.hexdigest()


def _package_files(root: Path) -> Iterator[Path]:
    for path in root.rglob("*"):
        if path.is_file() and path.suffix in (".py", ".json", ".tsv", ".j2", ".css", ".toml", ".js", ".svg"):
            yield path
