"""Issue 14 item 8: dependency floors, engine versions checked at connect, a hashed lock."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from reflectjournal.errors import ReflectJournalError
from reflectjournal.storage import database

ROOT = Path(__file__).resolve().parents[2]


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    reqs += [Requirement(r) for r in project["optional-dependencies"]["dev"]]
    return [r for r in reqs if r.marker is None or r.marker.evaluate()]


def test_every_floor_is_a_version_the_suite_runs_with():
    for req in _requirements():
        floors = [Version(s.version) for s in req.specifier if s.operator == ">="]
        assert floors, f"{req.name} has no floor"
        installed = Version(metadata.version(req.name))
        # A floor above what the suite runs with would be a promise nobody tested.
        assert installed >= max(floors), (req.name, installed)


def test_old_engines_are_refused_in_one_sentence():
    assert database.engine_problem("4.19.0 community", "3.53.4") is None
    for cipher, sqlite in [("4.5.6 community", "3.44.2"), ("3.4.2", "3.15.2"), ("", "3.50.0")]:
        text = database.engine_problem(cipher, sqlite)
        assert text and text.count(".") >= 1 and "update ReflectJournal" in text
        assert text.endswith(".") and "\n" not in text


def test_connect_checks_the_linked_sqlite(tmp_path, monkeypatch):
    from reflectjournal.services.workspace import Workspace

    Workspace.create(tmp_path / "j.rj", "correct horse battery staple").close()
    monkeypatch.setattr(database.dbapi2, "sqlite_version", "3.39.1")
    with pytest.raises(ReflectJournalError, match="older than the SQLCipher 4.6 on SQLite 3.45"):
        database.connect(tmp_path / "j.rj", None)


def test_the_packaged_build_installs_from_a_hashed_lock():
    lock = (ROOT / "packaging" / "requirements.lock").read_text("utf-8")
    found = re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", lock, re.M)
    pinned = {canonicalize_name(name): Version(version) for name, version in found}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    for raw in project["dependencies"]:
        req = Requirement(raw)
        if req.marker is None or req.marker.evaluate():
            name = canonicalize_name(req.name)
            assert name in pinned, req.name
            assert pinned[name] in req.specifier, (req.name, pinned[name])
    names = set(pinned)
    assert "pyinstaller" in names
    blocks = re.split(r"\n(?=[A-Za-z0-9_.\-]+==)", lock.split("\n", 1)[1])
    for block in blocks:
        if "==" in block.split("\n")[0]:
            assert "--hash=sha256:" in block, block.split("\n")[0]
    build = (ROOT / "packaging" / "build.sh").read_text("utf-8")
    assert "--require-hashes" in build and "requirements.lock" in build


def _judge():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "audit_report", ROOT / "tools" / "audit_report.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.judge


def test_the_ci_audit_tells_unreachable_from_clean_from_vulnerable():
    import json

    judge = _judge()
    code, text = judge(None)
    assert code == 0 and "could not reach" in text
    skipped = {"dependencies": [{"name": "nh3", "version": "0.3.8", "skip_reason": "not found"}]}
    code, text = judge(json.dumps(skipped))
    assert code == 0 and "could not reach" in text  # "no vulnerabilities" would be a lie
    clean = {
        "dependencies": [{"name": "nh3", "version": "0.3.8", "vulns": []}, *skipped["dependencies"]]
    }
    code, text = judge(json.dumps(clean))
    assert code == 0 and "1 packages audited" in text and "1 could not be looked up" in text
    bad = {
        "dependencies": [
            {
                "name": "nh3",
                "version": "0.2.1",
                "vulns": [{"id": "GHSA-xxxx", "fix_versions": ["0.2.15"]}],
            }
        ]
    }
    code, text = judge(json.dumps(bad))
    assert code == 1 and "nh3 0.2.1: GHSA-xxxx (fixed in 0.2.15)" in text
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "pip-audit" in ci and "tools/audit_report.py" in ci
