"""A Markdown folder read as a stream imports exactly what reading it whole did (issue 17).

The folder is listed once as relative path strings and each note is read, resolved and written
in turn. These tests pin what comes out for a vault whose notes link forwards and backwards in
the order they are read, across folders, by name, by path, by case, to a note that is skipped,
and to an image that is listed after the note embedding it. ``EXPECTED_*`` were recorded from
the import as it was before streaming (Path objects, the whole index built up front) and
checked by hand against the rules in ``vault_links``.
"""

from __future__ import annotations

import io
import os
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


NOTES = {
    # Read first (a folder's files come after those of a folder whose name sorts before
    # theirs: "a/z.md" before "a.md"); links to notes read later.
    "a/z.md": "---\ntitle: Zed in a\ndate: 2024-01-02\n---\nSee [[A]], [[zed/Z]] and [[dup]].\n",
    "a.md": "---\ntitle: Lower a\ndate: 2024-01-03\n---\nBack to [[z]] (the one in a/).\n",
    "A.md": (
        "---\ntitle: Upper A\ndate: 2024-01-01 08:00\ntags: [links, 'order']\n---\n"
        "Forward to [[Z]], [[zed/Z|the zed note]], [the markdown link](zed/Z.md) and "
        "[[bad]], which is skipped; [[Nowhere]] leads nowhere. ![[pic.png]] #inline\n"
    ),
    "bad.md": "---\ntitle: Bad\nmood: 9\n---\nA mood out of range skips this note.\n",
    "C.markdown": "---\ntitle: C markdown\ndate: 2024-01-04\n---\nLinks [[c]].\n",
    "c.md": "---\ntitle: c md\ndate: 2024-01-05\n---\nLinks [[C.markdown]].\n",
    "x/dup.md": "---\ntitle: Dup in x\ndate: 2024-01-06\n---\n[[dup]] and [[y/dup]].\n",
    "y/dup.md": "---\ntitle: Dup in y\ndate: 2024-01-07\n---\n[[dup]] is this folder's.\n",
    "y/deeper/2024-01-09.md": "# Dated by its name\n\nUp to [up](../dup.md) and [[A]].\n",
    # Read last; linked from notes read before it, and links back to them.
    "zed/Z.md": (
        "---\ntitle: Zed\ndate: 2024-01-08\n---\nBack to [[A]], [the lower a](../a.md), "
        "[[a/z]] and [[Dated by its name]]. ![[pic.png]] ![[gone.png]]\n"
    ),
    "logseq/bak/old.md": "---\ntitle: Backup\ndate: 2024-01-10\n---\nNot read.\n",
    ".hidden/h.md": "---\ntitle: Hidden\ndate: 2024-01-10\n---\nNot read.\n",
}

EXPECTED_ENTRIES = [  # in id order: (title, body, created)
    (
        "Upper A",
        "Forward to [[Z]], [[zed/Z|the zed note]], [the markdown link](zed/Z.md) and [[bad]], "
        "which is skipped; [[Nowhere]] leads nowhere. ![[pic.png]] #inline",
        "2024-01-01T08:00:00+00:00",
    ),
    ("C markdown", "Links [[c]].", "2024-01-04T09:00:00+00:00"),
    ("Zed in a", "See [[A]], [[zed/Z]] and [[dup]].", "2024-01-02T09:00:00+00:00"),
    ("Lower a", "Back to [[z]] (the one in a/).", "2024-01-03T09:00:00+00:00"),
    ("c md", "Links [[C.markdown]].", "2024-01-05T09:00:00+00:00"),
    ("Dup in x", "[[dup]] and [[y/dup]].", "2024-01-06T09:00:00+00:00"),
    ("Dated by its name", "Up to [up](../dup.md) and [[A]].", "2024-01-09T09:00:00+00:00"),
    ("Dup in y", "[[dup]] is this folder's.", "2024-01-07T09:00:00+00:00"),
    (
        "Zed",
        "Back to [[A]], [the lower a](../a.md), [[a/z]] and [[Dated by its name]]. "
        "![[pic.png]] *(missing file: gone.png)*",
        "2024-01-08T09:00:00+00:00",
    ),
]
EXPECTED_LINKS = {  # (from, link as written, to)
    ("Upper A", "z", "Zed in a"),  # by name: the shortest of the two z notes
    ("Upper A", "zed/z", "Zed"),  # a wikilink and a Markdown link to the same note
    ("C markdown", "c", "c md"),  # c.md sorts after C.markdown, so it holds the path "c"
    ("Zed in a", "a", "Lower a"),  # a.md sorts after A.md
    ("Zed in a", "zed/z", "Zed"),  # read later
    ("Zed in a", "dup", "Dup in x"),  # two notes of that name, neither in a/: the first
    ("Lower a", "z", "Zed in a"),  # read before
    ("Dup in x", "y/dup", "Dup in y"),
    ("Dated by its name", "../dup", "Dup in y"),  # relative to the linking note
    ("Dated by its name", "a", "Lower a"),
    ("Zed", "a", "Lower a"),
    ("Zed", "../a", "Lower a"),
    ("Zed", "a/z", "Zed in a"),
    ("Zed", "dated by its name", "Dated by its name"),  # no such file: found by title
}
EXPECTED_REPORT = {
    "entries": 9,
    "links_resolved": 15,  # the two links from Upper A to Zed are counted, stored once
    "links_unresolved": 2,  # [[bad]] (a note that was skipped) and [[Nowhere]]
    "attachments": 2,
    "attachments_skipped": 0,
    "duplicates": 0,
    "tags_new": 3,
}


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    for rel, text in NOTES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "zz").mkdir()
    (root / "zz" / "pic.png").write_bytes(_png())  # listed after every note embedding it
    os.symlink(root / "A.md", root / "link.md")
    return root


