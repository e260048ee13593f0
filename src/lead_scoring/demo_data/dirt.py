"""The deliberate dirt: the ways the demo data is wrong that the staging layer must handle.

See docs/semantics.md §1. With dirt on, a small share of rows gets one of these; which rows is
drawn from the chunk's random generator, so the data stays deterministic.

- text in mixed case or padded with spaces (a variant code per value, decoded by the SQL
  macro ``dirty`` of files.py), and empty strings for nulls;
- leads: duplicate rows, blank account ids, ids of accounts that do not exist;
- events: duplicate event ids (exact copies and copies with another ``occurred_at``), events of
  unknown leads, unknown event types, null and future ``occurred_at``;
- dispositions: an unknown status, and decisions about unknown leads;
- opportunities of unknown leads.
"""

from __future__ import annotations

import numpy as np

from lead_scoring.demo_data.frame import Frame
from lead_scoring.demo_data.sampling import secs
from lead_scoring.demo_data.vocabulary import (
    N_UNKNOWN_TYPES,
    PAGE_VIEW,
    PENDING,
    R_PENDING,
    UNKNOWN_FIRST,
)

UNKNOWN_LEAD_BASE = 90_000_000  # lead numbers from here on do not exist

# Text dirt variants, applied by the SQL macro ``dirty``.
V_CLEAN, V_UPPER, V_LPAD, V_RPAD, V_UPPER_RPAD, V_CAPITAL, V_LOWER = range(7)


def n_dirty(rng: np.random.Generator, n: int, share: float) -> int:
    """How many rows of ``n`` to make dirty: about ``share`` of them, at least one."""
    if n == 0:
        return 0
    return int(min(n, max(1, rng.binomial(n, share))))


def variant(rng: np.random.Generator, n: int, share: float, choices: list[int]) -> np.ndarray:
    """Per-row dirt variant codes: ``V_CLEAN`` except about ``share`` (at least one row)."""
    v = np.zeros(n, dtype=np.int8)
    if share > 0 and n > 0:
        idx = rng.choice(n, n_dirty(rng, n, share), replace=False)
        v[idx] = rng.choice(choices, idx.size)
    return v


def broken_account_ids(
    rng: np.random.Generator, has_acc: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Which leads get a blank account id (some without an account) and which the id of an
    account that does not exist."""
    n = has_acc.size
    blank_acc = np.zeros(n, dtype=bool)
    orphan_acc = np.zeros(n, dtype=bool)
    no_acc = np.flatnonzero(~has_acc)
    if no_acc.size:
        blank_acc[rng.choice(no_acc, n_dirty(rng, no_acc.size, 0.15), replace=False)] = True
    orphan_acc[rng.choice(n, n_dirty(rng, n, 0.002), replace=False)] = True
    orphan_acc &= ~blank_acc
    return blank_acc, orphan_acc


def duplicate_leads(rng: np.random.Generator, frame: Frame, end: int) -> Frame:
    """Copies of some lead rows: exact ones, and ones created later with mixed-case e-mail."""
    n = len(frame)
    idx = rng.choice(n, n_dirty(rng, n, 0.008), replace=False)
    dup = frame.take(idx)
    later = rng.random(idx.size) < 0.5
    shift = secs(rng.uniform(0.01, 30, idx.size))
    dup.cols["created"] = np.where(
        later, np.minimum(dup.cols["created"] + shift, end), dup.cols["created"]
    )
    dup.cols["email_var"] = np.where(later, V_CAPITAL, dup.cols["email_var"]).astype(np.int8)
    return dup


def dirty_events(rng: np.random.Generator, ev: Frame, first_id: int, end: int) -> Frame:
    """A chunk's numbered events with some made dirty in place, plus duplicates and events of
    unknown leads; returns the rows to write."""
    k = len(ev)
    # Disjoint sets of page views / e-mail opens get in-place dirt.
    pv = rng.permutation(np.flatnonzero(ev.cols["etype"] == PAGE_VIEW))
    sizes = [n_dirty(rng, k, share) for share in (0.004, 0.003, 0.003, 0.012, 0.01)]
    cuts = np.cumsum([0, *sizes])
    unknown, nulls, future, case, blank_c = (pv[cuts[i] : cuts[i + 1]] for i in range(5))
    ev.cols["etype"][unknown] = UNKNOWN_FIRST + rng.integers(0, N_UNKNOWN_TYPES, unknown.size)
    ev.cols["ts_null"][nulls] = True
    ev.cols["ts"][future] = end + secs(rng.uniform(0.01, 90, future.size))
    ev.cols["type_var"][case] = rng.choice([V_UPPER_RPAD, V_CAPITAL, V_LPAD, V_UPPER], case.size)
    ev.cols["blank_camp"][blank_c] = True
    opens = np.flatnonzero(ev.cols["url"] < 0)
    if opens.size:
        ev.cols["blank_url"][rng.choice(opens, n_dirty(rng, opens.size, 0.01), replace=False)] = (
            True
        )
    # Appended rows: duplicates (exact, and with another occurred_at) and unknown leads.
    exact = ev.take(rng.choice(k, n_dirty(rng, k, 0.006), replace=False))
    moved = ev.take(rng.choice(k, n_dirty(rng, k, 0.004), replace=False))
    moved.cols["ts"] = np.minimum(
        moved.cols["ts"] + rng.integers(-3 * 3600, 3 * 3600, len(moved)) + 1, end
    )
    moved.cols["ts_null"][:] = False
    orphans = ev.take(rng.choice(k, n_dirty(rng, k, 0.005), replace=False))
    orphans.cols["lead"] = UNKNOWN_LEAD_BASE + rng.integers(0, 9_000_000, len(orphans))
    orphans.cols["id"] = first_id + k + np.arange(len(orphans))
    orphans.cols["ts_null"][:] = False
    orphans.cols["ts"] = np.minimum(orphans.cols["ts"], end)
    dups = Frame.concat([exact, moved])
    # Re-delivered duplicates show up a little later in the feed.
    pos = np.concatenate([np.arange(k), rng.integers(0, k, len(dups)), np.full(len(orphans), k)])
    out = Frame.concat([ev, dups, orphans])
    return out.take(np.argsort(pos, kind="stable"))


def dirty_dispositions(rng: np.random.Generator, disp: Frame) -> Frame:
    """Some decisions still pending, some statuses capitalised, and copies of some decisions
    for leads that do not exist (appended)."""
    k = len(disp)
    status, reason, status_var = disp.cols["status"], disp.cols["reason"], disp.cols["status_var"]
    pend = rng.choice(k, n_dirty(rng, k, 0.01), replace=False)
    status[pend] = PENDING
    reason[pend] = R_PENDING
    rest = np.setdiff1d(np.arange(k), pend)
    if rest.size:
        status_var[rng.choice(rest, n_dirty(rng, rest.size, 0.01), replace=False)] = V_CAPITAL
    orphans = disp.take(rng.choice(k, n_dirty(rng, k, 0.01), replace=False))
    orphans.cols["lead"] = UNKNOWN_LEAD_BASE + rng.integers(0, 9_000_000, len(orphans))
    orphans.cols["status_var"][:] = V_CLEAN
    return Frame.concat([disp, orphans])


def orphan_opportunities(rng: np.random.Generator, n: int, end: int) -> Frame:
    """Open opportunities of leads that do not exist: about 1% of ``n``, at least one."""
    extra = n_dirty(rng, n, 0.01)
    return Frame(
        {
            "lead": UNKNOWN_LEAD_BASE + rng.integers(0, 9_000_000, extra),
            "ts": end - secs(rng.uniform(1, 60, extra)),
            "amount": np.round(rng.uniform(5_000, 50_000, extra), -2),
            "is_open": np.ones(extra, dtype=bool),
            "won": np.zeros(extra, dtype=bool),
            "closed": np.zeros(extra, dtype=np.int64),
        }
    )
