"""The same project on DuckDB, PostgreSQL and Spark gives the same marts (issue 6).

One generated demo dataset (300 leads with their dirt, fixed seed and end date) is built with
one `dbt build` (seeds, models, data tests and unit tests) and the same as_of on three engines:

- DuckDB, reading the raw Parquet files (the default target);
- PostgreSQL, a throwaway server on loopback started by scripts/start_postgres.sh from the
  Debian packages, with the raw tables loaded by `python -m lead_scoring.load_raw_tables`;
- Spark, an in-process session (dbt-spark `method: session`), raw tables loaded the same way.

Every table of the schema `marts` on PostgreSQL and Spark is compared row by row with DuckDB's:
the same columns and rows, text, integers, booleans, dates and timestamps equal, doubles within
1e-9 relative (1e-9 absolute below 1). try_cast, the one place where the engines parse text
themselves, is also compared on a corpus of clean and dirty values.

An engine whose packages are missing (dbt-postgres and the postgresql server; dbt-spark, pyspark
and Java) is skipped, unless LEAD_SCORING_REQUIRE_ENGINES is set (as in CI): then it fails.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dbt_harness import copy_project, read_table, run_dbt_on_target

from lead_scoring.demo_data.generator import generate

pytestmark = [pytest.mark.slow, pytest.mark.engines]

PROJECT_DIR = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-01 12:00:00"
VARIABLES = {"as_of": AS_OF}
DEMO = {
    "leads": 300,
    "events_per_lead": 15.0,
    "seed": 7,
    "end_date": date(2026, 10, 31),
    "days": 540,
    "fmt": "parquet",
    "dirt": True,
}
REQUIRE_ENGINES = bool(os.environ.get("LEAD_SCORING_REQUIRE_ENGINES"))
BUILD_TIMEOUT = 900
# With adaptive query execution on, Spark 4.3 now and then serializes a task it cannot read back
# ("java.lang.ClassCastException: cannot assign instance of scala.collection.generic.
# DefaultSerializationProxy to field ... UnionExec.children"), which made the whole Spark build
# run again. profiles.yml turns it off (LEAD_SCORING_SPARK_ADAPTIVE;
# docs/decisions/0014-spark-adaptive-off.md). Should it still happen, a build that
# fails with it is run once more (and says so); any other failure, or the same one twice, fails.
SPARK_DESERIALIZATION_RACE = "ClassCastException: cannot assign instance of scala.collection"
RELATIVE_TOLERANCE = 1e-9
BUILD_SECONDS: dict[str, float] = {}

# Values try_cast must read as DuckDB does (trimmed text, as staging passes it), and the
# (value, column) pairs documented as DuckDB-only in macros/cross_db/try_cast_text_patterns.sql.
TRY_CAST_CORPUS = [
    "12", "-12", "+12", "12.5", "-2.5", "2.5", "0.5", "1e3", "1.5e3", "-1.5E-3", ".5", "5.",
    "+.5", "0012", "-0", "99999999999", "2147483647", "2147483648", "9223372036854775807",
    "9223372036854775808", "1e400", "-1e400", "1e-400", "4.9e-324", "1.7976931348623157e308",
    "inf", "-Infinity", "NaN", "12d", "1,5", "abc", "1e", "e1", "- 1", "--1", "",
    "true", "FALSE", "t", "f", "yes", "No", "y", "n", "1", "0", "on", "2", "tru",
    "2026-10-01", "2026-10-01 10:00", "2026-10-01 10:00:00", "2026-10-01T10:00:00",
    "2026-10-01T 10:00:00", "2026-10-01 10:00:00.123456", "2026-10-01 10:00:00.1234567",
    "2026-10-01 10:00:00.12", "2026-10-01 10:00:00.", "2026-10-01 10:00:00Z",
    "2026-10-01 10:00:00 UTC", "2026-10-01 10:00:00+02", "2026-10-01 10:00:00-05:30",
    "2026-10-01 10:00:00 +0200", "2026-1-5", "2026-1-5 1:2:3", "2026-02-29", "2024-02-29",
    "2026-02-30", "2026-04-31", "2026-13-01", "2026-00-10", "2026-10-00", "2026-10-01 24:00:00",
    "2026-10-01 24:00:01", "2026-10-01 25:00:00", "2026-10-01 23:59:60", "2026-10-01 10:60:00",
    "10/01/2026", "20261001", "2026-10-01 10", "2026-10-01 T10:00:00", "2026-10-01 10:00:00z",
    "1900-02-28", "9999-12-31 23:59:59.999999",
]  # fmt: skip
TRY_CAST_NOT_MIRRORED = {
    ("inf", "as_timestamp"), ("inf", "as_date"),
    ("-Infinity", "as_timestamp"), ("-Infinity", "as_date"),
}  # fmt: skip
TRY_CAST_SQL = """
select
    v,
    {{{{ try_cast('v', type_double()) }}}} as as_double,
    {{{{ try_cast('v', dbt.type_bigint()) }}}} as as_bigint,
    {{{{ try_cast('v', dbt.type_int()) }}}} as as_integer,
    {{{{ try_cast('v', dbt.type_boolean()) }}}} as as_boolean,
    {{{{ try_cast('v', dbt.type_timestamp()) }}}} as as_timestamp,
    {{{{ try_cast('v', 'date') }}}} as as_date
