"""``generate()``: the demo data, one chunk of leads at a time, written to the raw files.

Each chunk of leads draws from its own random generator (seeded by the seed and the chunk's
number), and its rows go to a temporary on-disk DuckDB database straight away, so memory stays
bounded at any size (1M leads x 20 events takes a few minutes). The in-process entry point for
tests, benchmarks and the run's demo data; generate_demo_data.py is its command line.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import duckdb
import numpy as np

from lead_scoring.demo_data.accounts import make_accounts
from lead_scoring.demo_data.dirt import duplicate_leads
from lead_scoring.demo_data.events import (
    background_events,
    event_counts,
    finish_events,
    milestone_events,
    reengagement_events,
)
from lead_scoring.demo_data.files import (
    ACCOUNTS_SQL,
    DDL,
    DISPOSITIONS_SQL,
    EVENTS_SQL,
    LEADS_SQL,
    OPPORTUNITIES_SQL,
    Sink,
    export,
)
from lead_scoring.demo_data.frame import Frame
from lead_scoring.demo_data.leads import LeadState, lead_created_times, make_leads
from lead_scoring.demo_data.reasons import accepted_reasons
from lead_scoring.demo_data.sales import disposition_frame, opportunity_frame, sales_outcomes
from lead_scoring.demo_data.sampling import DAY, secs
from lead_scoring.demo_data.vocabulary import ACCEPTED
from lead_scoring.demo_marker import write_marker

LEADS_PER_CHUNK = 50_000
MAX_LEADS = 10_000_000
MEMORY_LIMIT = "1GB"  # DuckDB spills to disk beyond this
EPOCH = date(1970, 1, 1)


def generate(
    out_dir: Path,
    leads: int,
    events_per_lead: float,
    seed: int,
    end_date: date,
    days: int,
    fmt: str,
    dirt: bool,
) -> dict[str, int]:
    """Write the five raw tables and the demo note into ``out_dir``; return the rows written
    per table."""
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"unknown format {fmt!r}")
    if not 1 <= leads <= MAX_LEADS:
        raise ValueError(f"leads must be between 1 and {MAX_LEADS}")
    if days < 1 or events_per_lead < 0:
        raise ValueError("days must be >= 1 and events_per_lead >= 0")
    out_dir.mkdir(parents=True, exist_ok=True)
    end = ((end_date - EPOCH).days + 1) * DAY - 1  # 23:59:59 of the end date
    start = end + 1 - days * DAY
    created_all = lead_created_times(leads, seed, start, end)
    accounts, acc_frame = make_accounts(max(10, round(leads / 3.5)), seed, dirt)
    with tempfile.TemporaryDirectory(prefix=".generate-", dir=out_dir) as tmp:
        con = duckdb.connect(str(Path(tmp) / "stage.duckdb"))
        try:
            con.execute(f"set temp_directory = '{(Path(tmp) / 'spill').as_posix()}'")
            con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
            con.execute(DDL)
            sink = Sink(con)
            sink.insert("accounts", ACCOUNTS_SQL, acc_frame)
            for chunk_no, lo in enumerate(range(0, leads, LEADS_PER_CHUNK)):
                hi = min(leads, lo + LEADS_PER_CHUNK)
                rng = np.random.default_rng([seed, 2, chunk_no])
                nums = np.arange(lo + 1, hi + 1, dtype=np.int64)
                state, lead_frame = make_leads(rng, nums, created_all[lo:hi], accounts, dirt)
                if dirt:
                    lead_frame = Frame.concat([lead_frame, duplicate_leads(rng, lead_frame, end)])
                sink.insert("leads", LEADS_SQL, lead_frame)
                write_activity(sink, rng, state, events_per_lead, end, dirt)
            export(con, Path(tmp), out_dir, fmt)
        finally:
            con.close()
        settings = {
            "dirt": dirt,
            "leads": leads,
            "events_per_lead": events_per_lead,
            "seed": seed,
            "end_date": end_date,
            "days": days,
            "format": fmt,
        }
        write_marker(out_dir, Path(tmp), settings)
    return dict(sink.rows)


def write_activity(
    sink: Sink,
    rng: np.random.Generator,
    state: LeadState,
    events_per_lead: float,
    end: int,
    dirt: bool,
) -> None:
    """Generate and store the events, dispositions and opportunities of one chunk of leads."""
    frames, miles = milestone_events(rng, state, end)
    rows, opps, (re_idx, re_start) = sales_outcomes(rng, state, miles, end)
    re_frame, re_end = reengagement_events(rng, state, miles, re_idx, re_start, end)
    # Some re-engaged leads are accepted the second time around.
    again = (rng.random(re_idx.size) < 0.3) & (re_end >= 0)
    a_idx = re_idx[again]
    a_ts = re_end[again] + secs(rng.uniform(1, 10, a_idx.size))
    no = np.zeros(a_idx.size, dtype=bool)
    rows.append((a_idx, ACCEPTED, a_ts, accepted_reasons(rng, no, no)))
    # Background events fill up the requested mean.
    planned = sum(len(f) for f in frames) + len(re_frame)
    per_lead = events_per_lead - planned / max(state.num.size, 1)
    counts = event_counts(rng, state, per_lead)
    frames.append(background_events(rng, state, miles, counts, end))
    frames.append(re_frame)
    ev = finish_events(rng, Frame.concat(frames), state, sink.next_id["events"], end, dirt)
    sink.insert("events", EVENTS_SQL, ev)
    disp = disposition_frame(rng, state, rows, sink.next_id["sales_dispositions"], end, dirt)
    sink.insert("sales_dispositions", DISPOSITIONS_SQL, disp)
    opp = opportunity_frame(rng, state, opps, sink.next_id["opportunities"], end, dirt)
    sink.insert("opportunities", OPPORTUNITIES_SQL, opp)
