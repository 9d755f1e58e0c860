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
