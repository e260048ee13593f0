"""The layering rules of the dbt project, checked on its manifest (target/manifest.json).

Each rule returns one line per violation, naming the node and the rule. Layers are the folders
under models/: staging (its base/ sub-folder: base), change_detection, intermediate, marts.
The rules, and why (docs/decisions/0018-dag-layers.md):

- a source is read by exactly one model, of the staging layer (base or staging);
- a staging model does not read another staging model;
- intermediate and mart models read no source;
- an intermediate model reads no mart;
- every model has a primary-key test (unique and not_null on one column, or unique_together
  with not_null, test or contract constraint, on each of its columns), unless its meta
  `no_primary_key_test` says why it has none, and a description;
- a public mart has an enforced contract;
- no macro calls ref(): models pass relations to macros, so dbt and readers see every edge;
- every macro of macros/ has a description in a macros yml, so dbt docs explains it;
- every data test that can end in a warning says what it found in words, for the run summary
  (src/lead_scoring/summary.py): a description in its yml, or, for dirt in the raw data, its
  meta `dirty_rows` naming the rows of rpt_data_quality it reports, whose words the summary
  shows instead.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

Manifest = dict[str, Any]
Node = dict[str, Any]

PROJECT = "lead_scoring"
# a Jinja comment, which may quote ref() in its prose
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
REF_CALL = re.compile(r"\bref\s*\(")


def read_manifest(target_dir: Path) -> Manifest:
    return json.loads((target_dir / "manifest.json").read_text())


def models(manifest: Manifest) -> dict[str, Node]:
    return {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["package_name"] == PROJECT
    }


def layer_of(node: Node) -> str:
    """The model's layer: the folder under models/ (staging/base/ is `base`)."""
    folders = Path(node["original_file_path"]).parts[1:-1]
    if folders[:2] == ("staging", "base"):
        return "base"
    return folders[0] if folders else ""


def parents(node: Node) -> list[str]:
    return node["depends_on"]["nodes"]


def source_readers(manifest: Manifest) -> list[str]:
    readers: dict[str, list[str]] = defaultdict(list)
    for unique_id, node in models(manifest).items():
        for parent in parents(node):
            if parent.startswith("source."):
                readers[parent].append(unique_id)
    problems = []
    for source in sorted(manifest["sources"]):
        found = sorted(readers.get(source, []))
        if len(found) > 1:
            problems.append(f"{source}: read by {len(found)} models ({', '.join(found)})")
        problems.extend(
            f"{source}: read by {reader}, which is not a staging model"
            for reader in found
            if layer_of(manifest["nodes"][reader]) not in ("staging", "base")
        )
    return [f"source read outside its one model: {problem}" for problem in problems]


def edges_between(
    manifest: Manifest, child_layers: Iterable[str], parent_test: Callable[[str], bool]
) -> list[tuple[str, str]]:
    nodes = models(manifest)
    return [
        (unique_id, parent)
        for unique_id, node in sorted(nodes.items())
        if layer_of(node) in child_layers
        for parent in parents(node)
        if parent_test(parent)
    ]


def staging_on_staging(manifest: Manifest) -> list[str]:
    nodes = models(manifest)
    return [
        f"staging depends on staging: {child} reads {parent}"
        for child, parent in edges_between(
            manifest,
            ["staging"],
            lambda parent: parent in nodes and layer_of(nodes[parent]) == "staging",
        )
    ]


def source_outside_staging(manifest: Manifest) -> list[str]:
    return [
        f"intermediate or mart depends on a source: {child} reads {parent}"
        for child, parent in edges_between(
            manifest, ["intermediate", "marts"], lambda parent: parent.startswith("source.")
        )
    ]


def intermediate_on_mart(manifest: Manifest) -> list[str]:
    nodes = models(manifest)
    return [
        f"intermediate depends on a mart: {child} reads {parent}"
        for child, parent in edges_between(
            manifest,
            ["intermediate"],
            lambda parent: parent in nodes and layer_of(nodes[parent]) == "marts",
        )
    ]


def tests_by_model(manifest: Manifest) -> dict[str, list[Node]]:
    found: dict[str, list[Node]] = defaultdict(list)
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test" and node.get("attached_node"):
            found[node["attached_node"]].append(node)
    return found


