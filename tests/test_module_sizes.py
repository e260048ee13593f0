"""Every module of the package stays small enough to hold one responsibility and be read whole.

A module that grows past the limit usually holds two jobs; split it by responsibility into
modules named for what they hold (docs/decisions/0017-one-package-one-command.md).
"""

from __future__ import annotations

from conftest import PROJECT_DIR

PACKAGE_DIR = PROJECT_DIR / "src" / "lead_scoring"
MAX_LINES = 500


def test_no_module_of_the_package_is_over_500_lines() -> None:
    modules = sorted(PACKAGE_DIR.rglob("*.py"))
    assert modules, f"no Python modules under {PACKAGE_DIR}"
    too_long = [
        f"{module.relative_to(PROJECT_DIR)}: {lines} lines"
        for module in modules
        if (lines := len(module.read_text().splitlines())) > MAX_LINES
    ]
    assert not too_long, f"modules over {MAX_LINES} lines:\n" + "\n".join(too_long)
