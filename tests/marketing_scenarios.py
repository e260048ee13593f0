"""Random inputs for spec §9 in the property tests (test_models_match_reference.py): campaigns
on events (blank, padded and differently cased ones among them), an account no lead names, and
nurture-track tables (lists of any case and spacing, empty lists, no catch-all track).

`choose` is the property test's Chooser (hypothesis or a seeded Random).
"""

from __future__ import annotations

from typing import Any

from reference import Account, Band, Grade
from reference.nurture import NurtureTrack

# None most often: many MQLs have no touch at all
CAMPAIGNS = [None, None, None, "spring_webinar", "Spring_Webinar", " newsletter ", "", "trial"]
SORT_ORDERS = [-5, 0, 3, 7, 10, 20, 100]
SEPARATORS = ["|", " | ", "| "]

ACCOUNT_WITHOUT_LEADS = Account(
    account_id="acc_without_leads",
    account_name="Account without leads",
    domain="quiet.example",
    industry="software",
    employee_count=250,
    annual_revenue=2e7,
    country="FR",
)


def draw_campaign(choose: Any) -> str | None:
    return choose.choice(CAMPAIGNS)


def clean_campaign(campaign: str | None) -> str | None:
    """The campaign as staging leaves it: trimmed, blank as None, its case kept."""
    if campaign is None or not campaign.strip():
        return None
    return campaign.strip()


def _draw_list(choose: Any, names: list[str]) -> str | None:
    """None (any), or some of `names` joined by '|' with random spacing and case."""
    if choose.integer(0, 2) == 0:
        return None
    picked = [name for name in names if choose.integer(0, 1) == 1] or [choose.choice(names)]
    spelled = [choose.choice([name, name.lower(), f" {name} "]) for name in picked]
    return choose.choice(SEPARATORS).join(spelled)


def draw_nurture_tracks(choose: Any, grades: list[Grade], bands: list[Band]) -> list[NurtureTrack]:
    """One to four tracks with distinct sort_orders, listed in no particular order."""
    free = list(SORT_ORDERS)
    tracks = []
    for index in range(choose.integer(1, 4)):
        sort_order = free.pop(choose.integer(0, len(free) - 1))
        tracks.append(
            NurtureTrack(
                track=f"track_{index}",
                fit_grades=_draw_list(choose, [grade.grade for grade in grades]),
                engagement_bands=_draw_list(choose, [str(band.band) for band in bands]),
                sort_order=sort_order,
                description=f"Track {index}",
            )
        )
    return tracks
