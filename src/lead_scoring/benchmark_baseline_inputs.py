"""What both benchmark baselines share: where they find the raw files, the as_of they take, the
columns they return and where decay stops (benchmark_baselines.py says what they compute)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

SCORE_COLUMNS = ["lead_id", "fit_score", "engagement_score", "total_score"]
MAX_DECAY_EXPONENT = 1100.0  # 0.5 ** x is exactly 0 beyond this (docs/semantics.md §3)
SECONDS_PER_DAY = 86_400.0


def raw_file(raw_dir: Path | str, table: str) -> Path:
    """``<raw_dir>/<table>.parquet``, else ``<raw_dir>/<table>.csv``."""
    for extension in ("parquet", "csv"):
        path = Path(raw_dir) / f"{table}.{extension}"
        if path.exists():
            return path
    raise FileNotFoundError(f"neither {table}.parquet nor {table}.csv in {raw_dir}")


def check_as_of(as_of: datetime) -> datetime:
    """``as_of`` must be a naive (UTC) datetime."""
    if not isinstance(as_of, datetime) or as_of.tzinfo is not None:
        raise ValueError(f"as_of must be a naive UTC datetime, got {as_of!r}")
    return as_of
