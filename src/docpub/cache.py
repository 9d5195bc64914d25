"""A content store keyed by what an entry is made of, verified whenever it is read.

Entries are the outputs of earlier builds (pages, PDFs, copies) and the models
of loaded documents, stored as ``objects/<k[:2]>/<key><suffix>``. The index
(``index.json``) records each entry's checksum: an entry whose bytes no longer
match (truncated, overwritten, damaged on disk) is treated as missing, so it is
rendered again and never published. Reading every entry back on every build
would cost a no-op build most of its time, so the index also records each
entry's size, modification time and inode when its bytes were last checked:
while those stay the same the file has not been written since, and the bytes
are read again only when they changed. Entries written just before the index
(in the same tick of the file system's clock as a later write could be) are
always read again. A published file is a hard link to its
entry, so an unchanged site is not copied. Entries no build used are removed
when a build succeeds.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Collection, Iterable, Iterator, KeysView, Mapping, MutableMapping
from pathlib import Path
from typing import Any

INDEX = "index.json"
# The keys the last build of each profile used (see ``Store._kept_by_other_profiles``).
KEPT_BY_PROFILE = "kept-by-profile"
_KEPT_HEAD = b"docpub kept keys 1\n"
# Present while a build writes entries: a build that finds it (its predecessor was killed)
# looks for the files the index does not know.
WRITING = "writing"
# An entry whose modification time is this close to the index's is read again
# by the next build: a write in the same clock tick would leave its time unchanged.
RACY_NS = 100_000_000


def read_kept(path: str | os.PathLike[str]) -> bytes | None:
    """The bytes of a file the build keeps in its cache; None when there is none. What is there
    instead of a regular file (a link, not followed; a named pipe, not waited for; a folder)
    raises ``OSError``, as damage (see ``Store``)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    with open(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", os.fspath(path))
        return f.read()


def read_kept_json(path: Path) -> Any:
    """The JSON value of ``path``, a file the build keeps in its cache (``read_kept``); None when
    it is missing or damaged (not JSON, not UTF-8, or nested without end)."""
    try:
        return json.loads(read_kept(path) or b"null")
    except (OSError, ValueError, RecursionError):
        return None


def write_kept(path: Path, data: Iterable[bytes]) -> None:
    """Replace ``path``, a file the build keeps in its cache, with ``data`` (its parts) whole
    (written beside it, then renamed: a reader never sees half of it; nothing is left when
    writing fails)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.writelines(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def json_parts(mapping: Mapping[str, Any], *, per_part: int = 2000) -> Iterator[bytes]:
    """``json.dumps(mapping, sort_keys=True, ensure_ascii=False)``'s bytes, made a few thousand
    entries at a time: the index of a large archive's cache is megabytes of JSON, which held whole
    (and again as bytes) would be the build's peak of memory."""
    keys = sorted(mapping)
    yield b"{"
    for start in range(0, len(keys), per_part):
        part = {k: mapping[k] for k in keys[start:start + per_part]}
        yield (", " if start else "").encode("utf-8") + json.dumps(part, ensure_ascii=False)[1:-1].encode("utf-8")
    yield b"}"


def checksum(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Store:
    """Entries by key in ``folder``; what one build used is remembered for pruning."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._objects = str(folder / "objects")
        _real_folders(folder, self._objects)
        # key -> "checksum suffix" or "checksum suffix size:mtime_ns:inode" (as last checked):
        # the entries of the index file (less those found damaged), and those this build used
        # (got or put), the only ones a build into a new folder holds: its tens of thousands of
        # keys are not also held in a set of the used ones.
        self._index, exact = _read_index(folder / INDEX)
        self._used: dict[str, str] = {}
        self._changed = not exact  # the index differs from the file's (none, or a damaged one)
        # Strays (files the index does not know) are looked for only when a build was killed
        # while writing, or the index is lost; otherwise every file is an entry of the index.
        self._strays = (folder / WRITING).exists() or (not self._index and os.path.isdir(self._objects))
        self._changed |= self._strays
        self._writing = False

    def _path(self, key: str, suffix: str) -> str:
        return entry_path(self._objects, key, suffix)

    @property
    def used(self) -> KeysView[str]:
        """The keys of the entries this build used (got or put)."""
        return self._used.keys()

    def get(self, key: str) -> str | None:
        """The entry's file if it exists and its bytes are what was stored, else None."""
        entry = self._used.get(key)
        if entry is not None:  # checked (or written) by this build already
            return self._path(key, entry.split(" ", 2)[1])
        entry = self._index.get(key)
        if entry is None:
            return None
        sum_, _, rest = entry.partition(" ")
        suffix, _, seen = rest.partition(" ")
        path = self._path(key, suffix)
        try:
            if seen and seen == _signature(os.stat(path, follow_symlinks=False)):
                ok = True  # not written since its bytes were checked
            else:
                # An entry is a file the build wrote: a link in its place is not followed, nor a
                # named pipe waited for (it reads as empty: not the entry's bytes).
                with open(os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK), "rb") as f:
                    ok = hashlib.file_digest(f, lambda: hashlib.blake2b(digest_size=16)).hexdigest() == sum_
                    signature = _signature(os.fstat(f.fileno()))
                if ok:
                    entry = f"{sum_} {suffix} {signature}"
                    self._changed = True
        except OSError:
            ok = False
        if not ok:
            del self._index[key]
            self._changed = True
            return None
        self._used[key] = entry
        return path

    def path_of(self, key: str) -> str:
        """The file of an entry this build used (got or put)."""
        return self._path(key, self._used[key].split(" ", 2)[1])

    def checksum_of(self, key: str) -> str:
        """The checksum of the bytes of an entry this build used (got or put)."""
        return self._used[key].split(" ", 1)[0]

    def inode_of(self, key: str) -> int | None:
        """The inode of an entry this build used, when its signature is known (else None)."""
        seen = self._used[key].split(" ", 2)[2:]
        return int(seen[0].rsplit(":", 1)[1]) if seen and seen[0] else None

    def read(self, key: str) -> bytes | None:
        path = self.get(key)
        if path is None:
            return None
        with open(path, "rb") as f:
            return f.read()

    @property
    def objects(self) -> str:
        """The folder of the entries, which ``write_entry`` writes into."""
        return self._objects

    def begin_writes(self) -> None:
        """Mark the store as being written (a build killed from now on leaves its mark)."""
        if not self._writing:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / WRITING).touch()
            self._writing = True

    def put(self, key: str, data: bytes | Iterable[bytes], *, suffix: str = "", sum_: str = "") -> str:
        """Store ``data``, bytes or pieces of them (whose ``checksum`` is ``sum_`` when the caller has
        it already): the entry's path."""
        self.begin_writes()
        if isinstance(data, bytes):
            path, signature = write_entry(self._objects, key, suffix, data)
            sum_ = sum_ or checksum(data)
        else:
            h = hashlib.blake2b(digest_size=16)
            path, signature = write_entry(self._objects, key, suffix, _hashed(data, h))
            sum_ = h.hexdigest()
        self.record(key, suffix, sum_, signature)
        return path

    def record(self, key: str, suffix: str, sum_: str, signature: str) -> str:
        """Take in an entry another process wrote with ``write_entry`` (after ``begin_writes``)."""
        self._used[key] = f"{sum_} {suffix} {signature}"
        self._changed = True
        return self._path(key, suffix)

    def save(self, *, prune: bool, profile: str = "") -> None:
        """Write the index (unless it is the file's already); with ``prune``, forget and delete
        every entry this build did not use, unless the last build of another ``profile`` did
        (``KEPT_BY_PROFILE``)."""
        if prune:
            unused = [key for key in self._index if key not in self._used]
            # (a build that used every entry and wrote none, a no-op, has nothing to prune nor record)
            others = self._kept_by_other_profiles(profile) if unused or self._changed else set()
            for key in unused:
                entry = self._index[key]
                if key in others:
                    self._used[key] = entry  # (kept as it is: the other kind of build's)
                    continue
                self._changed = True
                path = self._path(key, entry.split(" ")[1])
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)
                with contextlib.suppress(OSError):
                    os.rmdir(os.path.dirname(path))  # only when empty
            self._index = {}
            if self._strays:
                self._remove_strays()
        racy = time.time_ns() - RACY_NS
        for index in (self._index, self._used):
            for key, entry in index.items():
                sum_, suffix, seen = (entry.split(" ") + ["", ""])[:3]
                if seen and int(seen.split(":")[1]) >= racy:
                    index[key] = f"{sum_} {suffix}"
                    self._changed = True
        if self._changed:  # (else the index on disk is this very one: a build that changed nothing)
            index = {**self._index, **self._used} if self._index else self._used
            write_kept(self.folder / INDEX, json_parts(index))
        if prune or not self._writing:
            # Every entry written is in the index. (A build that failed may have had entries
            # written by workers it never took in: the mark stays, and the next build looks
            # for them.)
            (self.folder / WRITING).unlink(missing_ok=True)

    def _kept_by_other_profiles(self, profile: str) -> set[str]:
        """The keys the last build of each other profile used; this build's are recorded for
        its profile (``kept_by_other_profiles``)."""
        return kept_by_other_profiles(self.folder / KEPT_BY_PROFILE, profile, self._used.keys())

    def _remove_strays(self) -> None:
        """Files the index does not know (left by a build that was killed) and empty folders."""
        objects = self.folder / "objects"
        if not objects.is_dir():
            return
        known = {self._path(k, v.split(" ")[1]) for index in (self._index, self._used) for k, v in index.items()}
        for sub in objects.iterdir():
            for path in sub.iterdir() if sub.is_dir() else ():
                if str(path) not in known:
                    path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                sub.rmdir()  # only when empty


