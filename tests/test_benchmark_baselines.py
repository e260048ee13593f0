"""Tests of the benchmark baselines (benchmark_floor_query.py, benchmark_pandas_baseline.py and
their command line, benchmark_baselines.py): the DuckDB floor and the pandas baseline agree with
each other on generated data, and with scores computed by hand on a tiny raw folder."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from lead_scoring import benchmark_baselines
from lead_scoring.benchmark_floor_query import floor_scores_sql, run_floor
from lead_scoring.benchmark_pandas_baseline import like_to_regex, pandas_scores, url_matches
from lead_scoring.demo_data.generator import generate

PROJECT_DIR = Path(__file__).resolve().parents[1]
SEEDS_DIR = PROJECT_DIR / "seeds"
TOLERANCE = 1e-9
SCORES = ["fit_score", "engagement_score", "total_score"]


IMPLEMENTATIONS = {"floor": run_floor, "pandas": pandas_scores}


def scores_by_lead(which: str, raw_dir: Path, seeds_dir: Path, as_of: datetime) -> pd.DataFrame:
    """One implementation's output, checked for shape and types, indexed by lead_id."""
    scores = IMPLEMENTATIONS[which](raw_dir, seeds_dir, as_of)
    assert list(scores.columns) == ["lead_id", "fit_score", "engagement_score", "total_score"]
    assert scores["lead_id"].is_unique
    for column in SCORES:
        assert scores[column].dtype == "float64", column
    return scores.set_index("lead_id").sort_index()


# ---------------------------------------------------------------------------------------------
# Generated data: floor and pandas agree lead by lead
# ---------------------------------------------------------------------------------------------

GENERATED_AS_OF = datetime(2026, 9, 15, 12, 0, 0)  # after the 2026-09-01 email_open switch-off


