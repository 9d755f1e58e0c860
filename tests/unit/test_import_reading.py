"""Issue 17: a note is read with a buffer of its own size (16 MiB set aside per note was half a
100k-note import), and the size cap still holds."""

from __future__ import annotations

import pytest

from reflectjournal.errors import ImportFailed
from reflectjournal.services.importers.markdown_folder import inline_tags
from reflectjournal.services.importers.safety import read_bytes_capped


def test_a_file_is_read_whole_up_to_the_cap(tmp_path):
    note = tmp_path / "note.md"
    note.write_bytes(b"x" * 1000)
    assert read_bytes_capped(note, 1000) == b"x" * 1000
    with pytest.raises(ImportFailed, match="more than the"):
        read_bytes_capped(note, 999)
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    assert read_bytes_capped(empty, 10) == b""


def test_inline_tags_are_found_only_where_a_hash_is():
    body = "No tags here.\nBut #burnout here and `#code` not.\nSee https://x.org/#frag too\n"
    assert inline_tags(body) == ["burnout"]
