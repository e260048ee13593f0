"""The demo's events: each lead's milestones, background activity and re-engagement.

Events cluster around an engagement peak after a lead's ``created_at``; some anonymous page
views come a few days before it. What a lead does follows one of two latent traits
(leads.py): its buying intent drives trials, hand-raises, pricing-page views and form fills
(with its fit, for trials and hand-raises); its appetite for content drives how much it browses
and reads, webinars and content downloads. Background events fill up the requested mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lead_scoring.demo_data.campaigns import (
    email_campaigns,
    syndicated_download_campaigns,
    webinar_campaigns,
)
from lead_scoring.demo_data.dirt import dirty_events
from lead_scoring.demo_data.frame import Frame
from lead_scoring.demo_data.leads import LeadState
from lead_scoring.demo_data.sampling import DAY, fold_into, secs, sigmoid, weighted_choice, weights
from lead_scoring.demo_data.vocabulary import (
    BROWSE,
    CONTACT_SALES,
    CONTENT_DOWNLOAD,
    DEMO_REQUEST,
    EMAIL_BOUNCE,
    EMAIL_CLICK,
    EMAIL_OPEN,
    FORM_SUBMIT,
    NURTURE_MIX,
    PAGE_VIEW,
    PATH_OFFSET,
    PATHS,
    QUOTE_REQUEST,
    RESEARCH_MIX,
    TRIAL_STARTED,
    UNSUBSCRIBE,
    WEBINAR_ATTENDED,
    WEBINAR_REGISTERED,
)


def event_frame(
    lead: np.ndarray, etype: np.ndarray, ts: np.ndarray, url: np.ndarray, camp: np.ndarray
) -> Frame:
    return Frame(
        {
            "lead": lead.astype(np.int64),
            "etype": etype.astype(np.int16),
            "ts": ts.astype(np.int64),
            "url": url.astype(np.int32),
            "camp": camp.astype(np.int32),
        }
    )


def pick_paths(rng: np.random.Generator, category: str, n: int) -> np.ndarray:
    return PATH_OFFSET[category] + rng.integers(0, len(PATHS[category]), n)


def browse_urls(
    rng: np.random.Generator, p_pricing: np.ndarray, p_careers: np.ndarray
) -> np.ndarray:
    """Url codes of page views, given each view's chance of pricing and careers pages."""
    n = p_pricing.size
    u = rng.random(n)
    url = np.empty(n, dtype=np.int64)
    pricing = u < p_pricing
    careers = ~pricing & (u < p_pricing + p_careers)
    rest = ~pricing & ~careers
    url[pricing] = pick_paths(rng, "pricing", pricing.sum())
    url[careers] = pick_paths(rng, "careers", careers.sum())
    cat = rng.choice(len(BROWSE), rest.sum(), p=weights([b[1] for b in BROWSE]))
    rest_url = np.empty(cat.size, dtype=np.int64)
    for i, (name, _) in enumerate(BROWSE):
        sel = cat == i
        rest_url[sel] = pick_paths(rng, name, sel.sum())
    url[rest] = rest_url
    return url


@dataclass
class Milestones:
    """Per-lead times (or -1) of the engagement milestones that matter downstream."""

    peak: np.ndarray
    last_key: np.ndarray  # end of the engagement peak
    hand_raise: np.ndarray  # contact_sales / demo_request / quote_request time or -1
    trial: np.ndarray  # trial_started time or -1
    webinar: np.ndarray  # webinar registration time or -1