@pytest.fixture(scope="module", params=[False, True], ids=["clean", "dirty"])
def generated_raw(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("raw")
    generate(
        out_dir=folder,
        leads=300,
        events_per_lead=15.0,
        seed=11,
        end_date=date(2026, 10, 31),
        days=540,
        fmt="parquet",
        dirt=request.param,
    )
    return folder


def test_floor_and_pandas_agree_on_generated_data(generated_raw: Path) -> None:
    floor = scores_by_lead("floor", generated_raw, SEEDS_DIR, GENERATED_AS_OF)
    pandas = scores_by_lead("pandas", generated_raw, SEEDS_DIR, GENERATED_AS_OF)
    assert floor.index.equals(pandas.index)
    created = pd.read_parquet(generated_raw / "leads.parquet", columns=["lead_id", "created_at"])
    expected_leads = created.loc[created["created_at"] <= GENERATED_AS_OF, "lead_id"].str.strip()
    assert set(floor.index) == set(expected_leads)
    for column in SCORES:
        pd.testing.assert_series_equal(
            floor[column], pandas[column], rtol=TOLERANCE, atol=TOLERANCE, check_exact=False
        )
    assert (floor["engagement_score"] != 0).mean() > 0.5  # the comparison is not vacuous
    assert floor["fit_score"].nunique() > 5


def test_floor_sql_reads_rule_values_as_data(generated_raw: Path) -> None:
    sql = floor_scores_sql(generated_raw, SEEDS_DIR, GENERATED_AS_OF)
    assert "engagement_rules.csv" in sql and "fit_rules.csv" in sql
    for rule_value in ("director", "pricing", "gmail.com", "referral", "4999"):
        assert rule_value not in sql.lower()
    con = duckdb.connect()
    try:
        via_connection = run_floor(generated_raw, SEEDS_DIR, GENERATED_AS_OF, con=con)
        assert len(via_connection) == len(con.sql(sql).fetchall())
    finally:
        con.close()


def test_cli_prints_rows_and_seconds(
    generated_raw: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--raw-dir", str(generated_raw), "--as-of", "2026-09-15 12:00:00", "--which", "floor"]
    assert benchmark_baselines.main(argv) == 0
    rows = len(run_floor(generated_raw, SEEDS_DIR, GENERATED_AS_OF))
    assert capsys.readouterr().out.startswith(f"floor: {rows} rows in ")


# ---------------------------------------------------------------------------------------------
# A tiny raw folder with scores computed by hand
# ---------------------------------------------------------------------------------------------

AS_OF = datetime(2026, 3, 1, 0, 0, 0)

ENGAGEMENT_RULES = """\
rule_id,event_type,url_pattern,points,max_points,half_life_days,promotes_to,valid_from,description
view,page_view,,2,,10,,2020-01-01,decays with a 10-day half-life
pricing,page_view,%/PRICING%,5,8,,,2020-01-01,url pattern and a clip at 8
click,email_click,,3,,,,2020-01-01,first version
click,email_click,,7,,,,2026-02-12,version in force at as_of
click,email_click,,100,,,,2026-06-01,version after as_of
unsubscribe,unsubscribe,,-20,15,,,2020-01-01,negative and clipped at -15
webinar,webinar_attended,,12,,,,2026-04-01,rule not in force yet
"""

FIT_RULES = """\
rule_id,attribute,operator,value,points,is_disqualifying,valid_from,description
mid_size,employee_count,between,200 | 4999,15,false,2020-01-01,inclusive bounds
target_industry,industry,in,Software | healthcare,10,false,2020-01-01,list of text
free_mail,email_domain,in,gmail.com | yahoo.com,-10,false,2020-01-01,domain of the email
no_account,account_id,is_null,,-5,false,2020-01-01,null attribute
not_us,country,not_equals,us,1,false,2020-01-01,a null country does not match
director,job_title,contains,director,6,false,2020-01-01,first version
director,job_title,contains,director,9,false,2026-02-15,version in force at as_of
"""


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def write_tiny_raw(folder: Path) -> None:
    """Leads, accounts and events covering dedup, as_of, decay, clip, versions and patterns."""
    leads = pd.DataFrame(
        [
            # lead_id, email, created_at, job_title, country, lead_source, account_id
            ("L1", "Ann@Acme.example", ts("2026-01-01"), "Director of X", "us ", "web", "A1"),
            ("L1", "ann@acme.example", ts("2026-01-02"), "Student", "US", "web", "A1"),
            ("L2", " bob@GMAIL.com ", ts("2026-01-05"), None, None, "", None),
            ("L3", "late@acme.example", ts("2026-03-05"), "Director", "US", "web", "A1"),
            ("L4", "dee@shop.example", ts("2026-02-01"), "", "de", "web", " A2 "),
        ],
        columns=[
            "lead_id",
            "email",
            "created_at",
            "job_title",
            "country",
            "lead_source",
            "account_id",
        ],
    )
    accounts = pd.DataFrame(
        [
            ("A1", "Acme", "acme.example", " SOFTWARE ", 200, 5e6, "US"),
            ("A2", "Shop", "shop.example", "Retail", 5000, 1e9, "DE"),
        ],
        columns=[
            "account_id",
            "account_name",
            "domain",
            "industry",
            "employee_count",
            "annual_revenue",
            "country",
        ],
    ).astype({"employee_count": "int32"})
    events = pd.DataFrame(
        [
            # event_id, lead_id, event_type, occurred_at, url
            ("E3", "L1", "page_view", ts("2026-02-25"), "https://x.example/blog"),  # dup of E1
            ("E1", "L1", "page_view", ts("2026-02-19"), "https://x.example/Pricing/plans"),
            ("E2", "L1", "page_view", ts("2026-02-09"), "https://x.example/pricing"),
            ("E4", "L1", "page_view", ts("2026-03-01 00:00:01"), "https://x.example/pricing"),
            ("E5", "L1", "email_click", ts("2025-12-01"), None),  # before created_at
            ("E6", "L99", "email_click", ts("2026-02-01"), None),  # unknown lead
            ("E7", "L1", "EMAIL_CLICK ", ts("2026-02-20"), None),
            ("E8", "L1", "page_view", ts("2026-03-01"), None),  # exactly at as_of
            ("E9", "L1", "webinar_attended", ts("2026-02-20"), None),
            ("E10", "L2", "unsubscribe", ts("2026-02-01"), None),
            ("E11", "L2", "page_view", ts("2016-03-01"), "https://x.example/"),  # 10 years old
            ("E12", "L2", "page_view", None, "https://x.example/"),  # no timestamp
            ("E13", "L3", "email_click", ts("2026-02-01"), None),  # lead created after as_of
            ("E14", "L4", "chat_started", ts("2026-02-01"), None),  # unknown event type
        ],
        columns=["event_id", "lead_id", "event_type", "occurred_at", "url"],
    )
    events["event_id"] = events["event_id"].replace({"E3": "E1"})
    events["campaign"] = None
    folder.mkdir(parents=True, exist_ok=True)
    leads.to_parquet(folder / "leads.parquet", index=False)
    accounts.to_parquet(folder / "accounts.parquet", index=False)
    events.to_parquet(folder / "events.parquet", index=False)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(raw folder, seeds folder) of the hand-made case."""
    base = tmp_path_factory.mktemp("tiny")
    write_tiny_raw(base / "raw")
    seeds = base / "seeds"
    seeds.mkdir()
    (seeds / "engagement_rules.csv").write_text(ENGAGEMENT_RULES)
    (seeds / "fit_rules.csv").write_text(FIT_RULES)
    return base / "raw", seeds


def days(start: str, end: datetime = AS_OF) -> float:
    return (end - datetime.fromisoformat(start)).total_seconds() / 86_400


def expected_tiny_scores() -> dict[str, tuple[float, float]]:
    """(fit, engagement) per lead, by hand."""
    # L1. view (2 points, half-life 10 days): E1 at 10 days, E2 at 20 days, E8 at age 0; the
    # later copy of E1 (E3, a blog view) is dropped, E4 is after as_of.
    view = 2 * 0.5 ** (10 / 10) + 2 * 0.5 ** (20 / 10) + 2 * 0.5**0
    # pricing (5 points, no decay, clip 8): E1 and E2 match '%/PRICING%' -> 10, clipped to 8.
    pricing = min(5 + 5, 8)
    # click: version 2 (7 points) scores E5 (before created_at) and E7 (mixed case type).
    click = 7 + 7
    # webinar is not in force yet: 0.
    l1_engagement = view + pricing + click
    # between 200|4999 (200 matches) + industry in list + director version 2; country US.
    l1_fit = 15 + 10 + 9
    # L2: unsubscribe -20 clipped to -15; a 10-year-old view decays to almost nothing.
    l2_engagement = -15 + 2 * 0.5 ** (days("2016-03-01") / 10)
    # free mail (gmail.com after trim and lower) -10, no account -5; null country no match.
    l2_fit = -10 - 5
    # L4: 5000 employees is outside 200|4999, retail is not a target, 'de' is not 'us' (+1).
    return {"L1": (l1_fit, l1_engagement), "L2": (l2_fit, l2_engagement), "L4": (1.0, 0.0)}


@pytest.mark.parametrize("which", ["floor", "pandas"])
def test_tiny_case_matches_hand_computed_scores(which: str, tiny: tuple[Path, Path]) -> None:
    raw, seeds = tiny
    scores = scores_by_lead(which, raw, seeds, AS_OF)
    expected = expected_tiny_scores()
    assert list(scores.index) == sorted(expected)  # L3 is created after as_of
    for lead_id, (fit, engagement) in expected.items():
        row = scores.loc[lead_id]
        assert row["fit_score"] == pytest.approx(fit, rel=TOLERANCE, abs=TOLERANCE), lead_id
        assert row["engagement_score"] == pytest.approx(engagement, rel=TOLERANCE, abs=TOLERANCE), (
            lead_id
        )
        assert row["total_score"] == pytest.approx(
            fit + engagement, rel=TOLERANCE, abs=TOLERANCE
        ), lead_id


@pytest.mark.parametrize("which", ["floor", "pandas"])
def test_tiny_case_before_the_version_switches(which: str, tiny: tuple[Path, Path]) -> None:
    """On 2026-02-10 the first click and director versions are in force."""
    raw, seeds = tiny
    as_of = datetime(2026, 2, 10)
    scores = scores_by_lead(which, raw, seeds, as_of)
    assert list(scores.index) == ["L1", "L2", "L4"]
    l1 = scores.loc["L1"]
    # E2 (2026-02-09) is the only page view so far; only E5 is a click by then (version 1).
    view = 2 * 0.5 ** (days("2026-02-09", as_of) / 10)
    assert l1["engagement_score"] == pytest.approx(view + 5 + 3, rel=TOLERANCE)
    assert l1["fit_score"] == pytest.approx(15 + 10 + 6, rel=TOLERANCE)


def test_like_to_regex_treats_only_percent_and_underscore_as_wildcards() -> None:
    regex = like_to_regex("%/a_c.(x)%")
    urls = pd.Series(["https://h/abc.(x)/d", "https://h/abcX(x)", "https://h/ac.(x)", None])
    assert list(url_matches(urls, "%/A_C.(X)%")) == [True, False, False, False]
    assert regex.startswith(".*/a.c")
