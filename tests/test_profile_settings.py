"""load_raw_tables.py connects with the settings of profiles.yml (profile_settings.py).

The loader must put the raw tables where dbt reads them: the same PostgreSQL server and the same
Spark warehouse folder and metastore. It reads them from the profile, rendered as dbt renders
it, so a setting changed there (or by its environment variable) reaches both.
"""

from __future__ import annotations

import pytest
import yaml
from conftest import PROJECT_DIR

from lead_scoring import load_raw_tables as loader
from lead_scoring import profile_settings

PROFILE_NAME = "lead_scoring"


def profile_outputs() -> dict:
    return yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text())[PROFILE_NAME]["outputs"]


def test_spark_session_takes_every_server_side_parameter_of_the_profile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LEAD_SCORING_SPARK_DIR", "/data/spark")
    monkeypatch.setenv("LEAD_SCORING_SPARK_ADAPTIVE", "true")
    settings = loader.spark_settings()
    assert set(settings) == set(profile_outputs()["spark"]["server_side_parameters"]) | {
        "spark.sql.ansi.enabled"
    }
    assert settings["spark.sql.warehouse.dir"] == "/data/spark/warehouse"
    assert (
        "databaseName=/data/spark/metastore_db"
        in settings["spark.hadoop.javax.jdo.option.ConnectionURL"]
    )
    assert settings["spark.sql.adaptive.enabled"] == "true"
    assert settings["spark.sql.ansi.enabled"] == "false"  # the loader's casts give null
    monkeypatch.delenv("LEAD_SCORING_SPARK_ADAPTIVE")
    assert loader.spark_settings()["spark.sql.adaptive.enabled"] == "false"


def test_postgres_connection_follows_the_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LEAD_SCORING_PG_HOST", "LEAD_SCORING_PG_PASSWORD", "LEAD_SCORING_PG_SSLMODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LEAD_SCORING_PG_PORT", "6543")
    monkeypatch.setenv("LEAD_SCORING_PG_USER", "scorer")
    monkeypatch.setenv("LEAD_SCORING_PG_DATABASE", "crm")
    assert loader.postgres_settings() == {
        "host": "127.0.0.1",
        "port": 6543,
        "user": "scorer",
        "dbname": "crm",
        "sslmode": "prefer",
    }
    monkeypatch.setenv("LEAD_SCORING_PG_PASSWORD", "secret")
    assert loader.postgres_settings()["password"] == "secret"


def test_an_unknown_target_or_unset_variable_is_named() -> None:
    with pytest.raises(profile_settings.ProfileError, match="no target 'oracle'"):
        profile_settings.output("oracle")
    with pytest.raises(profile_settings.ProfileError, match="LEAD_SCORING_NOT_SET"):
        profile_settings.render("{{ env_var('LEAD_SCORING_NOT_SET') }}")
    assert profile_settings.render("{{ env_var('LEAD_SCORING_NOT_SET', '4') | as_number }}") == "4"
