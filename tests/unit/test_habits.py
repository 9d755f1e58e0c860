"""Habits the repository keeps: the type-checking ratchet only goes down, the product cites only
itself, warnings fail tests, and dev dependencies are never optional in tests."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Modules still excused from (strict) type checking. Lower these when you fix one; never raise.
MYPY_NOT_STRICT = 0
MYPY_IGNORED = 0


def _overrides() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return config["tool"]["mypy"]["overrides"]


def test_the_mypy_ratchet_only_goes_down():
    # When a list reaches zero its override goes, and it counts as empty.
    none: dict = {"module": []}
    not_strict = next((o for o in _overrides() if o.get("disallow_untyped_defs") is False), none)
    ignored = next((o for o in _overrides() if o.get("ignore_errors")), none)
    assert len(not_strict["module"]) <= MYPY_NOT_STRICT
    assert len(ignored["module"]) <= MYPY_IGNORED
    # A module is excused from one list or the other, never both (the second would hide the first).
    assert not set(not_strict["module"]) & set(ignored["module"])


def test_no_override_loosens_the_core_quietly():
    """Besides the ratchet lists, one narrow exception: services/rendering.py subclasses
    python-markdown's processors, which are Any because markdown ships no types."""
    allowed = {"reflectjournal.services.rendering": {"disallow_subclassing_any"}}
    for override in _overrides():
        loosened = {k for k, v in override.items() if v is False}
        if not loosened or override.get("disallow_untyped_defs") is False:
            continue  # none, or the ratchet list above
        modules = override["module"]
        for module in [modules] if isinstance(modules, str) else modules:
            assert loosened <= allowed.get(module, set()), (module, loosened)


def test_the_core_is_strict_by_default():
    strict = next(o for o in _overrides() if o.get("disallow_untyped_defs") is True)
    assert set(strict["module"]) == {
        "reflectjournal.domain.*",
        "reflectjournal.storage.*",
        "reflectjournal.services.*",
    }


def test_nothing_points_outside_the_repository():
    listing = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    tracked = listing.stdout.split() if listing.returncode == 0 else _files_without_git()
    offenders = []
    for name in tracked:
        path = ROOT / name
        if path.suffix not in {".py", ".md", ".toml", ".sh", ".txt", ".cfg"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"(?<![\w/])shared/CLI\.md|\.\./shared\b", text) and name != __file__:
            offenders.append(name)
    offenders = [o for o in offenders if not o.endswith("test_habits.py")]
    assert offenders == []
    assert (ROOT / "docs" / "CLI.md").is_file()


def _files_without_git() -> list[str]:
    skip = {".venv", ".git", "build", "dist", ".mypy_cache", ".ruff_cache"}
    return [
        str(p.relative_to(ROOT))
        for p in ROOT.rglob("*")
        if p.is_file() and not skip & set(p.relative_to(ROOT).parts)
    ]


def test_warnings_are_errors_and_benchmarks_run_only_when_named():
    pytest_config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    options = pytest_config["ini_options"]
    assert options["filterwarnings"] == ["error"]
    assert "tests/benchmarks" not in options["testpaths"]


def test_dev_dependencies_are_not_optional_in_tests():
    hits = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "tests").rglob("*.py")
        if "importorskip(" in p.read_text(encoding="utf-8") and p.name != "test_habits.py"
    ]
    assert hits == []
