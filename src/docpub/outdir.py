"""Atomic replacement of an output folder.

A build writes into a fresh temporary folder beside the output and swaps it in
only when everything succeeded. A failure, Ctrl-C or SIGTERM halfway leaves the
previous output exactly as it was and removes the temporary folder; a build
killed outright (SIGKILL, power loss) leaves it behind, and the next build
removes it. Builds of one output take turns (a lock file beside it).

On Linux the swap is one ``renameat2(RENAME_EXCHANGE)``: at every moment the
output path holds either the whole old site or the whole new one. Elsewhere
(or on a file system without it) the old folder is renamed aside first, which
leaves a moment with no folder at the output path.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import glob
import os
import shutil
import signal
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import FrameType

from docpub.cache import read_kept
from docpub.errors import DocpubError

# Written into every output folder: a build replaces only a folder that holds it (or an empty one).
MARKER = ".docpub-output"
MARKER_TEXT = b"This folder is built by docpub and replaced whole by every build.\n"


def check_replaceable(out: Path, *, keep: tuple[Path, ...]) -> None:
    """Refuse to replace a folder that is not a docpub output, or that holds one of ``keep``.

    The swap removes the old folder whole, so ``--out .`` or ``--out ~`` must never get that far.
    """
    out = out.resolve()
    for folder in (k.resolve() for k in keep):
        if out == folder or out in folder.parents or folder in out.parents:
            raise DocpubError(str(out), None,
                              f"the output folder cannot be, hold or sit inside {folder}; choose another --out")
    for folder in reversed(out.parents):  # a file where a folder of the path should be
        if folder.exists() and not folder.is_dir():
            raise DocpubError(str(folder), None,
                              f"this is a file, so the output folder {out} cannot be made under it; "
                              "choose another --out")
    if not out.exists():
        return
    if not out.is_dir():
        raise DocpubError(str(out), None, "the output exists and is not a folder")
    if any(out.iterdir()) and not (out / MARKER).is_file():
        raise DocpubError(str(out), None,
                          "the output folder is not empty and was not built by docpub; "
                          "refusing to replace it (choose a new or empty folder)")


class Terminated(BaseException):
    """Raised inside the build when SIGTERM arrives, so clean-up runs as for Ctrl-C."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated(f"signal {signum}")


@contextlib.contextmanager
def _sigterm_as_exception() -> Iterator[None]:
    try:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread: signals cannot be handled here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def atomic_output(out: Path, *, spare: Path | None = None) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``out``.

    ``spare``: where the site a swap replaces is kept for the next build. That build's
    temporary folder is then the spare (``Publisher.publish`` brings it up to date file by
    file) instead of an empty one, and no build removes a whole site. Without ``spare``
    the temporary folder starts empty and the replaced site is removed.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with _sigterm_as_exception():
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
        try:
            if spare is not None and spare.is_dir() and not spare.is_symlink():
                with contextlib.suppress(OSError):  # (another file system: start empty)
                    os.replace(spare, tmp)  # the empty folder gives way to it
            yield tmp
            _swap(tmp, out, spare)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def _swap(tmp: Path, out: Path, spare: Path | None = None) -> None:
    os.chmod(tmp, 0o755)  # mkdtemp makes it private; a published site is not
    if not out.exists():
        os.replace(tmp, out)
        return
    if _exchange(tmp, out):
        # tmp now holds the old site: rename it out of the way of any reader (to be the spare,
        # or removed).
        _retire(tmp, out, spare)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.replace(out, old / out.name)
    try:
        os.replace(tmp, out)
    except BaseException:
        os.replace(old / out.name, out)
        shutil.rmtree(old, ignore_errors=True)
        raise
    _retire(old / out.name, out, spare)
    shutil.rmtree(old, ignore_errors=True)


