"""The dashboard: a Streamlit app over the published warehouse's marts (`lead-scoring dashboard`).

- app.py: the app's entry script (Streamlit runs it): the page list and navigation;
- warehouse.py: the one data-access module: a fresh read-only connection per page load;
- page_frame.py: what every page shares: the build it shows, and a clear message instead of a
  traceback when there is no warehouse, no such mart, or nothing in it;
- one module per page: overview, funnel, conversion, handoff, lead, rules, accounts, quality;
- pages.py: the pages in the navigation's order;
- command.py: the `lead-scoring dashboard` subcommand, which starts Streamlit on app.py;
- benchmark.py: how long each page takes to render over a given warehouse.
"""