from (
    {rows}
) as corpus
"""


def try_cast_sql() -> str:
    rows = [f"select cast('{TRY_CAST_CORPUS[0]}' as {{{{ dbt.type_string() }}}}) as v"]
    rows += [f"select '{value}'" for value in TRY_CAST_CORPUS[1:]]
    return TRY_CAST_SQL.format(rows="\n    union all ".join(rows))


# ---------------------------------------------------------------------------------------------
# What each engine needs
# ---------------------------------------------------------------------------------------------


def postgres_bindir() -> Path | None:
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else -1,
    )
    for bindir in reversed(candidates):
        if (bindir / "initdb").is_file():
            return bindir
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def missing_for(engine: str) -> list[str]:
    """What is not installed for `engine`, each with its install command."""
    missing = []

    def need_module(module: str, what: str) -> None:
        if importlib.util.find_spec(module) is None:
            missing.append(what)

    if engine == "postgres":
        need_module(
            "dbt.adapters.postgres",
            "dbt-postgres (pip install -c constraints.txt -r requirements-postgres.txt)",
        )
        if postgres_bindir() is None:
            missing.append("the PostgreSQL server (apt-get install postgresql)")
    else:
        need_module(
            "dbt.adapters.spark",
            "dbt-spark (pip install -c constraints.txt -r requirements-spark.txt)",
        )
        need_module("pyspark", "pyspark (pip install -c constraints.txt -r requirements-spark.txt)")
        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            missing.append("Java 17 (apt-get install openjdk-17-jre-headless)")
    return missing


def require(engine: str) -> None:
    missing = missing_for(engine)
    if not missing:
        return
    message = f"{engine} is not installed: missing {'; '.join(missing)}"
    if REQUIRE_ENGINES:
        pytest.fail(f"{message} (LEAD_SCORING_REQUIRE_ENGINES is set)", pytrace=False)
    pytest.skip(message)


# ---------------------------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------------------------


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[Any, ...]]


@dataclass
class EngineRun:
    engine: str
    build: subprocess.CompletedProcess[str]
    build_seconds: float
    marts: dict[str, Table] = field(default_factory=dict)
    try_cast: list[dict[str, Any]] = field(default_factory=list)

    def failure_report(self) -> str:
        output = self.build.stdout + self.build.stderr
        lines = [line for line in output.splitlines() if "ERROR" in line or "FAIL" in line]
        return "\n".join([*lines[:40], "", *output.splitlines()[-60:]])


def run(command: list[str], env: dict[str, str], cwd: Path, timeout: float = 600) -> str:
    """Run a helper command; fail the test with its output when it does not exit 0."""
    completed = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        pytest.fail(
            f"{' '.join(command)} exited {completed.returncode}:\n"
            f"{completed.stdout[-4000:]}\n{completed.stderr[-4000:]}",
            pytrace=False,
        )
    return completed.stdout


def build(
    project: Path, engine: str, env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    completed = run_dbt_on_target(
        project, ["build"], engine, env=env, variables=VARIABLES, timeout=BUILD_TIMEOUT
    )
    seconds = time.monotonic() - started
    BUILD_SECONDS[engine] = seconds
    print(f"\n{engine}: dbt build on the demo data took {seconds:.1f}s")
    return completed, seconds


def show_try_cast(project: Path, engine: str, env: dict[str, str]) -> list[dict[str, Any]]:
    """The try_cast corpus through `dbt show` on `engine`, as rows of JSON values."""
    completed = run_dbt_on_target(
        project,
        ["--quiet", "show", "--inline", try_cast_sql(), "--limit", "-1", "--output", "json"],
        engine,
        env=env,
        timeout=BUILD_TIMEOUT,
    )
    output = completed.stdout
    start = output.find("{")
    if completed.returncode != 0 or start < 0:
        pytest.fail(f"dbt show on {engine} failed:\n{output[-4000:]}\n{completed.stderr[-4000:]}")
    return json.loads(output[start:])["show"]


def read_duckdb_marts(database: Path) -> dict[str, Table]:
    with duckdb.connect(str(database), read_only=True) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' and table_type = 'BASE TABLE'"
            ).fetchall()
        ]
    marts = {}
    for name in names:
        rows = read_table(database, f"marts.{name}", "all")
        columns = list(rows[0]) if rows else describe_duckdb(database, name)
        marts[name] = Table(columns, [tuple(row.values()) for row in rows])
    return marts


def describe_duckdb(database: Path, name: str) -> list[str]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return [row[0] for row in connection.execute(f"describe marts.{name}").fetchall()]


def read_postgres_marts(settings: dict[str, Any]) -> dict[str, Table]:
    import psycopg2

    marts = {}
    with psycopg2.connect(**settings) as connection, connection.cursor() as cursor:
        cursor.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' and table_type = 'BASE TABLE'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'select * from marts."{name}"')
            columns = [column[0] for column in cursor.description]
            marts[name] = Table(columns, [tuple(row) for row in cursor.fetchall()])
    connection.close()
    return marts


# Runs in a subprocess with TZ=UTC: a Spark session for reading the marts (pyspark turns
# timestamps into naive datetimes in the process's time zone).
SPARK_READER = """
import json, os, sys
from datetime import date, datetime
from lead_scoring.load_raw_tables import spark_session
project, out_path = sys.argv[1:3]
os.environ["LEAD_SCORING_PROJECT_DIR"] = project
session = spark_session()

