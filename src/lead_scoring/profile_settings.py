"""The outputs of profiles.yml as dbt renders them, for the code that runs outside dbt.

profiles.yml is the one place the connection and session settings are written:
a run reads a target's adapter type from it before dbt starts (dbt_session.py), and
load_raw_tables.py connects to PostgreSQL, or starts its Spark session, with the same
settings as dbt, so the raw tables land where the models read them.

It renders what profiles.yml uses: `env_var(name, default)` (an unset variable without a default
is an error, as in dbt) and the `as_number` filter.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from lead_scoring.locations import project_dir

PROFILES_FILE = "profiles.yml"
PROFILE_NAME = "lead_scoring"


class ProfileError(Exception):
    """profiles.yml has no such target, or a value needs an environment variable that is unset."""


def env_var(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ProfileError(f"profiles.yml needs the environment variable {name}")
    return value


def as_number(value: Any) -> int | float:
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        return float(text)


def render(value: Any) -> Any:
    """One value of the profile rendered: text through Jinja, mappings and lists item by item."""
    if isinstance(value, dict):
        return {key: render(item) for key, item in value.items()}
    if isinstance(value, list):
        return [render(item) for item in value]
    if not isinstance(value, str):
        return value
    import jinja2

    environment = jinja2.Environment()
    environment.filters["as_number"] = as_number
    return environment.from_string(value).render(env_var=env_var).strip()


def profile(project: Path | None = None) -> dict[str, Any]:
    """The project's profile in profiles.yml, not yet rendered.

    `project`: the dbt project whose profiles.yml is read (default: locations.project_dir()).
    """
    import yaml

    profiles = (project or project_dir()) / PROFILES_FILE
    return yaml.safe_load(profiles.read_text())[PROFILE_NAME]


def default_target(settings: dict[str, Any]) -> str:
    """The profile's own `target`, rendered (dbt's 'default' when it names none)."""
    return str(render(settings.get("target", "default")))


def target_name(target: str | None = None, project: Path | None = None) -> str:
    """`target`, or the default target of the project's profile."""
    return target or default_target(profile(project))


def output(target: str | None = None, project: Path | None = None) -> dict[str, Any]:
    """The output `target` of the profile (None: the profile's own `target`), not yet rendered:
    render() the values needed, so an unset variable elsewhere in it does not matter.

    `project`: the dbt project whose profiles.yml is read (default: locations.project_dir()).
    """
    settings = profile(project)
    name = target or default_target(settings)
    outputs = settings.get("outputs", {})
    if name not in outputs:
        raise ProfileError(f"profiles.yml has no target {name!r} (it has {', '.join(outputs)})")
    return outputs[name]
