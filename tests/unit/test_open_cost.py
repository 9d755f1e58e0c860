"""Opening a journal whose built-in frameworks are current parses no framework file and takes
no write lock; a changed built-in file is noticed and installed."""

from __future__ import annotations

import pytest

from reflectjournal.services import frameworks as fw
from reflectjournal.services.workspace import Workspace
from reflectjournal.storage.unlock import KeySources


@pytest.fixture
def journal(tmp_path, passphrase):
    path = tmp_path / "j.rj"
    Workspace.create(path, passphrase).close()
    return path, KeySources(environ={"REFLECTJOURNAL_PASSPHRASE": passphrase})


def test_current_builtins_are_not_parsed_on_open(journal, monkeypatch):
    path, sources = journal
    fw.builtin_frameworks.cache_clear()

    def refuse(*_a, **_k):
        raise AssertionError("a framework file was parsed on an ordinary open")

    monkeypatch.setattr(fw, "parse_framework", refuse)
    ws = Workspace.open(path, sources)
    try:
        assert ws.setting(fw.BUILTINS_SETTING) == fw.builtin_fingerprint()
        assert ws.db.conn.in_transaction is False
        assert len(ws.frameworks.list()) >= 1
    finally:
        ws.close()


def test_a_changed_builtin_file_is_installed(journal, monkeypatch):
    path, sources = journal
    ws = Workspace.open(path, sources)
    slug = fw.builtin_frameworks()[0].slug
    with ws.db.transaction():  # as if an older release had installed version 0
        ws.db.execute("UPDATE framework SET version = 0 WHERE slug = ?", (slug,))
        ws.db.execute("UPDATE setting SET value = 'older' WHERE key = ?", (fw.BUILTINS_SETTING,))
    ws.close()
    ws = Workspace.open(path, sources)
    try:
        version = ws.db.scalar("SELECT version FROM framework WHERE slug = ?", (slug,))
        assert version == fw.builtin_frameworks()[0].version != 0
        assert ws.setting(fw.BUILTINS_SETTING) == fw.builtin_fingerprint()
    finally:
        ws.close()
