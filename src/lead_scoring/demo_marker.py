"""The note the demo data generator leaves beside the raw tables it writes.

It says that the folder's tables are generated demo data, and whether they are dirty on
purpose (the generator's default) or clean (`--no-dirt`). The run summary reads it to say
that the dirty rows it reports, and the warnings about them, are the demo's deliberate dirt;
a folder without it is someone's own export, and no such claim is made about it. The note's
name is no raw table's, in any layout (raw_files.py), so nothing reads it as data.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

MARKER_FILE = "_demo_data.json"
GENERATOR = "lead_scoring.generate_demo_data"


def write_marker(folder: Path, staging: Path, settings: dict[str, Any]) -> None:
    """Leave the note in `folder`: written in `staging` (a folder on the same file system),
    then renamed into place, so a reader never sees half of it."""
    staged = staging / MARKER_FILE
    staged.write_text(json.dumps({"generator": GENERATOR, **settings}, indent=2, default=str))
    os.replace(staged, folder / MARKER_FILE)


def has_deliberate_dirt(folder: Path) -> bool:
    """Whether the generator wrote `folder`'s tables dirty on purpose (False without a note)."""
    try:
        note = json.loads((folder / MARKER_FILE).read_text())
    except (OSError, ValueError):
        return False
    return (
        isinstance(note, dict) and note.get("generator") == GENERATOR and note.get("dirt") is True
    )