def _retire(site: Path, out: Path, spare: Path | None) -> None:
    """The site a swap replaced becomes the spare, or is removed."""
    if spare is not None:
        try:
            spare.parent.mkdir(parents=True, exist_ok=True)
            if spare.is_dir() and not spare.is_symlink():
                shutil.rmtree(spare)
            os.replace(site, spare)
            return
        except OSError:
            pass
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.replace(site, old / out.name)
    shutil.rmtree(old, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2``); False where that is not available."""
    import ctypes  # (only when a build publishes: one that changed nothing does not load it)

    libc = ctypes.CDLL(None, use_errno=True)  # the C library the interpreter is linked with
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # the kernel or the file system cannot: fall back to two renames
    raise OSError(err, os.strerror(err), str(b))


# The locks this process holds (their descriptors). A process forked from it (a pool worker)
# closes its copies: the lock is the open folder's, so a copy would hold it for as long as the
# worker lives, even after this process is gone.
_LOCKS: set[int] = set()


def _not_holding() -> None:
    for fd in _LOCKS:
        with contextlib.suppress(OSError):
            os.close(fd)
    _LOCKS.clear()


os.register_at_fork(after_in_child=_not_holding)


def lock_folder(folder: Path, *, wait: bool = True) -> int | None:
    """An flock on ``folder``: its open descriptor, which holds the lock until it is closed
    (``unlock``), and which no forked child keeps. Without ``wait``, None when another process
    holds it."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC | os.O_NOFOLLOW)
    _LOCKS.add(fd)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        unlock(fd)
        return None
    except BaseException:
        unlock(fd)
        raise
    return fd


def unlock(fd: int) -> None:
    _LOCKS.discard(fd)
    os.close(fd)


# A command that works in a folder of its own in the system's temporary folder (a server's site,
# a check's scratch build) holds a lock on it while it runs and removes it when it ends. One
# killed outright (SIGKILL, the out-of-memory killer, a machine's shutdown) leaves it behind, a
# whole site; the next command of its kind removes it.
ABANDONED_AFTER = 60.0  # seconds: younger, a folder may be one a command has just made, not locked yet


@contextlib.contextmanager
def own_temp_folder(prefix: str) -> Iterator[Path]:
    """A new folder in the system's temporary folder (named ``prefix`` and a random tail),
    locked while the block runs and removed after it; first, those of the same prefix that
    commands killed outright left are removed (``remove_abandoned``)."""
    remove_abandoned(prefix)
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    held = lock_folder(folder)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        assert held is not None
        unlock(held)


@contextlib.contextmanager
def kept_folder(root: Path, name: str, prefix: str, *, read_from: Iterable[Path] = ()) -> Iterator[Path]:
    """A folder of a command's own for the site in ``root`` (a server's build, a check's):
    ``build/<name>`` in it, kept for the next command of its kind (which starts from the cache
    it holds) and locked while the block runs. Where it cannot be (another command holds it; a
    read-only site, a file or a link in its place; inside a folder in ``read_from``, which the
    site is read from; or ``build`` is itself a built site, which a build replaces whole), a
    folder of its own in the system's temporary folder instead (``own_temp_folder(prefix)``).
    Either way, those of ``prefix`` that commands killed outright left there go first."""
    remove_abandoned(prefix)
    kept = root / "build" / name
    held = None
    inside_a_site = (kept.parent / MARKER).exists()
    if not inside_a_site and not any(kept.is_relative_to(p.resolve()) for p in read_from):
        try:
            kept.mkdir(parents=True, exist_ok=True)
            held = lock_folder(kept, wait=False)  # (never through a link: refused)
        except OSError:
            pass
        if held is not None and not os.access(kept, os.W_OK):  # (one made before, now read-only)
            unlock(held)
            held = None
    if held is None:
        with own_temp_folder(prefix) as work:
            yield work
        return
    try:
        yield kept
    finally:
        unlock(held)


