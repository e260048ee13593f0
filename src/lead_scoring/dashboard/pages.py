"""The dashboard's pages, in the order the navigation lists them: each a module with TITLE,
URL_PATH, ICON, QUESTION and show()."""

from __future__ import annotations

from types import ModuleType

from lead_scoring.dashboard import (
    accounts,
    conversion,
    funnel,
    handoff,
    lead,
    overview,
    quality,
    rules,
)

PAGES: list[ModuleType] = [
    overview,
    funnel,
    conversion,
    handoff,
    lead,
    rules,
    accounts,
    quality,
]


def page_named(url_path: str) -> ModuleType:
    """The page module served at /<url_path>."""
    for page in PAGES:
        if url_path == page.URL_PATH:
            return page
    raise KeyError(f"no dashboard page at /{url_path}")
