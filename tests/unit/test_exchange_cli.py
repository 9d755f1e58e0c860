"""The exchange verbs of CLI.md end to end: three journals meeting through S3, WebDAV, folder."""

from __future__ import annotations

import json

import pytest
from exchange_servers import (  # tests/exchange_servers.py
    ACCESS_KEY,
    DAV_PASSWORD,
    DAV_USER,
    SECRET_KEY,
    s3_server,  # noqa: F401 - fixture
    webdav_server,  # noqa: F401 - fixture
)


@pytest.fixture
def three(cli, tmp_path):
    paths = {n: tmp_path / f"{n}.rj" for n in ("ana", "tom", "cat")}
    people = {"ana": "Ana Leader", "tom": "Tom Mentor", "cat": "Cat Coach"}
    run = {n: (lambda *a, _p=p: cli(*a, journal_path=_p)) for n, p in paths.items()}
    for n in run:
        assert run[n]("init", "--name", people[n], "--no-keyring")[0] == 0
        assert run[n]("contact", "export", str(tmp_path / f"{n}.card"))[0] == 0
    for a, b, role in (("ana", "tom", "mentor"), ("ana", "cat", "coach")):
        assert run[a]("contact", "import", str(tmp_path / f"{b}.card"), "--role", role)[0] == 0
        assert run[b]("contact", "import", str(tmp_path / f"{a}.card"))[0] == 0
    return run


def test_three_journals_through_s3_webdav_and_a_folder(three, tmp_path, s3_server, webdav_server):  # noqa: F811
    ana, tom, cat = three["ana"], three["tom"], three["cat"]
    (tmp_path / "dav.pw").write_text(DAV_PASSWORD + "\n")
    (tmp_path / "s3.secret").write_text(SECRET_KEY + "\n")
    folder = tmp_path / "Dropbox" / "coaching"
    folder.mkdir(parents=True)
    dav = [
        "--webdav",
        webdav_server.url + "exchange/",
        "--user",
        DAV_USER,
        "--password-file",
        str(tmp_path / "dav.pw"),
    ]
    s3 = [
        "--s3",
        s3_server.url,
        "--bucket",
        "programme",
        "--access-key",
        ACCESS_KEY,
        "--secret-file",
        str(tmp_path / "s3.secret"),
    ]
    # Ana meets everyone in the programme's S3 bucket, but Tom in their WebDAV folder.
    code, out, err = ana("exchange", "set", *s3, "--json")
    assert (code, err) == (0, "") and json.loads(out)["new"] is True
    assert DAV_PASSWORD not in out and SECRET_KEY not in out
    assert ana("exchange", "set", "Tom Mentor", *dav)[0] == 0
    assert tom("exchange", "set", "Ana Leader", *dav)[0] == 0
    assert cat("exchange", "set", *s3)[0] == 0

    _, out, _ = ana("add", "The board meeting went well.", "--title", "Board")
    entry = out.strip()
    code, out, err = ana("share", entry, "--with", "Tom Mentor", "--with", "Cat Coach", "--json")
    assert (code, err) == (0, "")
    assert sorted(r["person"] for r in json.loads(out)["recipients"]) == ["Cat Coach", "Tom Mentor"]

    code, out, _ = ana("sync", "--json")
    assert (code, json.loads(out)) == (0, {"sent": 2, "received": 0, "pending": 2, "errors": []})
    for who in (tom, cat):
        code, out, _ = who("sync", "--json")
        assert json.loads(out)["received"] == 1
    _, out, _ = tom("list", "--json")
    (shared,) = json.loads(out)
    assert shared["title"] == "Board" and shared["kind"] == "shared"
    assert tom("comment", shared["id"], "Well chaired.")[0] == 0
    assert tom("sync", "--json")[0] == 0
    code, out, _ = ana("sync", "--json")
    assert json.loads(out) == {"sent": 0, "received": 1, "pending": 0, "errors": []}
    _, out, _ = ana("list", "--json")
    (mine,) = json.loads(out)
    assert [c["text"] for c in mine["comments"]] == ["Well chaired."]
    _, out, _ = ana("show", entry, "--json")
    assert json.loads(out)["comments"][0]["author"] == "Tom Mentor"

    code, out, _ = ana("unshare", entry, "--with", "Cat Coach")
    assert code == 0 and "cannot be unread" in out
    ana("sync")
    cat("sync")
    _, out, _ = cat("list", "--json")
    assert json.loads(out) == []


def test_bad_exchange_input_is_one_sentence(three, tmp_path):
    ana = three["ana"]
    code, _, err = ana("exchange", "set", "--folder", str(tmp_path / "missing"))
    assert code != 0 and err.count("\n") == 1 and "There is no folder" in err
    code, _, err = ana(
        "exchange",
        "set",
        "--s3",
        "http://127.0.0.1:9/",
        "--bucket",
        "b",
        "--secret-file",
        str(tmp_path / "nope"),
    )
    assert code != 0 and err.count("\n") == 1 and "could not be read" in err
    code, _, err = ana("share", "999", "--with", "Tom Mentor")
    assert code != 0 and "There is no entry 999" in err
    code, out, err = ana("sync", "--json")
    assert json.loads(out)["errors"] == [] and code == 0