def remove_abandoned(prefix: str) -> None:
    """Remove the folders ``own_temp_folder`` made for ``prefix`` whose command is gone: this
    user's, locked by no running command, and not just made (never a link, never a file)."""
    now = time.time()
    for path in Path(tempfile.gettempdir()).glob(glob.escape(prefix) + "*"):
        try:
            info = path.lstat()
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or now - info.st_mtime < ABANDONED_AFTER:
                continue
            fd = lock_folder(path, wait=False)
        except OSError:  # (gone meanwhile, or not ours to open)
            continue
        if fd is not None:
            try:
                shutil.rmtree(path, ignore_errors=True)
            finally:
                unlock(fd)


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """One build at a time beside ``out``; then leftovers of killed builds are removed.

    The lock is an flock on the folder holding the output (no lock file is left beside the
    site), released by the kernel when a build dies, so a killed build never leaves it held.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = lock_folder(out.parent, wait=False)
    if fd is None:
        print(f"docpub: waiting for another build in {out.parent} to finish", file=sys.stderr)
        fd = lock_folder(out.parent)
    assert fd is not None
    try:
        remove_stale(out)
        yield
    finally:
        unlock(fd)  # releases the lock


def remove_stale(out: Path) -> None:
    """Temporary folders of ``out`` left by a build that was killed (only called under the lock)."""
    for pattern in (f".{glob.escape(out.name)}.tmp-*", f".{glob.escape(out.name)}.old-*"):
        for path in out.parent.glob(pattern):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)


class Publisher:
    """Places files into the new site folder: hard links to the store's entries where possible."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files = 0
        self._made: set[str] = set()

    def publish(self, placed: Mapping[str, str], inodes: Mapping[str, int], marker: tuple[str, bytes]) -> None:
        """Make the folder hold exactly ``placed`` (path in the site -> its entry) and the
        ``marker`` file (name, text). A folder that already holds files (the spare: an older
        site) keeps those that are their entry (the same inode: ``inodes``, where known);
        anything else in it is removed first.
        """
        with os.scandir(self.folder) as listing:
            empty = not any(listing)
        kept = set() if empty else self.trim(placed, inodes)
        with open(os.path.join(self.folder, marker[0]), "xb") as f:
            f.write(marker[1])
            os.fchmod(f.fileno(), 0o644)  # (as every file of the site)
        for rel, entry in placed.items():
            if rel not in kept:
                self.place(rel, entry)
            else:
                self.files += 1

    def trim(self, placed: Mapping[str, str], inodes: Mapping[str, int]) -> set[str]:
        """Remove from the folder every file that is not the entry ``placed`` has at its path,
        and every folder that ``placed`` has nothing in; the paths kept."""
        wanted = folders_of(placed)
        kept: set[str] = set()
        device = os.stat(self.folder).st_dev
        first = next(iter(placed.values()), None)
        if first is not None and os.stat(first).st_dev != device:
            inodes = {}  # the entries are elsewhere: the folder can only hold copies of them
        for rel, item in walk_tree(str(self.folder)):
            if item.is_dir(follow_symlinks=False):
                if rel in wanted:
                    self._made.add(item.path)
                else:
                    shutil.rmtree(item.path)  # (so not entered)
                continue
            inode = inodes.get(rel)  # (known without making the entry's name, for most files)
            if inode is None and (entry := placed.get(rel)) is not None:
                inode = _inode(entry, None, device)
            if inode is not None and item.is_file(follow_symlinks=False) and item.inode() == inode:
                kept.add(rel)
            else:
                os.unlink(item.path)
        return kept

    def drop_changed(self, before: Mapping[str, int], inodes: Mapping[str, int]) -> None:
        """Remove from the folder, which holds the site ``before`` lists (path in the site -> the
        inode of its entry), each file the new site does not have there: its path is no longer
        placed, or another entry is (``inodes``: the new site's). What changed goes by the list,
        without a walk of the folder; the next build's ``publish`` trusts nothing in it still."""
        gone = [rel for rel, inode in before.items() if inodes.get(rel) != inode]
        for rel in [*gone, MARKER]:  # (the marker is the site's own file, never an entry)
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(self.folder, rel))

    def _folders(self, folder: str) -> None:
        """Make ``folder`` and the missing folders above it, each rwxr-xr-x whatever the umask:
        a site is for a web server to read, as its files are rw-r--r-- (with a umask of 077,
        the folders were the owner's alone, and a copy of the site served none of its pages)."""
        missing = []
        while not os.path.isdir(folder):
            missing.append(folder)
            folder = os.path.dirname(folder)
        for made in reversed(missing):
            os.mkdir(made)
            os.chmod(made, 0o755)

    def place(self, rel: str, entry: str | Path) -> None:
        dest = os.path.join(self.folder, rel)
        parent = os.path.dirname(dest)
        if parent not in self._made:
            self._folders(parent)
            self._made.add(parent)
        try:
            os.link(entry, dest)
        except OSError:  # another file system, or links not allowed: copy
            shutil.copyfile(entry, dest)
            os.chmod(dest, 0o644)
        self.files += 1


