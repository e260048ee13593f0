"""Which campaign each demo event that carries one belongs to.

A campaign reaches its own audience, so the MQLs it touches differ in quality the way real
campaigns do, and rpt_campaign_attribution shows it:

- trial-onboarding mails the leads that started a trial, abm-enterprise the people at
  mid-market and enterprise accounts we can sell to: sales accepts most of the leads they
  reach. An onboarding or follow-up mail goes out only after the trial or registration it
  follows up, so trial-onboarding seldom touches a lead before its MQL (the trial has usually
  made it one);
- nurture-1 to nurture-3 mail the leads with little buying intent, and content-syndication
  brings in leads by a download (they go on reading, not buying): most of their MQLs come back
  recycled as too cold;
- the newsletter and the product update reach everyone, event-followup the webinar
  registrants, webinar-invite the leads with an appetite for content;
- the scoring masterclass draws buyers, the RevOps live session readers.
"""

from __future__ import annotations

import numpy as np

from lead_scoring.demo_data.leads import LeadState
from lead_scoring.demo_data.sampling import sigmoid, weighted_choice
from lead_scoring.demo_data.vocabulary import (
    ABM_ENTERPRISE,
    CAMPAIGNS,
    CONTENT_SYNDICATION,
    EVENT_FOLLOWUP,
    NEWSLETTER,
    NURTURE_1,
    NURTURE_2,
    NURTURE_3,
    PRODUCT_UPDATE,
    TRIAL_ONBOARDING,
    WEBINAR_INVITE,
    WEBINAR_MASTERCLASS,
    WEBINAR_REVOPS_LIVE,
)


def email_campaigns(
    rng: np.random.Generator,
    s: LeadState,
    trial_at: np.ndarray,
    webinar_at: np.ndarray,
    lead: np.ndarray,
    sent: np.ndarray,
) -> np.ndarray:
    """The campaign of each e-mail sent to ``lead`` (indexes into the chunk's leads) at
    ``sent``, given when each lead started a trial and registered for a webinar (-1: never): an
    onboarding or a follow-up mail goes out only after what it follows up."""
    trial = (trial_at[lead] >= 0) & (trial_at[lead] <= sent)
    webinar = (webinar_at[lead] >= 0) & (webinar_at[lead] <= sent)
    keen = s.intent[lead] > 0
    sellable_account = (s.size_bucket[lead] >= 2) & ~s.bad_fit[lead]
    w = np.zeros((lead.size, len(CAMPAIGNS)))
    w[:, NEWSLETTER] = 3.0
    w[:, PRODUCT_UPDATE] = 2.0
    w[:, EVENT_FOLLOWUP] = 3.0 * webinar
    w[:, WEBINAR_INVITE] = np.where(s.activity[lead] > 0, 2.0, 1.0)
    for nurture in (NURTURE_1, NURTURE_2, NURTURE_3):
        w[:, nurture] = np.where(keen, 0.05, 3.0)
    w[:, TRIAL_ONBOARDING] = 8.0 * trial
    w[:, ABM_ENTERPRISE] = 5.0 * sellable_account
    return weighted_choice(rng, w)


def webinar_campaigns(rng: np.random.Generator, s: LeadState) -> np.ndarray:
    """The webinar each lead of the chunk would register for: buyers pick the masterclass,
    readers the live session."""
    masterclass = rng.random(s.num.size) < sigmoid(2.0 * s.intent - 1.2 * s.activity)
    return np.where(masterclass, WEBINAR_MASTERCLASS, WEBINAR_REVOPS_LIVE)


def syndicated_download_campaigns(s: LeadState) -> np.ndarray:
    """The campaign of the download that brought each lead in: content-syndication for the
    leads it brought, none for the others."""
    return np.where(s.syndication_source, CONTENT_SYNDICATION, -1)
