"""Write a build's outputs into a staging folder, then move each file into place.

A build that fails or is killed before the move leaves the previous exports untouched;
each move is an atomic rename, so no reader ever sees a half-written file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path


class Staging:
    """A temporary folder beside the output folder, mirroring its layout."""

    def __init__(self, out: Path):
        self.out = out
        out.mkdir(parents=True, exist_ok=True)
        for stale in out.glob(".staging-*"):  # left by a build that was killed before it could clean up
            if stale.is_dir() and _owner_gone(stale):
                shutil.rmtree(stale, ignore_errors=True)
        self.root = Path(tempfile.mkdtemp(prefix=f".staging-{os.getpid()}-", dir=out))
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
        """Move every staged file into place; remove stale files under the `prune` folders."""
        for rel in sorted(set(self.written)):
            dest = self.out / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.root / rel, dest)
        keep = {self.out / rel for rel in self.written}
        for folder in prune:
            base = self.out / folder
            if base.is_dir():
                for f in sorted(base.rglob("*")):
                    if f.is_file() and f not in keep:
                        f.unlink()
        self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _owner_gone(folder: Path) -> bool:
    """True when the build process that made this staging folder no longer runs."""
    try:
        pid = int(folder.name.split("-")[1])
    except (IndexError, ValueError):
        return True
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