def milestone_events(
    rng: np.random.Generator, s: LeadState, end: int
) -> tuple[list[Frame], Milestones]:
    n = s.num.size
    z, fit, activity = s.intent, s.fit, s.activity
    peak = s.created + secs(rng.gamma(1.5, 8.0, n))
    peak = np.minimum(peak, end)
    frames: list[Frame] = []
    last_key = np.minimum(peak + secs(5), end)
    hand_raise = np.full(n, -1, dtype=np.int64)
    trial = np.full(n, -1, dtype=np.int64)
    none = np.full(n, -1)

    def add(
        etype: int, p: np.ndarray, offset_days: np.ndarray, url: np.ndarray, camp: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Give each lead the event with probability ``p``, ``offset_days`` from its peak."""
        hit = rng.random(n) < p
        idx = np.flatnonzero(hit)
        ts = peak[idx] + secs(offset_days[idx])
        fold_into(ts, s.created[idx], np.full(idx.size, end), rng)
        frames.append(event_frame(idx, np.full(idx.size, etype), ts, url[idx], camp[idx]))
        return idx, ts

    # Most leads are shown the product tour right after they sign up, buyers or not.
    add(
        PAGE_VIEW,
        np.full(n, 0.85),
        (s.created - peak) / DAY + rng.uniform(0.0, 0.02, n),
        pick_paths(rng, "product", n),
        none,
    )
    web_p = sigmoid(-2.0 + 0.7 * activity + 0.2 * z + 2.2 * s.webinar_source)
    web_camp = webinar_campaigns(rng, s)
    web_url = pick_paths(rng, "webinar", n)
    reg_idx, reg_ts = add(WEBINAR_REGISTERED, web_p, rng.normal(-3, 4, n), web_url, web_camp)
    webinar = np.full(n, -1, dtype=np.int64)
    webinar[reg_idx] = reg_ts
    att = rng.random(reg_idx.size) < 0.5 + 0.1 * np.clip(activity[reg_idx], -1, 2)
    a_idx = reg_idx[att]
    a_ts = np.minimum(reg_ts[att] + secs(rng.uniform(1, 10, a_idx.size)), end)
    frames.append(
        event_frame(
            a_idx, np.full(a_idx.size, WEBINAR_ATTENDED), a_ts, web_url[a_idx], web_camp[a_idx]
        )
    )
    last_key[a_idx] = np.maximum(last_key[a_idx], a_ts)

    # Syndicated leads came in through a download: they go on downloading.
    add(
        CONTENT_DOWNLOAD,
        sigmoid(-1.6 + 0.6 * activity + 1.0 * s.syndication_source),
        rng.normal(-4, 5, n),
        pick_paths(rng, "resources", n),
        syndicated_download_campaigns(s),
    )
    t_idx, t_ts = add(
        TRIAL_STARTED,
        sigmoid(-3.6 + 1.0 * z + 0.4 * fit),
        rng.normal(1, 3, n),
        pick_paths(rng, "signup", n),
        none,
    )
    last_key[t_idx] = np.maximum(last_key[t_idx], t_ts)
    trial[t_idx] = t_ts

    hr_base = -5.2 + 1.15 * z + 0.5 * fit - 1.5 * s.bad_fit
    for etype, shift, category in (
        (CONTACT_SALES, 0.4, "contact_sales"),
        (DEMO_REQUEST, -0.1, "demo"),
        (QUOTE_REQUEST, -1.4, "quote"),
    ):
        idx, ts = add(
            etype,
            sigmoid(hr_base + shift),
            rng.normal(3, 3, n),
            pick_paths(rng, category, n),
            none,
        )
        first = np.where(hand_raise[idx] < 0, ts, np.minimum(hand_raise[idx], ts))
        hand_raise[idx] = first
        last_key[idx] = np.maximum(last_key[idx], ts)

    # the campaign of the unsubscribe and of the welcome e-mail's bounce, as of sign-up
    mail_camp = email_campaigns(rng, s, trial, webinar, np.arange(n), s.created)
    add(
        UNSUBSCRIBE,
        sigmoid(-2.8 - 0.6 * z),
        rng.uniform(5, 120, n),
        none,
        mail_camp,
    )
    # A bad address bounces on the welcome e-mail, a day or two after sign-up.
    add(
        EMAIL_BOUNCE,
        np.full(n, 0.04),
        (s.created - peak) / DAY + rng.uniform(0.1, 3, n),
        none,
        mail_camp,
    )
    return frames, Milestones(peak, last_key, hand_raise, trial, webinar)


def pick_types(
    rng: np.random.Generator,
    mix: list[tuple[int, float, float]],
    intent: np.ndarray,
    lead: np.ndarray,
) -> np.ndarray:
    """An event type for each of ``lead`` (indexes into ``intent``), drawn from ``mix``."""
    base = np.array([b[1] for b in mix])
    slope = np.array([b[2] for b in mix])
    w = base[None, :] * np.exp(slope[None, :] * np.clip(intent, -2.5, 2.5)[:, None])
    return np.array([b[0] for b in mix])[weighted_choice(rng, w[lead])]


def background_events(
    rng: np.random.Generator,
    s: LeadState,
    m: Milestones,
    counts: np.ndarray,
    end: int,
) -> Frame:
    """Page views, e-mail opens / clicks, form fills and downloads around each lead's peak."""
    n = s.num.size
    lead = np.repeat(np.arange(n), counts)
    k = lead.size
    z = s.intent[lead]
    created = s.created[lead]

    # Timing: anonymous visits before sign-up, research around the peak, a long tail of e-mail.
    u = rng.random(k)
    pre = u < 0.06
    researching = u < 0.55
    spread = rng.uniform(3, 20, n)[lead]
    ts = np.where(
        pre,
        created - secs(rng.uniform(0.02, 6, k)),
        np.where(
            researching,
            m.peak[lead] + secs(rng.normal(0, 1, k) * spread),
            created + secs(rng.exponential(90, k)),
        ),
    )
    post = ~pre
    ts_post = ts[post]
    fold_into(ts_post, created[post], np.full(ts_post.size, end), rng)
    ts[post] = ts_post

    etype = np.empty(k, dtype=np.int64)
    etype[researching] = pick_types(rng, RESEARCH_MIX, s.intent, lead[researching])
    etype[~researching] = pick_types(rng, NURTURE_MIX, s.intent, lead[~researching])
    etype[pre] = PAGE_VIEW

    url = np.full(k, -1, dtype=np.int64)
    camp = np.full(k, -1, dtype=np.int64)
    pv = etype == PAGE_VIEW
    # Buyers look at prices while they research (before sign-up and around the peak), not in
    # the long tail of e-mail nurture.
    p_pricing = np.where(researching, np.clip(0.02 * np.exp(1.3 * np.clip(z, -3, 3)), 0, 0.5), 0.01)
    p_careers = np.where(s.job_seeker[lead], 0.25, 0.004)
    url[pv] = browse_urls(rng, p_pricing[pv], p_careers[pv])
    click = etype == EMAIL_CLICK
    url[click] = browse_urls(rng, p_pricing[click], np.zeros(click.sum()))
    form = etype == FORM_SUBMIT
    url[form] = pick_paths(rng, "contact", form.sum())
    dl = etype == CONTENT_DOWNLOAD
    url[dl] = pick_paths(rng, "resources", dl.sum())
    mail = (etype == EMAIL_OPEN) | click
    camp[mail] = email_campaigns(rng, s, m.trial, m.webinar, lead[mail], ts[mail])
    return event_frame(lead, etype, ts, url, camp)


def reengagement_events(
    rng: np.random.Generator,
    s: LeadState,
    m: Milestones,
    idx: np.ndarray,
    start: np.ndarray,
    end: int,
) -> tuple[Frame, np.ndarray]:
    """A second burst of engagement for recycled leads; returns events and burst ends."""
    counts = rng.integers(3, 13, idx.size)
    lead = np.repeat(idx, counts)
    burst_start = np.repeat(start, counts)
    ts = burst_start + secs(rng.uniform(0, 14, lead.size))
    fold_into(ts, burst_start, np.full(lead.size, end), rng)
    etype = rng.choice(
        [PAGE_VIEW, EMAIL_CLICK, FORM_SUBMIT, CONTENT_DOWNLOAD, DEMO_REQUEST],
        lead.size,
        p=[0.6, 0.2, 0.1, 0.08, 0.02],
    )
    url = np.full(lead.size, -1, dtype=np.int64)
    pv = (etype == PAGE_VIEW) | (etype == EMAIL_CLICK)
    url[pv] = browse_urls(rng, np.full(pv.sum(), 0.3), np.zeros(pv.sum()))
    url[etype == FORM_SUBMIT] = pick_paths(rng, "contact", (etype == FORM_SUBMIT).sum())
    url[etype == CONTENT_DOWNLOAD] = pick_paths(rng, "resources", (etype == CONTENT_DOWNLOAD).sum())
    url[etype == DEMO_REQUEST] = pick_paths(rng, "demo", (etype == DEMO_REQUEST).sum())
    camp = np.full(lead.size, -1, dtype=np.int64)
    click = etype == EMAIL_CLICK
    camp[click] = email_campaigns(rng, s, m.trial, m.webinar, lead[click], ts[click])
    burst_end = np.full(idx.size, -1, dtype=np.int64)
    np.maximum.at(burst_end, np.searchsorted(idx, lead), ts)
    return event_frame(lead, etype, ts, url, camp), burst_end


def event_counts(rng: np.random.Generator, s: LeadState, mean_background: float) -> np.ndarray:
    """Background events per lead: ``mean_background`` on average, more with more appetite for
    content."""
    mult = rng.gamma(1.2, 1 / 1.2, s.num.size) * np.exp(0.35 * np.clip(s.activity, -3, 3))
    mult /= mult.mean()
    return rng.poisson(np.maximum(mean_background, 0) * mult)


def finish_events(
    rng: np.random.Generator, ev: Frame, s: LeadState, first_id: int, end: int, dirt: bool
) -> Frame:
    """Sort a chunk's events, number them and, with ``dirt``, make some dirty; returns the rows
    to write."""
    order = np.lexsort((ev.cols["ts"], ev.cols["lead"]))
    ev = ev.take(order)
    k = len(ev)
    ev.cols["lead"] = s.num[ev.cols["lead"]]
    ev.cols["id"] = first_id + np.arange(k, dtype=np.int64)
    flags = {name: np.zeros(k, dtype=bool) for name in ("ts_null", "blank_url", "blank_camp")}
    ev.cols.update(flags)
    ev.cols["type_var"] = np.zeros(k, dtype=np.int8)
    if not dirt or k == 0:
        return ev
    return dirty_events(rng, ev, first_id, end)
