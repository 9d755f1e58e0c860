"""The entry point: a file given alone (as a file manager passes it) opens the desktop app."""

from __future__ import annotations

from reflectjournal.launcher import _file_argument

COMMANDS = {"list", "gui", "add"}


def test_journal_file_opens_the_app_on_it(tmp_path):
    journal = tmp_path / "notes.rj"
    journal.write_bytes(b"x")
    assert _file_argument([str(journal)], COMMANDS) == ["--journal", str(journal), "gui"]


def test_packet_file_opens_the_app_ready_to_import(tmp_path):
    packet = tmp_path / "from-ana.rjshare"
    packet.write_bytes(b"RJPACKET")
    assert _file_argument([str(packet)], COMMANDS) == ["gui", "--open", str(packet)]


def test_commands_and_missing_files_are_left_alone(tmp_path):
    assert _file_argument(["list", "--json"], COMMANDS) == ["list", "--json"]
    assert _file_argument([str(tmp_path / "nope.rj")], COMMANDS) == [str(tmp_path / "nope.rj")]
    assert _file_argument(["search", "x"], COMMANDS) == ["search", "x"]


def test_mime_types_dialogs_and_launcher_agree_on_one_extension_per_kind():
    """Issue 16 item 7: the MIME types, the app's file dialogs and the launcher use one
    extension per kind, read from one place."""
    import xml.etree.ElementTree as ET
    from pathlib import Path

    from reflectjournal.services.sharing import kinds

    root = Path(__file__).resolve().parents[2] / "resources" / "linux"
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    tree = ET.parse(root / "io.github.reflectjournal.ReflectJournal.xml")
    globs = {
        t.get("type"): [g.get("pattern") for g in t.findall("m:glob", ns)]
        for t in tree.findall("m:mime-type", ns)
    }
    for kind, suffix in kinds.EXTENSIONS.items():
        assert globs[kinds.MIME_TYPES[kind]] == [f"*{suffix}"]
        assert f"*{suffix}" in kinds.dialog_filter(kind)
        assert f"*{suffix}" in kinds.dialog_filter()  # "Receive a file…" takes every kind
    desktop = (root / "io.github.reflectjournal.ReflectJournal.desktop").read_text()
    mime_line = next(line for line in desktop.splitlines() if line.startswith("MimeType="))
    assert set(mime_line.removeprefix("MimeType=").strip(";").split(";")) == set(globs)
    assert set(kinds.PACKET_SUFFIXES) == set(kinds.EXTENSIONS.values())


def test_every_exchange_file_kind_opens_the_app(tmp_path):
    from reflectjournal.services.sharing import kinds

    for suffix in kinds.PACKET_SUFFIXES:
        path = tmp_path / f"from-ana{suffix}"
        path.write_bytes(b"x")
        assert _file_argument([str(path)], COMMANDS) == ["gui", "--open", str(path)]
