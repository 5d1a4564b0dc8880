"""Write a build's outputs into a staging folder beside the output folder, then swap the two folders.

The swap is one atomic directory exchange (Linux `renameat2(RENAME_EXCHANGE)`), so a build
killed at any moment leaves either every old export or every new one, never a mix. Where the
exchange is unavailable, two renames do it (old set aside, new set in place); a build killed
between them leaves the old set beside the output folder, and the next build puts it back.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically; False where the system cannot (non-Linux, old kernel, some file systems)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: no exchange here; the caller falls back
        return False
    raise OSError(errno, os.strerror(errno), str(b))


class Staging:
    """A folder beside the output folder (`.<out>.staging-<pid>-…`), mirroring its layout."""

    def __init__(self, out: Path):
        self.out = out
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):  # a file where a folder should be: name the output folder
            raise NotADirectoryError(20, "Not a directory", str(out)) from None
        recover(out)
        try:
            self.root = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-{os.getpid()}-", dir=out.parent))
        except PermissionError as err:  # name the folder the user asked for, not the staging folder beside it
            raise PermissionError(err.errno, err.strerror, str(out)) from None
        self.root.chmod(0o777 & ~_umask())  # mkdtemp makes it private; exports are for everyone who could read them before
        self.written: list[Path] = []

    def path(self, relative: str) -> Path:
        """Where to write `relative` now; it reaches out/relative on commit."""
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        self.written.append(Path(relative))
        return target

    def write_bytes(self, relative: str, data: bytes) -> None:
        self.path(relative).write_bytes(data)

    def write_text(self, relative: str, text: str) -> None:
        self.write_bytes(relative, text.encode("utf-8"))

    def commit(self, prune: list[str] = ()) -> None:
        """Put the staged set in place as a whole; files a build does not own (outside `prune` folders) are carried over."""
        written = {rel.as_posix() for rel in self.written}
        if self.out.is_dir():
            for f in sorted(self.out.rglob("*")):
                rel = f.relative_to(self.out)
                if (f.is_file() and rel.as_posix() not in written and rel.parts[0] not in prune
                        and not rel.parts[0].startswith(".staging-")):
                    _carry(f, self.root / rel)
        swap(self.root, self.out)
        self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def swap(new: Path, out: Path) -> None:
    """Make `new` the output folder; the previous set ends up at `new` (to be removed)."""
    if not out.exists():
        os.rename(new, out)
        return
    if exchange(new, out):
        return
    aside = out.parent / f".{out.name}.old-{os.getpid()}"
    os.rename(out, aside)  # killed here: `recover` puts `aside` back
    os.rename(new, out)
    os.rename(aside, new)


def recover(out: Path) -> None:
    """Undo what a killed build left: put an old set aside by the fallback back in place; remove stale staging folders."""
    parent = out.parent
    for aside in sorted(parent.glob(f".{out.name}.old-*")):
        if _owner_gone(aside):
            if out.exists():
                shutil.rmtree(aside, ignore_errors=True)
            else:
                os.rename(aside, out)
    for stale in [*parent.glob(f".{out.name}.staging-*"), *(out.glob(".staging-*") if out.is_dir() else [])]:
        if stale.is_dir() and _owner_gone(stale):
            shutil.rmtree(stale, ignore_errors=True)


def _carry(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, dest)  # a hard link: nothing copied, and the old set can go without touching it
    except OSError:
        shutil.copy2(source, dest)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _owner_gone(folder: Path) -> bool:
    """True when the build process that made this folder (its pid follows 'staging-' or 'old-') no longer runs."""
    try:
        pid = int(folder.name.rsplit("staging-", 1)[-1].rsplit("old-", 1)[-1].split("-")[0])
    except ValueError:
        return True
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@contextmanager
def staged(out: Path):
    """A Staging that is discarded if the block raises, committed by the caller otherwise."""
    staging = Staging(out)
    try:
        yield staging
    finally:
        if staging.root.exists():
            staging.discard()