def encode(value):
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value

marts = {}
for row in session.sql("show tables in marts").collect():
    if row.isTemporary:
        continue
    frame = session.table("marts.`" + row.tableName + "`")
    marts[row.tableName] = {
        "columns": frame.columns,
        "rows": [[encode(value) for value in record] for record in frame.collect()],
    }
with open(out_path, "w") as handle:
    json.dump(marts, handle)
session.stop()
"""


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "datetime" in value:
            return datetime.fromisoformat(value["datetime"])
        if "date" in value:
            return date.fromisoformat(value["date"])
    return value


def read_spark_marts(project: Path, env: dict[str, str], workdir: Path) -> dict[str, Table]:
    out = workdir / "spark_marts.json"
    run(
        [sys.executable, "-c", SPARK_READER, str(project), str(out)],
        {**env, "TZ": "UTC"},
        project,
    )
    data = json.loads(out.read_text())
    return {
        name: Table(table["columns"], [tuple(decode(v) for v in row) for row in table["rows"]])
        for name, table in data.items()
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("engines_raw")
    generate(out_dir=folder, **DEMO)
    return folder


@pytest.fixture(scope="module")
def duckdb_run(raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> EngineRun:
    workdir = tmp_path_factory.mktemp("engines_duckdb")
    project = copy_project(workdir / "project")
    database = workdir / "warehouse.duckdb"
    env = {"LEAD_SCORING_RAW_DIR": str(raw_dir), "LEAD_SCORING_DUCKDB_PATH": str(database)}
    completed, seconds = build(project, "duckdb", env)
    result = EngineRun("duckdb", completed, seconds)
    if completed.returncode == 0:
        result.marts = read_duckdb_marts(database)
        result.try_cast = show_try_cast(project, "duckdb", env)
    return result


def load_raw_tables(project: Path, raw_dir: Path, engine: str, env: dict[str, str]) -> None:
    """Loads the raw files into the engine's raw schema."""
    run(
        [sys.executable, "-m", "lead_scoring.load_raw_tables",
         "--raw-dir", str(raw_dir), "--target", engine],
        {**env, "LEAD_SCORING_PROJECT_DIR": str(project)},
        project,
    )  # fmt: skip