def _snapshot(workspace) -> dict:
    db = workspace.db
    titles = {r[0]: r[1] for r in db.query("SELECT id, title FROM entry")}
    return {
        "links": {
            (titles[s], key, titles[t])
            for s, key, t in db.query("SELECT source_id, target, target_id FROM entry_link")
        },
        "attachments": sorted(
            (titles[e], name) for e, name in db.query("SELECT entry_id, name FROM attachment")
        ),
        "entries": [
            tuple(r)
            for r in db.query(
                "SELECT title, body, created, created_offset, starred, mood, import_key "
                "FROM entry ORDER BY id"
            )
        ],
        "tags": sorted(
            (titles[e], slug)
            for e, slug in db.query(
                "SELECT et.entry_id, t.slug FROM entry_tag et JOIN tag t ON t.id = et.tag_id"
            )
        ),
    }


def test_links_in_either_order_come_in_as_before(workspace, vault):
    report = workspace.imports.run("markdown", vault)
    got = {key: getattr(report, key) for key in EXPECTED_REPORT}
    assert got == EXPECTED_REPORT
    assert sorted((s.where, s.reason) for s in report.skipped) == [
        ("bad.md", "front matter line 3: mood must be a whole number from 1 to 5"),
        ("link.md", "symbolic link not followed"),
    ]
    snap = _snapshot(workspace)
    assert [e[:3] for e in snap["entries"]] == EXPECTED_ENTRIES
    assert snap["links"] == EXPECTED_LINKS
    assert snap["attachments"] == [("Upper A", "pic.png"), ("Zed", "pic.png")]
    assert snap["tags"] == [("Upper A", "inline"), ("Upper A", "links"), ("Upper A", "order")]


def test_reading_the_folder_in_another_order_changes_nothing(workspace, vault, tmp_path):
    """The same notes written in reverse order (so the file system may list them otherwise)
    and imported into a second journal give the same entries, links, tags and files."""
    workspace.imports.run("markdown", vault)
    first = _snapshot(workspace)
    again = tmp_path / "again"
    for rel in sorted(NOTES, reverse=True):
        (again / rel).parent.mkdir(parents=True, exist_ok=True)
        (again / rel).write_text(NOTES[rel], encoding="utf-8")
    (again / "zz").mkdir()
    (again / "zz" / "pic.png").write_bytes(_png())
    from reflectjournal.services.workspace import Workspace

    other = Workspace.create(tmp_path / "other.rj", "another passphrase for the test")
    try:
        other.imports.run("markdown", again)
        second = _snapshot(other)
    finally:
        other.close()
    assert second == first


_NAME = st.text(alphabet=string.ascii_letters[:3] + "AB.-_ 0", min_size=1, max_size=4).filter(
    lambda n: n not in {".", ".."} and not n.startswith(".")
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tree=st.lists(st.lists(_NAME, min_size=1, max_size=3), min_size=1, max_size=12))
def test_walked_names_are_in_the_order_sorted_paths_were(tmp_path_factory, tree):
    """walk_names gives the files in exactly the order sorted() gave their Paths, which is
    the order entries get their ids in (and which of two duplicates is kept)."""
    from reflectjournal.services.importers.safety import safe_walk, walk_names

    root = tmp_path_factory.mktemp("walk")
    for parts in tree:
        path = root.joinpath(*parts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                path.write_text("x", encoding="utf-8")
        except (FileExistsError, NotADirectoryError):
            continue  # a name already used for a file is not also a folder
    expected = sorted(p for p in root.rglob("*") if p.is_file())
    walked = walk_names(root)
    assert walked.files == [p.relative_to(root).as_posix() for p in expected]
    assert safe_walk(root).files == expected


_PATHISH = st.text(alphabet="/.\\a-B é", max_size=12)


@settings(max_examples=400, deadline=None)
@given(path=_PATHISH)
def test_link_paths_are_read_as_pure_posix_paths_read_them(path):
    """Links are resolved with string operations that must read a path as PurePosixPath."""
    from pathlib import PurePosixPath

    from reflectjournal.services.importers import vault_links as V

    pure = PurePosixPath(path)
    assert V.posix_parts(path) == list(pure.parts)
    assert V.posix_name(path) == pure.name
    assert V.suffix_of(V.posix_name(path)) == pure.suffix
    rel = "/".join(V.posix_parts(path.lstrip("/")))  # a walked path: relative, no "." names
    if rel:
        assert V._parent(rel) == str(PurePosixPath(rel).parent)
        if PurePosixPath(rel).name:
            assert V._without_suffix(rel) == str(PurePosixPath(rel).with_suffix(""))
