"""Attachments: kept inside the encrypted journal, checked on their bytes, gone with their entry."""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from reflectjournal.errors import NotFound, UsageError
from reflectjournal.services import attachments as A
from reflectjournal.services.links import LinkContext
from reflectjournal.services.rendering import render_markdown


def png(width=40, height=20, colour="red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg(width=30, height=30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "blue").save(buffer, "JPEG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def huge_png_header(width=100_000, height=100_000) -> bytes:
    """A tiny file that claims enormous dimensions (a decompression bomb's calling card)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def test_an_image_is_stored_in_the_journal_and_read_back(workspace):
    entry = workspace.journal.add("A whiteboard photo")
    data = png()
    info = workspace.attachments.add(entry, "board.png", data)
    assert (info.name, info.mime, info.size, info.width, info.height) == (
        "board.png", "image/png", len(data), 40, 20,
    )  # fmt: skip
    assert workspace.attachments.data(info.id) == data
    assert [a.id for a in workspace.attachments.for_entry(entry)] == [info.id]
    stored = workspace.db.scalar("SELECT data FROM attachment WHERE id = ?", (info.id,))
    assert bytes(stored) == data


def test_the_journal_file_holds_no_plain_copy_of_the_attachment(workspace):
    entry = workspace.journal.add("Feedback letter")
    marker = b"CANARY-FEEDBACK-7731"
    pdf = b"%PDF-1.4\n" + marker * 50 + b"\n%%EOF\n"
    workspace.attachments.add(entry, "feedback.pdf", pdf)
    workspace.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    folder = workspace.path.parent
    for path in folder.iterdir():
        if path.is_file():
            assert marker not in path.read_bytes(), path.name
    assert not [p for p in folder.iterdir() if p.suffix == ".pdf"]


def test_a_pdf_is_accepted_and_a_name_clash_gets_a_number(workspace):
    entry = workspace.journal.add("x")
    first = workspace.attachments.add(entry, "notes.pdf", PDF)
    again = workspace.attachments.add(entry, "notes.pdf", PDF)  # same bytes: stored once
    other = workspace.attachments.add(entry, "notes.pdf", PDF + b"\n%%EOF\n")
    assert again.id == first.id
    assert other.name == "notes (2).pdf"
    assert first.mime == "application/pdf" and first.width is None


@pytest.mark.parametrize(
    "name, data, says",
    [
        ("photo.png", jpeg(), "is not a PNG image, whatever its name says"),
        ("photo.png", b"<html><script>alert(1)</script></html>", "is not a PNG image"),
        ("photo.jpg", png()[:60], "is not a JPEG image"),
        ("huge.png", huge_png_header(), "claims far more pixels than a photo has"),
        ("tall.png", huge_png_header(20, 20_000), "claims to be 20 × 20000 pixels"),
        ("doc.pdf", b"MZ\x90\x00 not a pdf", "is not a complete PDF"),
        ("run.exe", b"MZ\x90\x00", "Only PNG, JPEG, GIF or WebP images and PDFs can be attached"),
        ("empty.png", b"", "is empty"),
    ],
)
def test_hostile_or_wrong_files_are_refused_in_one_sentence(workspace, name, data, says):
    entry = workspace.journal.add("x")
    with pytest.raises(UsageError) as refused:
        workspace.attachments.add(entry, name, data)
    message = str(refused.value)
    assert says in message
    assert message.count(". ") == 0 and "\n" not in message  # one sentence
    assert workspace.db.scalar("SELECT count(*) FROM attachment") == 0


def test_a_file_over_the_size_limit_is_refused_with_the_limit(workspace, tmp_path, monkeypatch):
    monkeypatch.setattr(A, "MAX_BYTES", 1000)
    entry = workspace.journal.add("x")
    big = tmp_path / "scan.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"x" * 2000 + b"\n%%EOF\n")
    with pytest.raises(
        UsageError, match=r"scan.pdf is 2 KB; attachments can be at most 1000 bytes"
    ):
        workspace.attachments.add_file(entry, big)
    assert workspace.db.scalar("SELECT count(*) FROM attachment") == 0


def test_names_lose_folders_and_control_characters(workspace):
    entry = workspace.journal.add("x")
    info = workspace.attachments.add(entry, "../../etc/\x1b[31mboard.png", png())
    assert info.name == "[31mboard.png"


def test_deleting_an_entry_deletes_its_attachments(workspace):
    entry = workspace.journal.add("x")
    keep = workspace.journal.add("y")
    workspace.attachments.add(entry, "a.png", png())
    kept = workspace.attachments.add(keep, "b.png", png(colour="green"))
    workspace.journal.delete(entry)
    assert [r[0] for r in workspace.db.query("SELECT id FROM attachment")] == [kept.id]


def test_detach_removes_one_and_unknown_ids_are_one_sentence(workspace):
    entry = workspace.journal.add("x")
    info = workspace.attachments.add(entry, "a.png", png())
    workspace.attachments.remove(info.id)
    assert workspace.attachments.for_entry(entry) == []
    with pytest.raises(NotFound, match="There is no attachment 99"):
        workspace.attachments.remove(99)
    with pytest.raises(NotFound, match="There is no entry 42"):
        workspace.attachments.add(42, "a.png", png())


def test_shared_entries_take_no_attachments(workspace):
    entry = workspace.journal.add("from Tom", kind="shared")
    with pytest.raises(UsageError, match="read-only"):
        workspace.attachments.add(entry, "a.png", png())


def test_an_embedded_attachment_renders_from_the_journal_never_a_file(workspace):
    entry = workspace.journal.add("![[board.png]] and ![[notes.pdf]] and ![[gone.png]]")
    image = workspace.attachments.add(entry, "Board.PNG", png(1200, 600))
    pdf = workspace.attachments.add(entry, "notes.pdf", PDF)
    body = workspace.journal.entry(entry).body
    html = render_markdown(body, workspace.links.context(entry, body))
    assert f'src="rj-attachment:{image.id}"' in html
    assert 'height="280"' in html and 'width="560"' in html  # at most 560 px wide
    assert f'href="rj-attachment:{pdf.id}"' in html
    assert "gone.png" in html and "file:" not in html and "http" not in html
    # Another entry's attachment is not reachable by name, nor by typing our address.
    other = workspace.journal.add("![[Board.PNG]] ![x](rj-attachment:1) [y](rj-attachment:1)")
    body = workspace.journal.entry(other).body
    html = render_markdown(body, workspace.links.context(other, body))
    assert "rj-attachment" not in html


def test_without_a_context_images_stay_text():
    assert "<img" not in render_markdown("![[board.png]] ![alt](board.png)", LinkContext())


def test_backup_carries_attachments(workspace, tmp_path, passphrase):
    from reflectjournal.services.workspace import Workspace
    from reflectjournal.storage.unlock import KeySources

    entry = workspace.journal.add("x")
    data = png()
    workspace.attachments.add(entry, "a.png", data)
    report = workspace.backups.backup(tmp_path / "copy.rj")
    copy = Path(getattr(report, "path", tmp_path / "copy.rj"))
    restored = Workspace.open(copy, KeySources(environ={"REFLECTJOURNAL_PASSPHRASE": passphrase}))
    try:
        [info] = restored.attachments.for_entry(entry)
        assert restored.attachments.data(info.id) == data
    finally:
        restored.close()


def test_cli_attach_list_save_and_detach(cli, tmp_path):
    assert cli("init", "--name", "Ana")[0] == 0
    assert cli("add", "Whiteboard after the huddle")[0] == 0
    picture = tmp_path / "board.png"
    picture.write_bytes(png())
    code, out, err = cli("attach", "1", str(picture), "--json")
    assert code == 0, err
    [made] = json.loads(out)
    assert made["name"] == "board.png" and made["mime"] == "image/png"
    code, out, _ = cli("attachments", "1", "--json")
    assert [a["id"] for a in json.loads(out)] == [made["id"]]
    saved = tmp_path / "out"
    saved.mkdir()
    assert cli("attachments", "1", "--save", str(saved))[0] == 0
    assert (saved / "board.png").read_bytes() == picture.read_bytes()
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"GIF89a not really")
    code, out, err = cli("attach", "1", str(fake))
    assert code != 0 and err.count("\n") == 1 and "is not a PNG image" in err
    assert "Traceback" not in err
    code, out, err = cli("detach", str(made["id"]))
    assert code == 0 and "deleted" in out
    assert json.loads(cli("attachments", "1", "--json")[1]) == []


def big_png(width=2500, height=2000) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "green").save(buffer, "PNG")
    return buffer.getvalue()


def big_jpeg(width=2500, height=2000) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "blue").save(buffer, "JPEG")
    return buffer.getvalue()


def _broken_crc(data: bytes) -> bytes:
    at = data.index(b"IDAT") + 20  # inside the first IDAT chunk's data
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


def test_large_images_are_checked_through_without_decoding_them_whole(workspace):
    assert 2500 * 2000 > A.FULL_DECODE_PIXELS  # the path under test
    entry = workspace.journal.add("x")
    stored = workspace.attachments.add(entry, "scan.png", big_png())
    assert (stored.width, stored.height) == (2500, 2000)
    photo = workspace.attachments.add(entry, "photo.jpg", big_jpeg())
    assert (photo.width, photo.height) == (2500, 2000)  # the real size, not the draft's
    for name, data in [
        ("scan.png", big_png()[: len(big_png()) // 2]),  # cut short
        ("scan.png", big_png()[:-12]),  # no end chunk
        ("scan.png", _broken_crc(big_png())),
        ("photo.jpg", big_jpeg()[: len(big_jpeg()) // 2]),
    ]:
        with pytest.raises(UsageError, match="whatever its name says"):
            workspace.attachments.add(entry, name, data)
    assert workspace.db.scalar("SELECT count(*) FROM attachment") == 2


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads Linux's VmHWM")
def test_checking_a_large_photo_does_not_hold_its_pixels(tmp_path):
    import subprocess
    import sys

    photo = tmp_path / "photo.jpg"
    photo.write_bytes(big_jpeg(6000, 4000))  # 72 MB of pixels decoded whole
    scan = tmp_path / "scan.png"
    scan.write_bytes(big_png(6000, 4000))
    # VmHWM is this process image's own peak; ru_maxrss would start from the parent's, which
    # has just made the pictures.
    script = (
        "import re, sys\n"
        "from PIL import Image\n"
        "from reflectjournal.services.attachments import check\n"
        "status = lambda: open('/proc/self/status').read()\n"
        "peak = lambda: int(re.search(r'VmHWM:\\s+(\\d+)', status()).group(1)) / 1024\n"
        "before = peak()\n"
        "for path in sys.argv[1:]:\n"
        "    checked = check(path.rsplit('/', 1)[-1], open(path, 'rb').read())\n"
        "    assert (checked.width, checked.height) == (6000, 4000)\n"
        "print(peak() - before)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(photo), str(scan)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert float(out.stdout) < 20, f"{float(out.stdout):.0f} MB more at the peak"