class Placed(MutableMapping[str, str]):
    """What a build publishes: path in the site -> the file to place there (a store's entry, or
    a file added by hand, such as the search index's). An entry's file name is made when it is
    asked for, so an archive's tens of thousands of names are not all held at the build's end.
    """

    def __init__(self, store: Store, entries: Iterable[tuple[str, str]]) -> None:
        self._store = store
        self._keys = dict(entries)  # path -> the entry's key (one the build used)
        self._files: dict[str, str] = {}
        self.inodes = _Inodes(self)

    def __getitem__(self, path: str) -> str:
        key = self._keys.get(path)
        return self._files[path] if key is None else self._store.path_of(key)

    def __setitem__(self, path: str, file: str) -> None:
        self._keys.pop(path, None)
        self._files[path] = file

    def __delitem__(self, path: str) -> None:
        if self._keys.pop(path, None) is None:
            del self._files[path]

    def __iter__(self) -> Iterator[str]:
        yield from self._keys
        yield from self._files

    def __len__(self) -> int:
        return len(self._keys) + len(self._files)


class _Inodes(MutableMapping[str, int]):
    """The inode of each placed file where it is known without a system call (``Placed.inodes``)."""

    def __init__(self, placed: Placed) -> None:
        self._placed = placed
        self._more: dict[str, int] = {}

    def __getitem__(self, path: str) -> int:
        key = self._placed._keys.get(path)
        inode = self._more.get(path) if key is None else self._placed._store.inode_of(key)
        if inode is None:
            raise KeyError(path)
        return inode

    def __setitem__(self, path: str, inode: int) -> None:
        self._more[path] = inode

    def __delitem__(self, path: str) -> None:
        del self._more[path]

    def __iter__(self) -> Iterator[str]:
        return (path for path in self._placed if path in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def entry_path(objects: str, key: str, suffix: str) -> str:
    """Where the entry ``key`` is, in a store whose entries are in ``objects``."""
    return f"{objects}/{key[:2]}/{key}{suffix}"


def _hashed(pieces: Iterable[bytes], h: Any) -> Iterator[bytes]:
    for piece in pieces:
        h.update(piece)
        yield piece


def write_entry(objects: str, key: str, suffix: str, data: bytes | Iterable[bytes]) -> tuple[str, str]:
    """Write an entry of the store whose entries are in ``objects``: (its path, its signature).

    Any process may call it (a build's workers write what they render). A reader never
    sees half an entry: it is written aside, then renamed; each key is written by one
    process, so the aside name need not be random.
    """
    folder = f"{objects}/{key[:2]}"
    path = f"{folder}/{key}{suffix}"
    tmp = f"{folder}/.tmp-{key}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
    try:
        # 0o644 whatever the umask: the published file is this very inode.
        try:
            fd = os.open(tmp, flags, 0o644)
        except FileNotFoundError:  # the entries' folder is made with the first entry it holds
            os.makedirs(folder, exist_ok=True)
            fd = os.open(tmp, flags, 0o644)
        try:
            os.fchmod(fd, 0o644)
            for piece in (data,) if isinstance(data, bytes) else data:
                view = memoryview(piece)
                while view:
                    view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        try:
            os.replace(tmp, path)
        except IsADirectoryError:  # a folder in the entry's place (damage): the entry replaces it
            shutil.rmtree(path)
            os.replace(tmp, path)
        return path, _signature(os.stat(path, follow_symlinks=False))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def real_folder(path: str | Path) -> bool:
    """Whether ``path`` is a real folder of the cache. A link or a file in its place (damage, or
    planted there) is removed, so that nothing is ever read, written or removed through it,
    outside the cache."""
    try:
        if stat.S_ISDIR(os.lstat(path).st_mode):
            return True
        os.unlink(path)
    except FileNotFoundError:
        pass
    return False


def _real_folders(folder: Path, objects: str) -> None:
    """The store's folder, its entries' folder and the folders in that (one per key prefix) are
    real folders (``real_folder``)."""
    real_folder(folder)
    real_folder(objects)
    with contextlib.suppress(FileNotFoundError), os.scandir(objects) as items:
        for item in items:
            if not item.is_dir(follow_symlinks=False):
                os.unlink(item.path)


def _signature(st: os.stat_result) -> str:
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def _read_index(path: Path) -> tuple[dict[str, str], bool]:
    """The index in ``path``, and whether it is the file's whole content."""
    data = read_kept_json(path)
    if not isinstance(data, dict):  # no index, or a damaged one: every entry is unverifiable, so none is used
        return {}, False
    index = {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}
    return index, len(index) == len(data)


def kept_by_other_profiles(path: Path, profile: str, used: Collection[str]) -> set[str]:
    """What the last build of each other profile used, as the list in ``path`` says; the list
    then records ``used`` for ``profile``. A profile is a kind of build whose outputs differ
    (with PDFs or without: the pages link to the PDFs or do not): one kind does not prune what
    the other will use, so builds that alternate reuse both (the store's entries, the search
    index's bundles). The list is a line per key (``profile<TAB>key``), read and written a few
    thousand lines at a time: a large archive has tens of thousands. A build that used what the
    last of its profile did leaves the list as it is."""
    kept: dict[str, set[str]] = {}
    # Whether the list has this profile's keys as ``used`` (counted and looked up, not held: an
    # archive's tens of thousands of keys would be the build's peak of memory).
    listed, unchanged = 0, False
    try:
        data = read_kept(path)
    except OSError:  # (a link, a named pipe, a folder in its place: damage, replaced below)
        data = None
    if data is not None and data.startswith(_KEPT_HEAD):
        unchanged = True
        try:
            for line in data[len(_KEPT_HEAD):].decode("utf-8").splitlines():
                name, key = line.split("\t")
                if name == profile:
                    listed += 1
                    unchanged = unchanged and key in used
                elif key:
                    kept.setdefault(name, set()).add(key)
        except ValueError:  # (UnicodeDecodeError is one): damaged, so none is kept
            kept, unchanged = {}, False
    del data
    if unchanged and listed == len(used):  # (the list already says so: left as it is, not written again)
        return set().union(*kept.values())

    def lines() -> Iterator[bytes]:
        yield _KEPT_HEAD
        for name, keys in [*kept.items(), (profile, used)]:
            ordered = sorted(keys)
            for start in range(0, len(ordered), 2000):
                yield "".join(f"{name}\t{key}\n" for key in ordered[start:start + 2000]).encode("utf-8")

    with contextlib.suppress(OSError):
        write_kept(path, lines())
    return set().union(*kept.values())


def cache_folder(out: Path) -> Path:
    """Beside the output, never inside it (the output folder is replaced whole), and the output's
    own: ``.docpub-cache`` for an output named ``site`` (``build/site``, the default), else
    ``.<name>.docpub-cache``. Two outputs in one folder (two sites of a repository built into
    ``dist/a`` and ``dist/b``) shared one cache, and each build pruned what the other used: every
    build rendered the other's pages (and laid out its PDFs) again."""
    out = out.resolve()
    if out.name == "site":
        return out.parent / ".docpub-cache"
    name = f".{out.name}.docpub-cache"
    if len(os.fsencode(name)) > 255:  # (a name near the file system's limit)
        name = f".{hashlib.blake2b(os.fsencode(out.name), digest_size=10).hexdigest()}.docpub-cache"
    return out.parent / name


@contextlib.contextmanager
def open_store(out: Path, *, use_cache: bool, profile: str = "") -> Iterator[Store]:
    """The build's store: the cache beside ``out``, or a scratch folder removed afterwards.
    ``profile``: the kind of build (``Store.save``)."""
    if use_cache:
        folder = cache_folder(out)
        existed = folder.is_dir()
        store = Store(folder)
        try:
            yield store
        except BaseException:
            if existed:
                store.save(prune=False)  # what was rendered stays useful to the next build
            else:  # a first build that failed leaves nothing behind
                shutil.rmtree(folder, ignore_errors=True)
            raise
        store.save(prune=True, profile=profile)
        return
    out = out.resolve()
    scratch = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-scratch-", dir=out.parent))
    try:
        yield Store(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
