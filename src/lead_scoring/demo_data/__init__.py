"""Realistic, deliberately dirty demo data: the spec's five raw tables (§2), at any size.

The data models a B2B funnel. Every lead has a fit (job title seniority, company size,
industry, e-mail domain, account match, lead source), a buying intent and an appetite for
content. The leads of an account are a buying group of mixed seniority that shares part of its
intent, so an account in the market shows several engaged leads at once. Intent drives the
events that signal buying (pricing-page views, form fills, trials, hand-raises, demo and quote
requests), appetite for content the volume of browsing, e-mail, webinars and downloads. Events
cluster around an engagement peak after ``created_at``; some anonymous page views come a few
days before it. Sales looks at the engaged leads and accepts, recycles (some recycled leads
re-engage later) or disqualifies them, with the reasons a sales team writes; about half of the
accepted leads get an opportunity, a few opportunities are sales-sourced, and about 30% of the
closed ones are won. Campaigns reach their own audiences, so some bring MQLs that sales accepts
and others MQLs that it recycles. Who converts follows a ground truth (propensity.py) that
disagrees with the default rules' points on purpose, so that calibration (spec §8) finds rules
worth more than their points, less, or nothing. Unless dirt is off, a small share of rows is
dirty in the ways the staging layer must handle (dirt.py).

Output is deterministic: the same arguments give byte-identical files. All timestamps are naive
UTC and lie at or before the end of the end date, except the deliberately future-dated events.

One module per part, in the order the generator uses them:

- vocabulary.py: the values drawn (countries, job titles, event types, site paths...);
- frame.py and sampling.py: a chunk's column arrays and the numeric helpers all parts share;
- propensity.py: the ground truth of who converts;
- accounts.py, leads.py, events.py, sales.py: the accounts, leads, events, and the
  dispositions and opportunities;
- campaigns.py: which campaign each e-mail, webinar and syndicated download belongs to;
- reasons.py: the reason of each of sales' decisions;
- dirt.py: every way the data is made dirty;
- files.py: the temporary DuckDB database the chunks go to, and the files written from it;
- generator.py: ``generate()``, the entry point, chunk by chunk.

``python -m lead_scoring.generate_demo_data`` is its command line.
"""
