"""The process the crash tests kill: run as ``python crash_child.py MODE ...``.

write JOURNAL KEYHEX RUN   add entries forever, printing each id once its commit returned
rekey JOURNAL OLD NEW [STAGE]   change the passphrase, SIGKILLing itself at STAGE if given
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path


def write(journal: Path, key_hex: str, run: str) -> None:
    from reflectjournal.services.journal import JournalService
    from reflectjournal.storage.database import Database, connect
    from reflectjournal.storage.keys import RawKey

    key = RawKey.from_hex(key_hex)
    service = JournalService(Database(connect(journal, key), journal, key))
    print("ready", flush=True)
    i = 0
    while True:
        entry_id = service.add(
            f"crash body r{run}n{i}x " + "words to fill a page " * (i % 7 * 40),
            title=f"crash r{run}n{i}x",
            tags=["crash", f"group-{i % 4}"],
        )
        # Printed only after add() returned, i.e. after COMMIT: an acknowledged write.
        sys.stdout.write(f"{entry_id}\n")
        sys.stdout.flush()
        i += 1


def rekey(journal: Path, old: str, new: str, stage: str | None) -> None:
    from reflectjournal.storage import rekey as rekey_module
    from reflectjournal.storage.unlock import KeySources, unlock

    def hook(name: str) -> None:
        if name == stage:
            os.kill(os.getpid(), signal.SIGKILL)

    rekey_module.STAGE_HOOK = hook
    db = unlock(journal, KeySources(environ={"REFLECTJOURNAL_PASSPHRASE": old})).db
    print("ready", flush=True)
    rekey_module.change_passphrase(db, new).close()
    print("done", flush=True)


if __name__ == "__main__":
    mode, *rest = sys.argv[1:]
    if mode == "write":
        write(Path(rest[0]), rest[1], rest[2])
    else:
        rekey(Path(rest[0]), rest[1], rest[2], rest[3] if len(rest) > 3 else None)
