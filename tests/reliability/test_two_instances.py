"""Promise 4: two programs writing the same journal never lose a write silently.

Each write is either applied (the busy timeout plus BEGIN IMMEDIATE make writers queue) or
refused with the one-sentence "in use by another program" message; the count of acknowledged
writes equals the rows found. A writer that holds the lock longer than the timeout makes the
other one fail cleanly, and the file stays intact.
"""

from __future__ import annotations

import threading
import time

from reliability_support import (
    PASSPHRASE,
    assert_one_line_error,
    new_journal,
    open_workspace,
    run_cli,
    size,
    write_passphrase,
)


def test_parallel_cli_writers_lose_nothing(tmp_path):
    journal = new_journal(tmp_path / "journal.rj")
    pw = write_passphrase(tmp_path)
    per_writer = size(6, 40)
    acknowledged: dict[str, str] = {}  # token -> id
    refused: list[str] = []
    lock = threading.Lock()

    def writer(name: str) -> None:
        for i in range(per_writer):
            token = f"w{name}n{i}x"
            result = run_cli("add", f"parallel {token}", journal=journal, passphrase_file=pw)
            with lock:
                if result.returncode == 0:
                    acknowledged[token] = result.stdout.decode().strip()
                else:
                    line = assert_one_line_error(result, 1)
                    assert "in use by another program" in line, line
                    refused.append(token)

    threads = [threading.Thread(target=writer, args=(n,)) for n in "ABC"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    ws = open_workspace(journal)
    try:
        assert ws.db.integrity_ok()
        assert ws.journal.count() == len(acknowledged)
        for token, entry_id in acknowledged.items():
            assert [str(e.id) for e in ws.journal.found(token)] == [entry_id]
        for token in refused:
            assert ws.journal.found(token) == []
    finally:
        ws.close()
    assert len(acknowledged) + len(refused) == 3 * per_writer
    assert len(acknowledged) >= per_writer, "queueing should let most writes through"


def test_writer_holding_the_lock_too_long_gets_a_clean_refusal(tmp_path):
    journal = new_journal(tmp_path / "journal.rj", entries=2)
    pw = write_passphrase(tmp_path)
    holder = open_workspace(journal, PASSPHRASE)
    released = threading.Event()
    try:
        holder.db.conn.execute("BEGIN EXCLUSIVE")
        holder.db.conn.execute("INSERT INTO setting(key, value) VALUES ('reminder.time', 'yes')")
        # (No hashing of the file here: opening and closing it in this process would drop
        # the very POSIX locks the holder relies on.)
        started = time.monotonic()
        result = run_cli("add", "must wait then give up", journal=journal, passphrase_file=pw)
        waited = time.monotonic() - started
        line = assert_one_line_error(result, 1)
        assert "in use by another program" in line
        assert waited >= 4, "the busy timeout should have been waited out first"
        # A reader is not blocked by a writer (WAL): listing still works meanwhile.
        listed = run_cli("list", "--json", journal=journal, passphrase_file=pw)
        assert listed.returncode == 0, listed.stderr
        holder.db.conn.execute("COMMIT")
        released.set()
    finally:
        if not released.is_set():
            holder.db.conn.execute("ROLLBACK")
        holder.close()
    ws = open_workspace(journal)
    try:
        assert ws.db.integrity_ok()
        assert ws.journal.count() == 2
        assert ws.setting("reminder.time") == "yes"
    finally:
        ws.close()


def test_passphrase_change_waits_for_sole_access(tmp_path):
    """Re-encrypting while another window has the journal open would strand its writes."""
    from reflectjournal.errors import JournalBusy
    from reflectjournal.storage import rekey

    journal = new_journal(tmp_path / "journal.rj", entries=2)
    other = open_workspace(journal)
    mine = open_workspace(journal)
    try:
        try:
            rekey.change_passphrase(mine.db, "a brand new passphrase")
        except JournalBusy as exc:
            assert "open in another window" in str(exc)
        else:
            raise AssertionError("the change went ahead with another connection open")
        mine.journal.add("still writable after the refusal")
        other.journal.add("and so is the other window")
    finally:
        other.close()
        mine.close()
    ws = open_workspace(journal, PASSPHRASE)
    try:
        assert ws.journal.count() == 4
    finally:
        ws.close()
