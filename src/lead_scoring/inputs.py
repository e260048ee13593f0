"""The build's inputs, checked before dbt starts: the header rows of the rule tables (seeds),
and the raw data (demo data is generated when none is configured)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from lead_scoring import raw_files
from lead_scoring.arguments import DEMO_LEADS
from lead_scoring.locations import RAW_DIR_ENV, Locations, demo_dir

DEMO_EVENTS_PER_LEAD = 20.0
DEMO_SEED = 42
DEMO_DAYS = 540


def seed_header_problems(project_dir: Path) -> list[str]:
    """What is wrong with the header rows of the rule tables (seeds/*.csv), one line each.

    A renamed or missing column, or a file saved with ';' or tabs between the columns (Excel in
    many locales), otherwise fails deep in a staging model with a database error that names
    neither the seed nor the column. The columns are those of seeds/_seeds.yml.
    """
    import yaml  # dbt's own dependency

    seeds = yaml.safe_load((project_dir / "seeds" / "_seeds.yml").read_text())["seeds"]
    problems = []
    for seed in seeds:
        expected = [column["name"] for column in seed.get("columns", [])]
        relative = f"seeds/{seed['name']}.csv"
        path = project_dir / relative
        if not path.is_file():
            problems.append(f"{relative} is missing: restore it (git checkout {relative}).")
            continue
        with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
            header_line = handle.readline()
        header = next(csv.reader([header_line]), [])
        names = {name.strip().lower() for name in header}
        missing = [name for name in expected if name not in names]
        if not missing:
            continue
        problem = (
            f"{relative}: its header row lacks column(s) {', '.join(missing)}; it has: "
            f"{', '.join(name.strip() for name in header) or '(nothing)'}. The header must name "
            f'{", ".join(expected)} (README "Editing the rules").'
        )
        separator = next((s for s in (";", "\t") if s in header_line and len(header) == 1), None)
        if separator:
            shown = "';'" if separator == ";" else "tabs"
            problem += (
                f" The file looks separated by {shown}: rule tables are comma-separated CSV "
                "(in Excel, save as 'CSV UTF-8 (Comma delimited)')."
            )
        problems.append(problem)
    return problems


def has_raw_leads(folder: Path) -> bool:
    """Whether the folder holds a leads table, in any layout (a file or a folder of parts)."""
    return bool(raw_files.layouts_present(folder, "leads"))


def ensure_demo_data(locations: Locations, demo_leads: int | None) -> None:
    """Generate demo data in the default folder when no raw data is configured and it has none."""
    if locations.raw_dir_configured or has_raw_leads(locations.raw_dir):
        if demo_leads is not None:
            print(
                f"--demo-leads ignored: raw data is read from {locations.raw_dir} as it is "
                f"(unset {RAW_DIR_ENV} and empty {demo_dir(locations.project_dir)} to "
                "regenerate demo data)."
            )
        return
    leads = demo_leads or DEMO_LEADS
    end_date = datetime.now(UTC).date()
    print(
        f"No raw data configured ({RAW_DIR_ENV} unset, no --raw-dir) and {locations.raw_dir} "
        f"has no leads file: generating demo data ({leads} leads, {DEMO_EVENTS_PER_LEAD:g} events "
        f"per lead, seed {DEMO_SEED}, ending {end_date}).",
        flush=True,
    )
    from lead_scoring.demo_data.generator import generate  # numpy: only when it is needed

    rows = generate(
        out_dir=locations.raw_dir,
        leads=leads,
        events_per_lead=DEMO_EVENTS_PER_LEAD,
        seed=DEMO_SEED,
        end_date=end_date,
        days=DEMO_DAYS,
        fmt="parquet",
        dirt=True,
    )
    print("Demo data written: " + ", ".join(f"{table} {count}" for table, count in rows.items()))
