"""The device sync commands of docs/CLI.md, end to end in-process."""

from __future__ import annotations

import json


def test_devices_set_join_sync_list_and_conflicts(cli, tmp_path):
    place = tmp_path / "Nextcloud"
    place.mkdir()
    laptop = tmp_path / "journal.rj"
    desktop = tmp_path / "desktop.rj"
    assert cli("init", "--name", "Ada")[0] == 0
    assert cli("add", "First night on the ward", "--title", "Ward")[0] == 0
    code, out, err = cli("devices", "set", "--folder", str(place), "--device-name", "laptop")
    assert code == 0, err
    assert "ciphertext" in out
    code, out, err = cli(
        "init",
        "--join",
        "--folder",
        str(place),
        "--device-name",
        "desktop",
        journal_path=desktop,
    )
    assert code == 0, err
    code, out, _ = cli("list", "--json", journal_path=desktop)
    assert [e["title"] for e in json.loads(out)] == ["Ward"]

    cli("add", "From the desktop", "--title", "Desk", journal_path=desktop)
    code, out, _ = cli("sync", "--json", journal_path=desktop)
    data = json.loads(out)
    assert {"sent", "received", "pending", "errors", "devices"} <= set(data)
    assert data["devices"]["sent"] == 1 and data["errors"] == []
    code, out, _ = cli("sync", "--json", journal_path=laptop)
    assert json.loads(out)["devices"]["received"] == 1
    code, out, _ = cli("list", "--json", journal_path=laptop)
    assert sorted(e["title"] for e in json.loads(out)) == ["Desk", "Ward"]

    code, out, _ = cli("devices", "list", "--json")
    assert {d["name"] for d in json.loads(out)} == {"laptop", "desktop"}

    # Both edit the same text: a conflict, listed, then resolved with the other version.
    eid_l = json.loads(cli("list", "--json", journal_path=laptop)[1])
    ward_l = next(e["id"] for e in eid_l if e["title"] == "Ward")
    eid_d = json.loads(cli("list", "--json", journal_path=desktop)[1])
    ward_d = next(e["id"] for e in eid_d if e["title"] == "Ward")
    cli("edit", str(ward_l), "Laptop words")
    cli("edit", str(ward_d), "Desktop words", journal_path=desktop)
    cli("sync", journal_path=laptop)
    cli("sync", journal_path=desktop)
    code, out, _ = cli("conflicts", "list", "--json", journal_path=desktop)
    conflicts = json.loads(out)
    assert len(conflicts) == 1
    values = [v["value"] for v in conflicts[0]["fields"][0]["values"]]
    assert set(values) == {"Laptop words", "Desktop words"}
    code, out, err = cli(
        "conflicts", "resolve", conflicts[0]["id"], "--keep", "other", journal_path=desktop
    )
    assert code == 0, err
    cli("sync", journal_path=laptop)
    for path in (laptop, desktop):
        shown = json.loads(
            cli("show", str(ward_l if path == laptop else ward_d), "--json", journal_path=path)[1]
        )
        assert shown["body"] == values[1]
        assert json.loads(cli("conflicts", "list", "--json", journal_path=path)[1]) == []


def test_bad_input_gets_one_sentence_and_changes_nothing(cli, tmp_path):
    assert cli("init")[0] == 0
    code, _, err = cli("devices", "set", "--folder", str(tmp_path / "missing"))
    assert code != 0 and "There is no folder" in err and "Traceback" not in err
    code, _, err = cli("devices", "list")
    assert code != 0 and "not synced" in err
    code, _, err = cli("init", "--join", "--folder", str(tmp_path), journal_path=tmp_path / "x.rj")
    assert code != 0 and "holds no synced journal" in err
    assert not (tmp_path / "x.rj").exists()
    code, _, err = cli("conflicts", "resolve", "entry:nope", "--keep", "shown")
    assert code != 0 and "not synced" in err or "no conflict" in err
