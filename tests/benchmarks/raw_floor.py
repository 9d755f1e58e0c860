"""The floor for a CLI read: a bare sqlcipher3 script answering the same question on the same
file with the raw key (as the keyring holds it), printing one line per row. Nothing of ours is
imported, so ``CLI time / this time`` is what our start-up and code add.

    python raw_floor.py JOURNAL list-tag SLUG | search WORD | search-newest WORD | tags

``search`` asks what ``reflectjournal search WORD --limit 200`` asks: the best 200 matches by
bm25, ranked (as ``services/search.py`` does) among the newest 2,000 matches, with the same
SQL and weights, ties newest first. Until round 5 it asked only for the newest 200 matches,
which costs the engine less (no ranking, 200 index rows read instead of 2,000); that easier
question is kept as ``search-newest``, for comparison with earlier figures.
"""

import json
import os
import sys

import sqlcipher3

path, operation, *rest = sys.argv[1:]
with open(os.environ["RJ_BENCH_KEYRING_FILE"], encoding="utf-8") as handle:
    key = json.load(handle)[os.path.realpath(path)]
conn = sqlcipher3.connect(path)
conn.execute(f"PRAGMA key = \"x'{key}'\"")
if operation == "list-tag":
    rows = conn.execute(
        "SELECT e.created, e.title FROM entry e WHERE +e.id IN (SELECT et.entry_id FROM entry_tag "
        "et JOIN tag t ON t.id = et.tag_id WHERE t.slug = ?) ORDER BY e.created DESC LIMIT 200",
        rest,
    )
elif operation == "search":
    ranked = conn.execute(
        "SELECT rowid, bm25(entry_fts, 4.0, 1.0, 2.0) FROM entry_fts WHERE entry_fts MATCH ? "
        "ORDER BY rowid DESC LIMIT 2000",
        ['"' + rest[0] + '"*'],
    ).fetchall()
    ids = [r[0] for r in sorted(ranked, key=lambda r: (r[1], -r[0]))[:200]]
    found = dict(
        conn.execute(
            f"SELECT e.id, e.created || ' ' || e.title FROM entry e "
            f"WHERE e.id IN ({','.join('?' * len(ids))})",
            ids,
        ).fetchall()
    )
    rows = [(found[i],) for i in ids]
elif operation == "search-newest":
    rows = conn.execute(
        "SELECT e.created, e.title FROM entry_fts JOIN entry e ON e.id = entry_fts.rowid "
        "WHERE entry_fts MATCH ? ORDER BY entry_fts.rowid DESC LIMIT 200",
        ['"' + rest[0] + '"*'],
    )
else:
    rows = conn.execute(
        "SELECT t.slug, (SELECT count(*) FROM entry_tag et WHERE et.tag_id = t.id) FROM tag t"
    )
out = sys.stdout
for row in rows:
    out.write(" ".join(map(str, row)) + "\n")
