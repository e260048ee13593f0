"""Benchmark results as data, and the pages generated from them.

Each run of `python -m lead_scoring.benchmark` writes one JSON file to
docs/benchmarks/results/, named by the
UTC time it finished: the machine, the commit, the command and, per data size, the wall time,
peak memory and exit code of each step. The current results are, for each size, those of the
newest run that measured it. This script writes them into docs/benchmarks.md (the results
table, the targets, the slowest models) and into the README's speed line, between their marker
comments, so neither page carries a figure that no result file holds:

    python -m lead_scoring.benchmark_results           # rewrite both pages from the result files
    python -m lead_scoring.benchmark_results --check   # exit 1 when a page is not up to date

tests/test_benchmark.py runs the check.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from lead_scoring.locations import CHECKOUT_DIR as PROJECT_DIR

RESULTS_DIR = PROJECT_DIR / "docs" / "benchmarks" / "results"
BENCHMARKS_PAGE = Path("docs") / "benchmarks.md"
README = Path("README.md")
RESULTS_BLOCK = "benchmark results"
SPEED_BLOCK = "speed"
# The size the targets are set for: 1M leads with about 20M events.
TARGET_LEADS = 1_000_000
LARGE_EVENTS = 50_000_000
GIB = 1024**3
# the line width of the generated prose, as the pages' own
PAGE_WIDTH = 100
MEMORY_TARGET_BYTES = 8 * 1000**3


class ResultFileError(Exception):
    """A result file that cannot be read; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Step:
    """One measured step of a benchmark: wall time, peak resident memory, exit code."""

    seconds: float
    peak_gib: float
    exit_code: int
    model_seconds: float | None = None
    test_seconds: float | None = None


@dataclass(frozen=True)
class Run:
    """Where a result comes from: the result file, when it was recorded, the commit, the machine."""

    file: str
    recorded_at: datetime
    commit: str | None
    machine: str


@dataclass(frozen=True)
class MeasuredSize:
    """What one benchmark run measured at one data size."""

    run: Run
    leads: int
    raw_events: int
    full_build: Step
    incremental_run: Step
    floor_query: Step | None
    pandas: Step | None
    slowest_full: list[tuple[str, float]]
    slowest_incremental: list[tuple[str, float]]


# ---------------------------------------------------------------------------------------------
# Result files
# ---------------------------------------------------------------------------------------------


def result_file_name(recorded_at: datetime) -> str:
    return recorded_at.strftime("%Y%m%dT%H%M%SZ") + ".json"


def write_result(folder: Path, result: dict[str, Any]) -> Path:
    """Write one benchmark run's result (as benchmark.py composes it) to `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / result_file_name(datetime.fromisoformat(result["recorded_at"]))
    path.write_text(json.dumps(result, indent=2) + "\n")
    return path


def this_machine() -> dict[str, Any]:
    """The CPU, cores, memory, system, Python and package versions of this machine."""
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    meminfo = Path("/proc/meminfo")
    memory_gib = round(int(meminfo.read_text().split()[1]) / 1024**2) if meminfo.exists() else None
    packages = {}
    for package in ("duckdb", "dbt-core", "dbt-duckdb", "pandas"):
        try:
            packages[package] = version(package)
        except PackageNotFoundError:  # a missing package is just not listed
            continue
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": packages,
    }


def checked_out_commit(project_dir: Path) -> str | None:
    """The checked-out commit, with -dirty when tracked files differ from it; None without git."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=project_dir,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD"], cwd=project_dir, check=False)
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("-dirty" if dirty.returncode else "")


def machine_text(machine: dict[str, Any]) -> str:
    """A machine as one line: CPU, cores, memory, system, Python and package versions."""
    packages = ", ".join(f"{name} {version}" for name, version in machine["packages"].items())
    return (
        f"{machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB RAM; "
        f"{machine['system']}; Python {machine['python']}; {packages}"
    )


def read_step(data: dict[str, Any] | None) -> Step | None:
    if data is None:
        return None
    return Step(
        seconds=float(data["seconds"]),
        peak_gib=float(data["peak_gib"]),
        exit_code=int(data["exit_code"]),
        model_seconds=data.get("model_seconds"),
        test_seconds=data.get("test_seconds"),
    )


def slowest_models_of(step: dict[str, Any]) -> list[tuple[str, float]]:
    return [(name, float(seconds)) for name, seconds in step["slowest_models"].items()]


def read_size(run: Run, data: dict[str, Any]) -> MeasuredSize:
    full, incremental = read_step(data["full_build"]), read_step(data["incremental_run"])
    if full is None or incremental is None:
        raise KeyError("full_build and incremental_run")
    return MeasuredSize(
        run=run,
        leads=int(data["leads"]),
        raw_events=int(data["raw_events"]),
        full_build=full,
        incremental_run=incremental,
        floor_query=read_step(data.get("floor_query")),
        pandas=read_step(data.get("pandas")),
        slowest_full=slowest_models_of(data["full_build"]),
        slowest_incremental=slowest_models_of(data["incremental_run"]),
    )


