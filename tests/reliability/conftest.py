"""Fixtures for the reliability suite (see README.md in this folder)."""

from __future__ import annotations

import pytest


@pytest.fixture
def private_tmpdir(tmp_path, monkeypatch):
    """A TMPDIR of the test's own, so a grep of it sees only what this journal wrote."""
    folder = tmp_path / "tmpdir"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder
