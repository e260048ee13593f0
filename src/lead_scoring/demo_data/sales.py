"""What sales does with the demo's leads: dispositions and opportunities.

Sales looks at the engaged leads and accepts, recycles (some recycled leads re-engage later) or
disqualifies them; about half of the accepted leads get an opportunity, a few opportunities are
sales-sourced, and about 30% of the closed ones are won. Who is accepted, gets an opportunity
and wins follows the ground truth of propensity.py; reasons.py gives each decision its reason.
"""

from __future__ import annotations

import numpy as np

from lead_scoring.demo_data.dirt import dirty_dispositions, orphan_opportunities
from lead_scoring.demo_data.events import Milestones
from lead_scoring.demo_data.frame import Frame
from lead_scoring.demo_data.leads import LeadState
from lead_scoring.demo_data.propensity import (
    accept_probability,
    opportunity_probability,
    win_probability,
)
from lead_scoring.demo_data.reasons import (
    accepted_reasons,
    disqualified_reasons,
    recycled_reasons,
)
from lead_scoring.demo_data.sampling import secs
from lead_scoring.demo_data.vocabulary import ACCEPTED, DISQUALIFIED, RECYCLED


def sales_outcomes(
    rng: np.random.Generator, s: LeadState, m: Milestones, end: int
) -> tuple[
    list[tuple[np.ndarray, int, np.ndarray, np.ndarray]],
    tuple[np.ndarray, np.ndarray],
    tuple[np.ndarray, np.ndarray],
]:
    """Dispositions and opportunities of a chunk, plus (lead index, start) of re-engagements."""
    n = s.num.size
    z = s.intent
    hand = m.hand_raise >= 0
    trial = m.trial >= 0
    # Sales looks at the leads that showed interest (in practice: its MQLs).
    engaged = (z > 0.3) | hand | trial
    accept = engaged & (rng.random(n) < accept_probability(s.fit, z, trial, hand, s.bad_fit))
    p_dq = np.where(s.bad_fit, 0.55, np.where(s.fit < -1, 0.25, 0.06))
    u = rng.random(n)
    disq = ~accept & engaged & (u < p_dq)
    recyc = ~accept & ~disq & engaged & (u < p_dq + 0.3)
    disq |= ~accept & ~engaged & s.bad_fit & (rng.random(n) < 0.1)

    rows: list[tuple[np.ndarray, int, np.ndarray, np.ndarray]] = []  # idx, status, ts, reason
    acc_idx = np.flatnonzero(accept)
    acc_ts = m.last_key[acc_idx] + secs(rng.gamma(2.0, 2.0, acc_idx.size) + 0.1)
    rows.append((acc_idx, ACCEPTED, acc_ts, accepted_reasons(rng, hand[acc_idx], trial[acc_idx])))

    dq_idx = np.flatnonzero(disq)
    dq_ts = m.last_key[dq_idx] + secs(rng.uniform(1, 30, dq_idx.size))
    rows.append((dq_idx, DISQUALIFIED, dq_ts, disqualified_reasons(rng, s, dq_idx)))

    rc_idx = np.flatnonzero(recyc)
    rc_ts = m.last_key[rc_idx] + secs(rng.uniform(5, 40, rc_idx.size))
    rows.append((rc_idx, RECYCLED, rc_ts, recycled_reasons(rng, z[rc_idx])))
    back = rng.random(rc_idx.size) < 0.35
    re_idx = rc_idx[back]
    re_start = rc_ts[back] + secs(rng.uniform(20, 150, re_idx.size))
    keep = re_start < end
    reengage = (re_idx[keep], re_start[keep])

    # Opportunities: about half of the accepted leads, plus a few sales-sourced ones.
    opp_idx = acc_idx[rng.random(acc_idx.size) < opportunity_probability(s.fit[acc_idx])]
    opp_ts = acc_ts[np.searchsorted(acc_idx, opp_idx)] + secs(rng.uniform(1, 30, opp_idx.size))
    sourced = np.flatnonzero(~accept & (s.size_bucket >= 2) & ~s.bad_fit & (rng.random(n) < 0.012))
    src_ts = s.created[sourced] + secs(rng.uniform(3, 120, sourced.size))
    o_idx = np.concatenate([opp_idx, sourced])
    o_ts = np.concatenate([opp_ts, src_ts])
    return rows, (o_idx, o_ts), reengage


def disposition_frame(
    rng: np.random.Generator,
    s: LeadState,
    rows: list[tuple[np.ndarray, int, np.ndarray, np.ndarray]],
    first_id: int,
    end: int,
    dirt: bool,
) -> Frame:
    """The rows of a chunk's dispositions decided by the end date, in decision order."""
    idx = np.concatenate([r[0] for r in rows])
    status = np.concatenate([np.full(r[0].size, r[1]) for r in rows])
    ts = np.concatenate([r[2] for r in rows])
    reason = np.concatenate([r[3] for r in rows])
    keep = ts <= end  # decisions after the end date have not happened yet
    idx, status, ts, reason = idx[keep], status[keep], ts[keep], reason[keep]
    order = np.lexsort((status, ts))
    idx, status, ts, reason = idx[order], status[order], ts[order], reason[order]
    disp = Frame(
        {
            "lead": s.num[idx],
            "status": status,
            "status_var": np.zeros(idx.size, dtype=np.int8),
            "reason": reason,
            "ts": ts,
        }
    )
    if dirt and idx.size:
        disp = dirty_dispositions(rng, disp)
    disp.cols["id"] = first_id + np.arange(len(disp), dtype=np.int64)
    return disp


def opportunity_frame(
    rng: np.random.Generator,
    s: LeadState,
    opps: tuple[np.ndarray, np.ndarray],
    first_id: int,
    end: int,
    dirt: bool,
) -> Frame:
    """The rows of a chunk's opportunities created by the end date, in creation order."""
    idx, created = opps
    keep = created <= end
    idx, created = idx[keep], created[keep]
    order = np.argsort(created, kind="stable")
    idx, created = idx[order], created[order]
    size = s.size_bucket[idx]
    median = np.array([8_000, 6_000, 15_000, 40_000, 150_000])[size + 1]
    amount = np.round(median * np.exp(rng.normal(0, 0.6, idx.size)), -2)
    closed = created + secs(rng.gamma(2.0, 30.0, idx.size) + 7)
    opp = Frame(
        {
            "lead": s.num[idx],
            "ts": created,
            "amount": amount.astype(float),
            "is_open": closed > end,
            "won": rng.random(idx.size) < win_probability(s.fit[idx]),
            "closed": closed,
        }
    )
    if dirt:
        opp = Frame.concat([opp, orphan_opportunities(rng, max(idx.size, 1), end)])
    opp.cols["id"] = first_id + np.arange(len(opp), dtype=np.int64)
    return opp