def read_result(path: Path) -> list[MeasuredSize]:
    """The sizes one result file measured; a file that cannot be read is named, with why."""
    try:
        data = json.loads(path.read_text())
        run = Run(
            file=path.name,
            recorded_at=datetime.fromisoformat(data["recorded_at"]),
            commit=data.get("commit"),
            machine=machine_text(data["machine"]),
        )
        return [read_size(run, size) for size in data["sizes"]]
    except json.JSONDecodeError as error:
        raise ResultFileError(f"{path}: not JSON ({error}); fix or delete the file") from error
    except KeyError as error:
        raise ResultFileError(
            f"{path}: no {error} field; a result file is written by "
            "python -m lead_scoring.benchmark"
        ) from error
    except (TypeError, ValueError) as error:
        raise ResultFileError(f"{path}: a field has the wrong type ({error})") from error


def current_results(folder: Path) -> list[MeasuredSize]:
    """For each data size, the newest run's measurement of it, smallest size first."""
    newest: dict[int, MeasuredSize] = {}
    for path in sorted(folder.glob("*.json")):
        for size in read_result(path):
            known = newest.get(size.leads)
            if known is None or size.run.recorded_at >= known.run.recorded_at:
                newest[size.leads] = size
    return [newest[leads] for leads in sorted(newest)]


# ---------------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------------


def at_target_size(sizes: list[MeasuredSize]) -> MeasuredSize | None:
    return next((size for size in sizes if size.leads == TARGET_LEADS), None)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def full_build_time(size: MeasuredSize) -> tuple[str, bool]:
    return f"{size.full_build.seconds:.1f} s", size.full_build.seconds <= 120


def peak_memory(size: MeasuredSize) -> tuple[str, bool]:
    peak = max(size.full_build.peak_gib, size.incremental_run.peak_gib)
    return f"{peak:.2f} GiB", peak * GIB <= MEMORY_TARGET_BYTES


def incremental_share(size: MeasuredSize) -> tuple[str, bool]:
    share = size.incremental_run.seconds / size.full_build.seconds
    return f"{share * 100:.0f} %", share <= 0.20


def as_of_scoring_against_floor(size: MeasuredSize) -> tuple[str, bool] | None:
    floor = size.floor_query.seconds if size.floor_query else None
    times = ratio(size.incremental_run.model_seconds, floor)
    if times is None:
        return None
    return f"{times:.1f}x the floor (incremental run's models)", times <= 3


def speed_against_pandas(size: MeasuredSize) -> tuple[str, bool] | None:
    pandas = size.pandas.seconds if size.pandas else None
    times = ratio(pandas, size.incremental_run.model_seconds)
    if times is None:
        return None
    return f"{times:.1f}x (incremental run's models against pandas)", times >= 10


@dataclass(frozen=True)
class Target:
    """A speed or memory goal, judged on the current results at the target size."""

    goal: str
    judge: Callable[[MeasuredSize], tuple[str, bool] | None]


TARGETS = (
    Target("full build <= 120 s", full_build_time),
    Target("peak memory <= 8 GB", peak_memory),
    Target("incremental run <= 20 % of the full build", incremental_share),
    Target("as-of scoring within 3x the floor query", as_of_scoring_against_floor),
    Target("at least 10x faster than pandas", speed_against_pandas),
)


def large_data_target(sizes: list[MeasuredSize]) -> tuple[str, str]:
    """The 50M-event goal: both runs succeed within the memory target."""
    large = [size for size in sizes if size.raw_events >= LARGE_EVENTS]
    if not large:
        return "not measured", "-"
    size = large[-1]
    peak = max(size.full_build.peak_gib, size.incremental_run.peak_gib)
    succeeded = size.full_build.exit_code == size.incremental_run.exit_code == 0
    measured = (
        f"{size.raw_events / 1e6:.1f}M events: full {size.full_build.seconds:.1f} s, "
        f"incremental {size.incremental_run.seconds:.1f} s, peak {peak:.2f} GiB"
    )
    return measured, yes_no(succeeded and peak * GIB <= MEMORY_TARGET_BYTES)


def yes_no(met: bool) -> str:
    return "yes" if met else "no"


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


def optional_seconds(step: Step | None) -> str:
    return f"{step.seconds:.1f}" if step else "-"


