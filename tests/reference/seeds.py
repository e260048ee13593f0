"""Read the rule seeds (plain CSV) into the reference implementation's typed rows."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from .model import Band, EngagementRule, FitRule, Grade, Rules, Threshold


def _rows(path: Path) -> list[dict[str, str | None]]:
    """CSV rows with surrounding spaces trimmed and blank cells as None."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            {
                key: (value.strip() or None) if value is not None else None
                for key, value in row.items()
            }
            for row in csv.DictReader(handle)
        ]


def _number(text: str | None) -> float | None:
    return None if text is None else float(text)


def _day(text: str | None) -> date:
    if text is None:
        raise ValueError("valid_from is required")
    return date.fromisoformat(text)


def read_rules(seed_dir: Path) -> Rules:
    """All five rule tables from `seed_dir` (e.g. the project's `seeds/`)."""
    engagement = [
        EngagementRule(
            rule_id=row["rule_id"],
            event_type=row["event_type"],
            url_pattern=row["url_pattern"],
            points=float(row["points"]),
            max_points=_number(row["max_points"]),
            half_life_days=_number(row["half_life_days"]),
            promotes_to=row["promotes_to"].lower() if row["promotes_to"] else None,
            valid_from=_day(row["valid_from"]),
            description=row["description"],
        )
        for row in _rows(seed_dir / "engagement_rules.csv")
    ]
    fit = [
        FitRule(
            rule_id=row["rule_id"],
            attribute=row["attribute"],
            operator=row["operator"],
            value=row["value"],
            points=float(row["points"]),
            is_disqualifying=(row["is_disqualifying"] or "false").lower() == "true",
            valid_from=_day(row["valid_from"]),
            description=row["description"],
        )
        for row in _rows(seed_dir / "fit_rules.csv")
    ]
    thresholds = [
        Threshold(
            valid_from=_day(row["valid_from"]),
            min_total_score=_number(row["min_total_score"]),
            min_fit_score=_number(row["min_fit_score"]),
            min_engagement_score=_number(row["min_engagement_score"]),
        )
        for row in _rows(seed_dir / "mql_thresholds.csv")
    ]
    grades = [
        Grade(grade=row["grade"], min_fit_score=_number(row["min_fit_score"]))
        for row in _rows(seed_dir / "fit_grades.csv")
    ]
    bands = [
        Band(band=int(row["band"]), min_engagement_score=_number(row["min_engagement_score"]))
        for row in _rows(seed_dir / "engagement_bands.csv")
    ]
    return Rules(engagement, fit, thresholds, grades, bands)
