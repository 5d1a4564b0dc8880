"""Helper processes: `python -m kg.<module>` children that find this package, and their own peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])


def spawn(module: str, *args: str, **popen) -> subprocess.Popen:
    """Start `python -m module args` with this package importable (a plain subprocess: nothing of the caller is re-imported)."""
    path = os.pathsep.join(filter(None, [_PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))
    return subprocess.Popen([sys.executable, "-m", module, *args], env={**os.environ, "PYTHONPATH": path}, **popen)


def own_peak_mb() -> int:
    """This process's peak memory since exec (VmHWM): ru_maxrss would include its parent's at fork time."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    import resource
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