def results_table(sizes: list[MeasuredSize]) -> list[str]:
    lines = [
        "| leads | raw events | full build s | its models s | peak GiB | incremental s | "
        "its models s | peak GiB | floor s | pandas s | run |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for size in sizes:
        full, incremental = size.full_build, size.incremental_run
        lines.append(
            f"| {size.leads:,} | {size.raw_events:,} | {full.seconds:.1f} | "
            f"{full.model_seconds or 0:.1f} | {full.peak_gib:.2f} | {incremental.seconds:.1f} | "
            f"{incremental.model_seconds or 0:.1f} | {incremental.peak_gib:.2f} | "
            f"{optional_seconds(size.floor_query)} | {optional_seconds(size.pandas)} | "
            f"[{size.run.recorded_at:%Y-%m-%d %H:%M}](benchmarks/results/{size.run.file}) |"
        )
    return lines


def runs_list(sizes: list[MeasuredSize]) -> list[str]:
    runs = sorted({size.run for size in sizes}, key=lambda run: run.recorded_at)
    return [
        f"- {run.recorded_at:%Y-%m-%d %H:%M} UTC, commit {run.commit or 'unknown'}: {run.machine}."
        for run in runs
    ]


def targets_table(sizes: list[MeasuredSize]) -> list[str]:
    lines = [
        f"| target ({TARGET_LEADS:,} leads) | current result | met |",
        "| --- | --- | --- |",
    ]
    size = at_target_size(sizes)
    for target in TARGETS:
        judged = target.judge(size) if size else None
        measured, met = (judged[0], yes_no(judged[1])) if judged else ("not measured", "-")
        lines.append(f"| {target.goal} | {measured} | {met} |")
    measured, met = large_data_target(sizes)
    lines.append(f"| 50M events complete within the memory target | {measured} | {met} |")
    return lines


def slowest_models(sizes: list[MeasuredSize]) -> list[str]:
    size = at_target_size(sizes)
    if size is None:
        return []

    def listed(models: list[tuple[str, float]]) -> str:
        return ", ".join(f"`{name}` {seconds:.1f} s" for name, seconds in models)

    return textwrap.wrap(
        f"Slowest models at {size.leads:,} leads (two run at a time, each slowed by the other): "
        f"full build {listed(size.slowest_full)}; incremental run "
        f"{listed(size.slowest_incremental)}.",
        width=PAGE_WIDTH,
    )


def results_block(sizes: list[MeasuredSize]) -> str:
    return "\n".join(
        [
            *results_table(sizes),
            "",
            "Measured on:",
            "",
            *runs_list(sizes),
            "",
            *targets_table(sizes),
            "",
            *slowest_models(sizes),
        ]
    )


def speed_block(sizes: list[MeasuredSize]) -> str:
    """The README's speed paragraph: per size, the full and the daily run and the peak memory."""
    if not sizes:
        return "No benchmark has been recorded yet."
    machines = " / ".join(sorted({size.run.machine.split(";")[0] for size in sizes}))
    per_size = "; ".join(
        f"{size.leads:,} leads ({size.raw_events / 1e6:.1f}M events) "
        f"{size.full_build.seconds:.1f} s and {size.incremental_run.seconds:.1f} s, in at most "
        f"{max(size.full_build.peak_gib, size.incremental_run.peak_gib):.2f} GiB"
        for size in sizes
    )
    return textwrap.fill(
        f"In the newest benchmark of each size ({machines}), a full production run (build, every "
        f"test, publish) and a daily incremental one took: {per_size}.",
        width=PAGE_WIDTH,
    )


def marker_lines(block: str) -> tuple[str, str]:
    return (
        f"<!-- begin {block}: generated by python -m lead_scoring.benchmark_results -->",
        f"<!-- end {block} -->",
    )


def with_block(text: str, block: str, body: str, page: Path) -> str:
    """`text` with the lines between `block`'s markers replaced by `body`."""
    begin, end = marker_lines(block)
    if text.count(begin) != 1 or text.count(end) != 1 or text.index(begin) > text.index(end):
        raise ResultFileError(
            f"{page}: needs one '{begin}' line and, after it, one '{end}' line around the "
            "generated text"
        )
    before, rest = text.split(begin, 1)
    after = rest.split(end, 1)[1]
    return f"{before}{begin}\n{body}\n{end}{after}"


def rendered_pages(project_dir: Path, results_dir: Path) -> dict[Path, str]:
    """Each generated page's text with its blocks rendered from the result files."""
    sizes = current_results(results_dir)
    blocks = {
        BENCHMARKS_PAGE: (RESULTS_BLOCK, results_block(sizes)),
        README: (SPEED_BLOCK, speed_block(sizes)),
    }
    return {
        page: with_block((project_dir / page).read_text(), block, body, page)
        for page, (block, body) in blocks.items()
    }


def stale_pages(project_dir: Path, results_dir: Path) -> list[Path]:
    return [
        page
        for page, text in rendered_pages(project_dir, results_dir).items()
        if (project_dir / page).read_text() != text
    ]


def write_pages(project_dir: Path, results_dir: Path) -> list[Path]:
    """Rewrite the generated blocks; returns the pages that changed."""
    changed = []
    for page, text in rendered_pages(project_dir, results_dir).items():
        if (project_dir / page).read_text() != text:
            (project_dir / page).write_text(text)
            changed.append(page)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lead_scoring.benchmark_results", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when a page is not up to date; write nothing"
    )
    args = parser.parse_args(argv)
    try:
        if args.check:
            stale = stale_pages(PROJECT_DIR, RESULTS_DIR)
            for page in stale:
                print(f"{page} does not show the current benchmark results: run {parser.prog}")
            return 1 if stale else 0
        for page in write_pages(PROJECT_DIR, RESULTS_DIR):
            print(f"Updated {page}")
    except ResultFileError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
