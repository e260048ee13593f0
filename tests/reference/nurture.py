"""Reference of nurture tracks (spec §9), written from the spec's text.

A lead in `lead` or `recycled` that does not meet the MQL criteria and is not disqualified at
as_of gets the first track, by sort_order, whose lists hold its fit grade and engagement band
(dim_leads.nurture_track). The lists are '|'-separated and compared like the fit rules' lists:
case-insensitive, spaces around an item ignored; an empty list holds any grade or band.
rpt_nurture_audience has one row per lead with a track, with points_to_mql = the
min_total_score in force at as_of minus total_score, at least 0.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .model import Threshold, version_in_force


@dataclass(frozen=True)
class NurtureTrack:
    track: str
    fit_grades: str | None
    engagement_bands: str | None
    sort_order: int
    description: str | None = None


def items(text: str | None) -> list[str]:
    """A '|'-separated list, each item trimmed and lower-cased; empty text is no list."""
    if text is None or not text.strip():
        return []
    return [item.strip().lower() for item in text.split("|")]


def holds(track: NurtureTrack, fit_grade: str, engagement_band: int) -> bool:
    """Whether the track's lists hold the grade and the band (an empty list holds any)."""
    grades = items(track.fit_grades)
    bands = [int(item) for item in items(track.engagement_bands)]
    return (not grades or fit_grade.lower() in grades) and (not bands or engagement_band in bands)


def nurture_track(lead: dict[str, Any], tracks: list[NurtureTrack]) -> str | None:
    """dim_leads.nurture_track of one dim_leads row."""
    if lead["current_stage"] not in ("lead", "recycled"):
        return None
    if lead["meets_mql_criteria"] or lead["is_disqualified"]:
        return None
    for track in sorted(tracks, key=lambda t: t.sort_order):
        if holds(track, lead["fit_grade"], lead["engagement_band"]):
            return track.track
    return None


def nurture_audience(
    dim_leads: list[dict[str, Any]],
    tracks: list[NurtureTrack],
    thresholds: list[Threshold],
    as_of: datetime,
) -> list[dict[str, Any]]:
    """Rows of rpt_nurture_audience, sorted by lead_id."""
    threshold = version_in_force(list(thresholds), as_of)
    rows = []
    for lead in sorted(dim_leads, key=lambda row: row["lead_id"]):
        track = nurture_track(lead, tracks)
        if track is None:
            continue
        rows.append(
            {
                "lead_id": lead["lead_id"],
                "email": lead["email"],
                "nurture_track": track,
                "current_stage": lead["current_stage"],
                "fit_grade": lead["fit_grade"],
                "engagement_band": lead["engagement_band"],
                "priority": lead["priority"],
                "total_score": lead["total_score"],
                "fit_score": lead["fit_score"],
                "engagement_score": lead["engagement_score"],
                "points_to_mql": max(threshold.min_total_score - lead["total_score"], 0.0),
            }
        )
    return rows


def read_nurture_tracks(seed_dir: Path) -> list[NurtureTrack]:
    """seeds/nurture_tracks.csv of `seed_dir`, blank cells as None."""
    with (seed_dir / "nurture_tracks.csv").open(newline="", encoding="utf-8") as handle:
        rows = [
            {key: (value or "").strip() or None for key, value in row.items()}
            for row in csv.DictReader(handle)
        ]
    return [
        NurtureTrack(
            track=row["track"],
            fit_grades=row["fit_grades"],
            engagement_bands=row["engagement_bands"],
            sort_order=int(row["sort_order"]),
            description=row["description"],
        )
        for row in rows
    ]