def load_and_build(
    project: Path, raw_dir: Path, engine: str, env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Loads the raw files into the engine's raw schema, then builds the project on it."""
    load_raw_tables(project, raw_dir, engine, env)
    return build(project, engine, env)


def run_postgres(raw_dir: Path, workdir: Path) -> EngineRun:
    project = copy_project(workdir / "project")
    # The server may run as the postgres user (as root): its folder must be reachable by it.
    server_dir = Path(tempfile.mkdtemp(prefix="lead-scoring-pg-"))
    server_dir.chmod(0o755)
    port = free_port()
    env = {
        "LEAD_SCORING_PG_HOST": "127.0.0.1",
        "LEAD_SCORING_PG_PORT": str(port),
        "LEAD_SCORING_PG_USER": "lead_scoring",
        "LEAD_SCORING_PG_DATABASE": "lead_scoring",
        "LEAD_SCORING_RAW_SCHEMA": "raw",
    }
    control = str(PROJECT_DIR / "scripts" / "start_postgres.sh")
    data_dir = str(server_dir / "data")
    try:
        run([control, "start", data_dir, str(port)], {}, project, timeout=120)
        completed, seconds = load_and_build(project, raw_dir, "postgres", env)
        result = EngineRun("postgres", completed, seconds)
        if completed.returncode == 0:
            result.marts = read_postgres_marts(
                {
                    "host": "127.0.0.1",
                    "port": port,
                    "user": "lead_scoring",
                    "dbname": "lead_scoring",
                }
            )
            result.try_cast = show_try_cast(project, "postgres", env)
            # the next export loads over a built warehouse, whose views read the raw tables
            load_raw_tables(project, raw_dir, "postgres", env)
        return result
    finally:
        subprocess.run([control, "stop", data_dir], capture_output=True, check=False, timeout=120)
        shutil.rmtree(server_dir, ignore_errors=True)


def run_spark(raw_dir: Path, workdir: Path) -> EngineRun:
    project = copy_project(workdir / "project")
    env = {
        # warehouse files and the Derby metastore, outside the project
        "LEAD_SCORING_SPARK_DIR": str(workdir / "spark"),
        "LEAD_SCORING_SPARK_SCHEMA": "lead_scoring",
        "LEAD_SCORING_RAW_SCHEMA": "raw",
    }
    completed, seconds = load_and_build(project, raw_dir, "spark", env)
    dbt_log = project / "logs" / "dbt.log"
    output = completed.stdout + completed.stderr
    if completed.returncode != 0 and (
        SPARK_DESERIALIZATION_RACE in output
        or (dbt_log.exists() and SPARK_DESERIALIZATION_RACE in dbt_log.read_text(errors="replace"))
    ):
        # from scratch: the failed build can leave a table in the metastore without its files,
        # which the next build's incremental models would then read
        print("\nspark: the build hit Spark's local-mode deserialization race; building again")
        shutil.rmtree(workdir / "spark", ignore_errors=True)
        completed, seconds = load_and_build(project, raw_dir, "spark", env)
    result = EngineRun("spark", completed, seconds)
    if completed.returncode == 0:
        result.marts = read_spark_marts(project, env, workdir)
        result.try_cast = show_try_cast(project, "spark", env)
    return result


RUNNERS: dict[str, Callable[[Path, Path], EngineRun]] = {
    "postgres": run_postgres,
    "spark": run_spark,
}


@pytest.fixture(scope="module", params=sorted(RUNNERS))
def engine_run(
    request: pytest.FixtureRequest, raw_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EngineRun]:
    engine = request.param
    require(engine)
    yield RUNNERS[engine](raw_dir, tmp_path_factory.mktemp(f"engines_{engine}"))


# ---------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------


def is_float(value: Any) -> bool:
    return isinstance(value, float)


def floats_close(left: float, right: float) -> bool:
    if math.isnan(left) or math.isnan(right):
        return math.isnan(left) and math.isnan(right)
    if math.isinf(left) or math.isinf(right):
        return left == right
    return abs(left - right) <= RELATIVE_TOLERANCE * max(1.0, abs(left), abs(right))


def exact_part(row: tuple[Any, ...], float_columns: set[int]) -> tuple[Any, ...]:
    """The row without its double columns: what must be equal."""
    return tuple(None if index in float_columns else value for index, value in enumerate(row))


def compare_table(name: str, expected: Table, actual: Table) -> list[str]:
    """Differences between DuckDB's rows and another engine's rows of one mart."""
    if expected.columns != actual.columns:
        return [f"{name}: columns differ: duckdb {expected.columns}, other {actual.columns}"]
    float_columns = {
        index
        for index in range(len(expected.columns))
        if any(is_float(row[index]) for row in expected.rows + actual.rows)
    }
    problems = []
    if len(expected.rows) != len(actual.rows):
        problems.append(f"{name}: {len(expected.rows)} rows on duckdb, {len(actual.rows)} here")
    groups: dict[tuple[Any, ...], list[list[tuple[Any, ...]]]] = {}
    for side, rows in enumerate((expected.rows, actual.rows)):
        for row in rows:
            groups.setdefault(exact_part(row, float_columns), [[], []])[side].append(row)
    for left_rows, right_rows in groups.values():
        if len(left_rows) != len(right_rows):
            shown = dict(zip(expected.columns, (left_rows or right_rows)[0], strict=True))
            problems.append(
                f"{name}: {len(left_rows)} row(s) on duckdb, {len(right_rows)} here, of {shown}"
            )
            continue

        def float_key(row: tuple[Any, ...]) -> tuple[float, ...]:
            return tuple(-math.inf if row[i] is None else row[i] for i in sorted(float_columns))

        for left, right in zip(
            sorted(left_rows, key=float_key), sorted(right_rows, key=float_key), strict=True
        ):
            for index in sorted(float_columns):
                a, b = left[index], right[index]
                if (a is None) != (b is None) or (a is not None and not floats_close(a, b)):
                    problems.append(
                        f"{name}.{expected.columns[index]}: duckdb {a!r}, here {b!r} in row "
                        f"{dict(zip(expected.columns, left, strict=True))}"
                    )
    return problems


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def normalise_json(value: Any) -> Any:
    """dbt show's JSON value, with timestamps and dates (ISO text) parsed."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------


def builds_passed(engine_run: EngineRun, duckdb_run: EngineRun) -> None:
    if duckdb_run.build.returncode != 0:
        pytest.fail(f"the duckdb build failed:\n{duckdb_run.failure_report()}", pytrace=False)
    if engine_run.build.returncode != 0:
        pytest.fail(f"the {engine_run.engine} build failed (see test_build_passes)", pytrace=False)


def test_build_passes(engine_run: EngineRun) -> None:
    """Seeds, every model and every data and unit test pass on the engine."""
    assert engine_run.build.returncode == 0, engine_run.failure_report()


def test_marts_match_duckdb(engine_run: EngineRun, duckdb_run: EngineRun) -> None:
    builds_passed(engine_run, duckdb_run)
    expected, actual = duckdb_run.marts, engine_run.marts
    assert sorted(actual) == sorted(expected), "the engines built different sets of marts"
    problems = []
    for name in sorted(expected):
        problems += compare_table(name, expected[name], actual[name])
    compared = Counter({name: len(table.rows) for name, table in expected.items()})
    assert not problems, (
        f"{engine_run.engine} marts differ from duckdb's in {len(problems)} place(s):\n"
        + "\n".join(problems[:50])
    )
    assert sum(compared.values()) > 1000, compared  # the demo data is not trivially empty


def test_try_cast_matches_duckdb(engine_run: EngineRun, duckdb_run: EngineRun) -> None:
    """The engine's try_cast reads the corpus of clean and dirty text as DuckDB's does."""
    builds_passed(engine_run, duckdb_run)
    expected = {row["v"]: row for row in duckdb_run.try_cast}
    actual = {row["v"]: row for row in engine_run.try_cast}
    assert sorted(actual) == sorted(expected) == sorted(TRY_CAST_CORPUS)
    problems = []
    for value in TRY_CAST_CORPUS:
        for column, want in expected[value].items():
            if column == "v" or (value, column) in TRY_CAST_NOT_MIRRORED:
                continue
            want, got = normalise_json(want), normalise_json(actual[value][column])
            if is_number(want) and is_number(got):
                same = floats_close(float(want), float(got))
            else:
                same = want == got and type(want) is type(got)
            if not same:
                problems.append(f"try_cast({value!r}) {column}: duckdb {want!r}, here {got!r}")
    assert not problems, "\n".join(problems)


def test_unit_test_names_fit_postgres_identifiers() -> None:
    """dbt-postgres names a relation after each unit test: PostgreSQL allows 63 characters."""
    import yaml

    too_long = []
    for path in sorted((PROJECT_DIR / "models").rglob("*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        for unit_test in document.get("unit_tests") or []:
            if len(unit_test["name"]) > 63:
                relative = path.relative_to(PROJECT_DIR)
                too_long.append(f"{relative}: {unit_test['name']} ({len(unit_test['name'])})")
    assert not too_long, "unit test names longer than 63 characters:\n" + "\n".join(too_long)