def folders_of(paths: Iterable[str]) -> set[str]:
    """Every folder that holds one of ``paths`` (files, "a/b/c.html"), at any depth: "a", "a/b"."""
    parents = {rel.rpartition("/")[0] for rel in paths}
    folders: set[str] = set()
    for parent in parents:
        while parent and parent not in folders:
            folders.add(parent)
            parent = parent.rpartition("/")[0]
    return folders


def walk_tree(root: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every entry under ``root``, with its path there ("a/b.html"); a folder comes before what
    it holds, and one removed when it comes is not entered. Links are not followed."""
    folders = [("", root)]
    while folders:
        prefix, folder = folders.pop()
        try:
            listing = os.scandir(folder)
        except FileNotFoundError:
            continue
        with listing:
            for item in listing:
                rel = prefix + item.name
                yield rel, item
                if item.is_dir(follow_symlinks=False):
                    folders.append((rel + "/", item.path))


def _inode(entry: str, known: int | None, device: int) -> int | None:
    """The inode of ``entry`` when a link to it can be in the folder on ``device``."""
    if known is not None:
        return known
    try:
        st = os.stat(entry)
    except OSError:
        return None
    return st.st_ino if st.st_dev == device else None


# The list of the files of the site a build published, kept in the cache folder beside the
# site it replaced: the next build's publishing removes from that kept site what changed by
# the list (``Publisher.drop_changed``), instead of walking an archive's thousands of files.
SITE_LIST = "previous-site.files"
_SITE_LIST_HEAD = b"docpub site files 1\n"


def take_site_list(folder: Path) -> dict[str, int] | None:
    """The list ``keep_site_list`` left in ``folder`` (path in the site -> inode of its entry),
    which is removed: a build stopped before it writes its own leaves none, never a stale one.
    None when there is none, or it is not one."""
    path = folder / SITE_LIST
    try:
        data = read_kept(path)
        path.unlink()
    except OSError:
        return None
    if data is None:
        return None
    if not data.startswith(_SITE_LIST_HEAD):
        return None
    out: dict[str, int] = {}
    try:
        for line in data[len(_SITE_LIST_HEAD):].decode("utf-8").splitlines():
            inode, rel = line.split("\t")
            if not _relative(rel):
                return None
            out[rel] = int(inode)
    except ValueError:  # (UnicodeDecodeError is one)
        return None
    return out


def keep_site_list(folder: Path, placed: Mapping[str, str], inodes: Mapping[str, int]) -> None:
    """Write the list of the site just published (``placed``: path -> its entry) into ``folder``.
    Without every inode known, no list: the next build walks the site it replaces. (A path no
    line can hold makes a list ``take_site_list`` refuses.)"""
    device = os.stat(folder).st_dev
    lines = []
    for rel in placed:
        inode = inodes.get(rel)
        if inode is None and (inode := _inode(placed[rel], None, device)) is None:
            return
        lines.append(f"{inode}\t{rel}\n")
    fd, tmp = tempfile.mkstemp(prefix=f".{SITE_LIST}.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_SITE_LIST_HEAD)
            f.write("".join(lines).encode("utf-8"))
        os.replace(tmp, folder / SITE_LIST)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _relative(rel: str) -> bool:
    """A path inside the site, as a list line holds it: relative, no '..', no tab or line end."""
    return bool(rel) and not rel.startswith("/") and not any(c in rel for c in "\t\n\r\0") \
        and all(part not in ("", ".", "..") for part in rel.split("/"))
