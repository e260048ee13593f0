"""Whether a process still runs: for the lock's holder and for records of runs still "running"."""

from __future__ import annotations

import os
from typing import Any


def process_is_alive(pid: Any) -> bool:
    """Whether a process with this pid exists on this machine.

    A process of another user counts (the kernel refuses the signal but knows the pid).
    """
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