def has_primary_key_test(node: Node, tests: list[Node]) -> bool:
    checked: dict[str, set[str]] = defaultdict(set)
    # a contract's not_null constraint holds the column as a not_null test does
    checked["not_null"] = {
        name
        for name, column in node.get("columns", {}).items()
        if any(constraint["type"] == "not_null" for constraint in column.get("constraints", []))
    }
    combinations = []
    for test in tests:
        metadata = test.get("test_metadata") or {}
        name = metadata.get("name")
        if name in ("unique", "not_null") and test.get("column_name"):
            checked[name].add(test["column_name"])
        elif name == "unique_together":
            combinations.append(metadata.get("kwargs", {}).get("combination_of_columns") or [])
    return bool(checked["unique"] & checked["not_null"]) or any(
        columns and set(columns) <= checked["not_null"] for columns in combinations
    )


def primary_key_and_description(manifest: Manifest) -> list[str]:
    tests = tests_by_model(manifest)
    problems = []
    for unique_id, node in sorted(models(manifest).items()):
        exempt = node["config"].get("meta", {}).get("no_primary_key_test")
        if not exempt and not has_primary_key_test(node, tests.get(unique_id, [])):
            problems.append(f"model without a primary-key test: {unique_id}")
        if not node.get("description", "").strip():
            problems.append(f"model without a description: {unique_id}")
    return problems


def public_marts_with_contracts(manifest: Manifest) -> list[str]:
    return [
        f"public mart without an enforced contract: {unique_id}"
        for unique_id, node in sorted(models(manifest).items())
        if layer_of(node) == "marts"
        and node.get("access") == "public"
        and not node["config"].get("contract", {}).get("enforced")
    ]


def ref_in_macros(manifest: Manifest) -> list[str]:
    return [
        f"ref() inside a macro: {unique_id} ({macro['original_file_path']})"
        for unique_id, macro in sorted(manifest["macros"].items())
        if macro["package_name"] == PROJECT
        and REF_CALL.search(JINJA_COMMENT.sub("", macro["macro_sql"]))
    ]


def macros_without_description(manifest: Manifest) -> list[str]:
    return [
        f"macro without a description: {unique_id} ({macro['original_file_path']})"
        for unique_id, macro in sorted(manifest["macros"].items())
        if macro["package_name"] == PROJECT
        and macro["original_file_path"].startswith("macros/")
        and not macro.get("description", "").strip()
    ]


def can_warn(test: Node) -> bool:
    """Whether a data test can end in a warning: severity warn, or a warn_if of its own."""
    config = test["config"]
    severity = str(config.get("severity", "")).lower()
    return severity == "warn" or config.get("warn_if") != config.get("error_if")


def names_dirty_rows(test: Node) -> bool:
    """Whether the test's meta `dirty_rows` names a raw table and the issues it reports."""
    reported = test["config"].get("meta", {}).get("dirty_rows")
    return (
        isinstance(reported, dict)
        and bool(reported.get("source_table"))
        and isinstance(reported.get("issues"), list)
        and bool(reported["issues"])
    )


def warnings_without_words(manifest: Manifest) -> list[str]:
    return [
        f"data test that can warn without words: {unique_id} ({test['original_file_path']}): "
        "give it a description, or meta dirty_rows if it reports rows of rpt_data_quality"
        for unique_id, test in sorted(manifest["nodes"].items())
        if test["resource_type"] == "test"
        and test["package_name"] == PROJECT
        and can_warn(test)
        and not test.get("description", "").strip()
        and not names_dirty_rows(test)
    ]


RULES: dict[str, Callable[[Manifest], list[str]]] = {
    "source_read_once": source_readers,
    "staging_on_staging": staging_on_staging,
    "source_outside_staging": source_outside_staging,
    "intermediate_on_mart": intermediate_on_mart,
    "primary_key_and_description": primary_key_and_description,
    "public_mart_contract": public_marts_with_contracts,
    "ref_in_macro": ref_in_macros,
    "macro_description": macros_without_description,
    "warning_in_words": warnings_without_words,
}


def violations(manifest: Manifest) -> list[str]:
    return [problem for rule in RULES.values() for problem in rule(manifest)]
