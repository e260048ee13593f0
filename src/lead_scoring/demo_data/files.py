"""Writing the demo data: the raw tables in a temporary DuckDB database, then one file each.

The generators hand on integer codes; the SQL here turns them into the text of the raw tables
(names, e-mails, urls, the dirt variants of dirt.py) as each chunk is inserted. At the end every
table is copied to ``<table>.parquet`` or ``<table>.csv`` in insertion order.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import numpy as np

from lead_scoring.demo_data.frame import Frame
from lead_scoring.demo_data.vocabulary import (
    ACCOUNT_ADJ,
    ACCOUNT_KIND,
    ACCOUNT_NOUN,
    CAMPAIGNS,
    COMPETITORS,
    COUNTRIES,
    EVENT_TYPES,
    FIRST_NAMES,
    FREE_MAIL,
    INDUSTRIES,
    JOB_TITLES,
    LAST_NAMES,
    LEAD_SOURCES,
    OTHER_DOMAIN_WORDS,
    PATH_LIST,
    REASONS,
    SITE,
    STATUSES,
)

TABLES = ("leads", "accounts", "events", "sales_dispositions", "opportunities")

DDL = """
create macro ts(s) as make_timestamp(s * 1000000);
create macro dirty(s, v) as case v
    when 1 then upper(s) when 2 then ' ' || s when 3 then s || ' '
    when 4 then upper(s) || ' ' when 5 then upper(left(s, 1)) || substr(s, 2)
    when 6 then lower(s) else s end;
create table accounts (ord bigint, account_id varchar, account_name varchar, domain varchar,
    industry varchar, employee_count integer, annual_revenue double, country varchar);
create table leads (ord bigint, lead_id varchar, email varchar, created_at timestamp,
    job_title varchar, country varchar, lead_source varchar, account_id varchar);
create table events (ord bigint, event_id varchar, lead_id varchar, event_type varchar,
    occurred_at timestamp, url varchar, campaign varchar);
create table sales_dispositions (ord bigint, disposition_id varchar, lead_id varchar,
    status varchar, reason varchar, decided_at timestamp);
create table opportunities (ord bigint, opportunity_id varchar, lead_id varchar,
    created_at timestamp, amount double, is_won boolean, closed_at timestamp);
"""

ACCOUNTS_SQL = """
insert into accounts select
    ord,
    printf('A%07d', num),
    $adj[adj + 1] || ' ' || $noun[noun + 1] || ' ' || $kind[kind + 1]
        || case when round > 0 then ' ' || (round + 1) else '' end,
    lower($adj[adj + 1] || $noun[noun + 1] || $kind[kind + 1])
        || case when round > 0 then (round + 1)::varchar else '' end || '.example',
    case when not industry_null then dirty($industry[industry + 1], industry_var) end,
    case when not employees_null then employees end,
    case when not employees_null then revenue end,
    dirty($country[country + 1], country_var)
from chunk
"""

LEADS_SQL = """
insert into leads select
    c.ord,
    printf('L%08d', c.num),
    dirty(
        case c.local_style
            when 0 then $first[c.first + 1] || '.' || $last[c.last + 1]
            when 1 then left($first[c.first + 1], 1) || $last[c.last + 1]
            when 2 then $first[c.first + 1]
            else $first[c.first + 1] || '.' || $last[c.last + 1] || c.local_digits
        end || '@' || case c.mail_kind
            when 0 then a.domain
            when 1 then $free[c.domain_code + 1]
            when 2 then $competitor[c.domain_code + 1]
            else $other[c.domain_code % 8 + 1] || c.domain_code || '.example'
        end,
        c.email_var),
    ts(c.created),
    $title[c.title + 1],
    dirty($country[c.country + 1], c.country_var),
    dirty($source[c.source + 1], c.source_var),
    case
        when c.orphan_acc then 'A9' || printf('%06d', c.num % 1000000)
        when c.acc >= 0 then a.account_id
        when c.blank_acc then ''
    end
