"""Source freshness before the build: `dbt source freshness`, its outcome and its summary lines
(thresholds in models/staging/_raw__sources.yml)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lead_scoring.arguments import BuildOptions
from lead_scoring.dbt_session import DbtSession, freshness_arguments
from lead_scoring.run_state import RunState

SECONDS_PER_DAY = 86400


@dataclass
class Freshness:
    """The outcome of `dbt source freshness` before the build."""

    status: str  # skipped, pass, warn, error, runtime error, not_run
    reason: str = ""
    sources: list[dict[str, Any]] = field(default_factory=list)
    exception: BaseException | None = None

    def as_record(self) -> dict[str, Any]:
        return {"status": self.status, "reason": self.reason or None, "sources": self.sources}


def period_text(threshold: Any) -> str | None:
    """'14 days' from a dbt freshness Time, None when not set."""
    count = getattr(threshold, "count", None)
    period = getattr(threshold, "period", None)
    if count is None or period is None:
        return None
    unit = str(getattr(period, "value", period))
    return f"{count} {unit}{'' if count == 1 else 's'}"


def source_freshness(result: Any) -> dict[str, Any]:
    """One source's freshness result as plain data."""
    node = result.node
    threshold = getattr(node, "freshness", None)
    age = getattr(result, "age", None)
    newest = getattr(result, "max_loaded_at", None)
    return {
        "source": f"{node.source_name}.{node.name}",
        "status": str(result.status),
        "newest_row_at": newest.isoformat() if newest else None,
        "age_days": round(age / SECONDS_PER_DAY, 2) if isinstance(age, int | float) else None,
        "warn_after": period_text(getattr(threshold, "warn_after", None)),
        "error_after": period_text(getattr(threshold, "error_after", None)),
        "message": (result.message or "").strip() or None,
    }


def skipped_freshness(options: BuildOptions, state: RunState) -> Freshness | None:
    """Why this run does not check source freshness (a skipped Freshness), or None.

    Freshness is measured against now: it is not checked for an as_of in the past (a backfill,
    or the published as_of a --select build keeps).
    """
    if options.skip_freshness:
        return Freshness("skipped", "--skip-freshness")
    if not state.as_of_is_run_time:
        reason = "the published build's as_of" if state.as_of_is_published else "--as-of backfill"
        return Freshness("skipped", f"{reason}; freshness is measured against now")
    return None


def check_freshness(
    session: DbtSession, options: BuildOptions, project: Path, log_path: Path
) -> Freshness:
    """Run `dbt source freshness`; the worst status wins."""
    result = session.invoke(freshness_arguments(options, project, log_path))
    if result.exception is not None or result.result is None:
        return Freshness("not_run", exception=result.exception)
    sources = [
        source_freshness(node_result)
        for node_result in result.result.results
        if str(node_result.node.resource_type) == "source"
    ]
    statuses = {source["status"] for source in sources}
    worst = next((s for s in ("runtime error", "error", "warn") if s in statuses), "pass")
    return Freshness(worst, sources=sources)


def freshness_lines(freshness: Freshness) -> list[str]:
    """The freshness part of the summary: a count line, then each source that is not fine."""
    if freshness.status == "skipped":
        return [f"  freshness:  not checked ({freshness.reason})"]
    if not freshness.sources:
        return ["  freshness:  no raw table declares freshness"]
    counts = Counter(source["status"] for source in freshness.sources)
    lines = [
        "  freshness:  "
        + ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
        + " (newest row of each raw table against now)"
    ]
    for source in freshness.sources:
        if source["status"] == "pass":
            continue
        if source["status"] == "runtime error":
            lines.append(f"    - {source['source']}: could not be checked: {source['message']}")
            continue
        limits = ", ".join(
            f"{word} after {source[key]}"
            for word, key in (("warn", "warn_after"), ("error", "error_after"))
            if source[key]
        )
        newest = source["newest_row_at"]
        if not newest or newest.startswith("0001-"):  # dbt's stand-in when there is no row
            age = "has no dated rows"
        else:
            age = f"newest row {newest} is {source['age_days']} days old"
        lines.append(f"    - {source['source']}: {source['status']}: {age} ({limits})")
    return lines
