"""The benchmark's steps: each runs in a child process, timed, with its peak memory.

A step's wall time is measured around the child, and its peak resident memory is the child's
maximum RSS (from wait4). The steps are the production runs (`lead-scoring run`) and the two
baselines (benchmark_baselines.py); the demo data is generated the same way
(benchmark_inputs.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lead_scoring.benchmark_timings import run_details
from lead_scoring.locations import CHECKOUT_DIR as PROJECT_DIR

GIB = 1024**3
# the environment variable profiles.yml reads dbt's thread count from
THREADS_ENV = "LEAD_SCORING_DBT_THREADS"
# lines of a failed step's output the benchmark prints
FAILED_OUTPUT_LINES = 40


@dataclass
class Measured:
    """One child process: what ran, its wall time, peak RSS and exit code."""

    label: str
    seconds: float
    peak_bytes: int
    code: int
    output: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def peak_gib(self) -> float:
        return self.peak_bytes / GIB


def measure(label: str, command: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run `command`, returning its wall time and its maximum RSS (Linux wait4, KiB)."""
    print(f"  {label}: {' '.join(command[1:])[:160]}", flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=PROJECT_DIR,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout.read()  # until the child exits; its RSS is read by wait4 below
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    result = Measured(label, seconds, usage.ru_maxrss * 1024, process.returncode, output)
    print(
        f"    {seconds:8.1f} s   peak {result.peak_gib:5.2f} GiB   exit {result.code}", flush=True
    )
    if result.code != 0:
        # why it failed, before its work folder is cleaned up
        tail = output.splitlines()[-FAILED_OUTPUT_LINES:]
        print("\n".join(f"      | {line}" for line in tail), flush=True)
    return result


def python() -> str:
    return sys.executable


def production_run(
    label: str,
    raw_dir: Path,
    warehouse: Path,
    as_of: str,
    *flags: str,
    env: dict[str, str] | None = None,
) -> Measured:
    """`lead-scoring run` as of `as_of`, and where its time went (its run record's timings)."""
    command = [
        python(),
        "-m",
        "lead_scoring",
        "run",
        "--as-of",
        as_of,
        "--raw-dir",
        str(raw_dir),
        "--duckdb-path",
        str(warehouse),
        "--skip-freshness",
        *flags,
    ]
    result = measure(label, command, env)
    result.details = run_details(warehouse, result.output)
    return result


def baseline(which: str, raw_dir: Path, as_of: str) -> Measured:
    """One baseline (`floor` or `pandas`) computing the scores as of `as_of` from `raw_dir`."""
    command = [
        python(),
        "-m",
        "lead_scoring.benchmark_baselines",
        "--raw-dir",
        str(raw_dir),
        "--as-of",
        as_of,
        "--which",
        which,
    ]
    return measure(f"{which} baseline", command, env={"PYTHONUNBUFFERED": "1"})