from chunk c left join accounts a on a.ord = c.acc
"""

EVENTS_SQL = """
insert into events select
    ord,
    printf('E%010d', id),
    printf('L%08d', lead),
    dirty($etype[etype + 1], type_var),
    case when not ts_null then ts(ts) end,
    case when url >= 0 then $site || $path[url + 1] when blank_url then '' end,
    case
        when camp >= 0 and $camp_monthly[camp + 1]
            then strftime(ts(ts), '%Y-%m') || '-' || $camp[camp + 1]
        when camp >= 0 then $camp[camp + 1]
        when blank_camp then ''
    end
from chunk
"""

DISPOSITIONS_SQL = """
insert into sales_dispositions select
    ord,
    printf('D%08d', id),
    printf('L%08d', lead),
    dirty($status[status + 1], status_var),
    $reason[reason + 1],
    ts(ts)
from chunk
"""

OPPORTUNITIES_SQL = """
insert into opportunities select
    ord,
    printf('O%07d', id),
    printf('L%08d', lead),
    ts(ts),
    amount,
    case when not is_open then won end,
    case when not is_open then ts(closed) end
from chunk
"""

# The vocabularies the SQL reads as ``$name`` parameters, by name.
VOCABULARIES: dict[str, object] = {
    "adj": ACCOUNT_ADJ, "noun": ACCOUNT_NOUN, "kind": ACCOUNT_KIND,
    "industry": [i[0] for i in INDUSTRIES], "country": [c[0] for c in COUNTRIES],
    "first": FIRST_NAMES, "last": LAST_NAMES, "free": FREE_MAIL, "competitor": COMPETITORS,
    "other": OTHER_DOMAIN_WORDS, "title": [t[0] for t in JOB_TITLES],
    "source": [s[0] for s in LEAD_SOURCES], "etype": EVENT_TYPES, "site": SITE,
    "path": PATH_LIST, "camp": [c[0] for c in CAMPAIGNS],
    "camp_monthly": [c[1] for c in CAMPAIGNS], "status": STATUSES, "reason": REASONS,
}  # fmt: skip


class Sink:
    """Accumulates table chunks in a temporary DuckDB database, in insertion order."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.rows = dict.fromkeys(TABLES, 0)
        self.next_id = {"events": 1, "sales_dispositions": 1, "opportunities": 1}

    def insert(self, table: str, sql: str, frame: Frame) -> None:
        n = len(frame)
        if n == 0:
            return
        cols = dict(frame.cols)
        cols["ord"] = self.rows[table] + np.arange(n, dtype=np.int64)
        if "id" in cols and table in self.next_id:
            self.next_id[table] = int(cols["id"].max()) + 1
        self.con.register("chunk", cols)
        try:
            used = {k: v for k, v in VOCABULARIES.items() if f"${k}" in sql}
            self.con.execute(sql, used)
        finally:
            self.con.unregister("chunk")
        self.rows[table] += n


def export(con: duckdb.DuckDBPyConnection, tmp_dir: Path, out_dir: Path, fmt: str) -> None:
    """Write every table to a file in ``tmp_dir``, then move the files into ``out_dir`` (so a
    reader never sees a half-written file)."""
    for table in TABLES:
        cols = [c[0] for c in con.execute(f"describe {table}").fetchall() if c[0] != "ord"]
        staged = tmp_dir / f"{table}.{fmt}"
        options = "format parquet, compression zstd" if fmt == "parquet" else "format csv, header"
        # The sort makes row order and row-group boundaries independent of thread timing.
        query = f"select {', '.join(cols)} from {table} order by ord"
        con.execute(f"copy ({query}) to '{staged.as_posix()}' ({options})")
    for table in TABLES:
        os.replace(tmp_dir / f"{table}.{fmt}", out_dir / f"{table}.{fmt}")
