"""Promise 6: hostile or odd text is harmless — sanitised when rendered, any search query is
valid, every Unicode text round-trips exactly, and what cannot be stored (NUL, lone
surrogates, invalid UTF-8) is refused with one sentence, never half-written.
"""

from __future__ import annotations

import json
import time
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_support import assert_one_line_error, new_journal, run_cli, size, write_passphrase

from reflectjournal.errors import UsageError
from reflectjournal.services.rendering import ALLOWED_TAGS, render_markdown, render_plain

EXAMPLES = size(150, 2000)

MARKDOWN_CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="https://tracker.example/pixel.gif">',
    "![remote](https://tracker.example/pixel.png)",
    "![local](file:///etc/passwd)",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(document.cookie))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[file](file:///home/user/.ssh/id_rsa)",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[vb](vbscript:msgbox(1))",
    '<p onclick="steal()">hello</p>',
    '<div onmouseover="x()" style="background:url(javascript:x)">hi</div>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name="p"></form>',
    '<style>body{background:url("https://tracker.example")}</style>',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "<base href='https://evil.example/'>",
    '<a href="https://ok.example" onclick="x()">ok</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<!-- <script>alert(1)</script> -->",
    "<<script>script>alert(1)<</script>/script>",
    '"><img src=x onerror=alert(1)>',
    "[ref][1]\n\n[1]: javascript:alert(1)",
    "<https://fine.example/path>",
    "<javascript:alert(1)>",
    "> " * 5000 + "deep quote",
    "- " * 3000 + "deep list",
    "\n".join("  " * i + "- item" for i in range(2000)),
    "*" * 50000,
    "[" * 20000 + "]" * 20000,
    "_" * 30000 + "x",
    "`" * 10000,
    "<b>" * 20000,
    "| a |\n|---|\n" + "| <script>x</script> |\n" * 2000,
]


class _Audit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") or name in ("style", "src", "srcset", "background"):
                self.problems.append(f"attribute {name}")
            if name == "href" and not value.startswith(("http://", "https://", "mailto:", "#")):
                self.problems.append(f"href {value[:40]}")


def assert_safe(html: str) -> None:
    audit = _Audit()
    audit.feed(html)
    audit.close()
    # Dangerous words may appear as visible text; only tags and attributes can act.
    assert audit.problems == [], audit.problems[:5]


@pytest.mark.parametrize("text", MARKDOWN_CORPUS, ids=range(len(MARKDOWN_CORPUS)))
def test_markdown_corpus_is_sanitised(text):
    started = time.monotonic()
    html = render_markdown(text)
    assert time.monotonic() - started < 10, "pathological input must not stall rendering"
    assert_safe(html)
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert 'href="javascript' not in html.lower() and 'href="file' not in html.lower()


def test_safe_links_survive_sanitising():
    html = render_markdown("[NHS](https://www.nhs.uk) and [mail](mailto:me@example.org)")
    assert 'href="https://www.nhs.uk"' in html and 'href="mailto:me@example.org"' in html


def test_others_text_is_shown_as_text():
    html = render_plain('<script>alert(1)</script> **not bold** <a href="javascript:x">')
    assert "<script" not in html and "&lt;script&gt;" in html and "<strong>" not in html


_PIECES = st.sampled_from(
    [
        "<",
        ">",
        "<script>",
        "</script>",
        "<img src=x onerror=y>",
        "javascript:",
        "[a](",
        ")",
        "![b](",
        "http://x/",
        "file:",
        "&#x6a;",
        "\n",
        "> ",
        "- ",
        "*",
        "_",
        "`",
        '"',
        "'",
        "<a href=",
        " on",
        "click=",
        "<svg",
        "data:",
        "\t",
        "    ",
        "|",
        "---",
    ]
)
_MARKDOWNISH = st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=60).map("".join)


@settings(max_examples=EXAMPLES, deadline=None)
@given(_MARKDOWNISH)
def test_generated_markdown_is_always_sanitised(text):
    assert_safe(render_markdown(text))


# ---- search: any text is a valid query ----------------------------------------------------

_ODD_QUERIES = [
    '"',
    '""',
    "'",
    "NEAR(",
    "NEAR(a b",
    "title:",
    "body:secret",
    "tags:",
    "*",
    "a*",
    "^",
    "^start",
    "AND",
    "OR",
    "NOT",
    "a AND",
    "OR OR",
    "(",
    ")",
    "((a)",
    "-",
    "+",
    ":",
    "{a b}",
    "\x00",
    "a\x00b",
    "\ud800",
    "🙂",
    "שלום",
    "مرحبا",
    "e\u0301",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "x" * 100_000,
    "word " * 5000,
    "",
    "   ",
    "\n\t",
    "%",
    "_",
    "\\",
    "'; DROP TABLE entry; --",
]


@pytest.fixture(scope="module")
def search_journal(tmp_path_factory):
    from reliability_support import open_workspace

    path = new_journal(tmp_path_factory.mktemp("search") / "journal.rj", entries=0)
    ws = open_workspace(path)
    ws.journal.add("NEAR the ward a title: body with stars * and carets ^ 🙂 שלום café")
    ws.journal.add("Plain reflection about resilience and rota gaps")
    yield ws
    ws.close()


@pytest.mark.parametrize("query", _ODD_QUERIES, ids=range(len(_ODD_QUERIES)))
def test_odd_search_queries_never_raise(search_journal, query):
    result = search_journal.journal.found(query)
    assert isinstance(result, list)
    assert search_journal.journal.count(query=query) == len(result)


def test_search_still_finds_what_odd_text_contains(search_journal):
    assert len(search_journal.journal.found("NEAR(")) == 1
    assert len(search_journal.journal.found("🙂 שלום")) in (0, 1)
    assert len(search_journal.journal.found("title:")) == 1
    assert len(search_journal.journal.found("cafe")) == 1  # diacritics folded


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.text(alphabet=st.characters(codec=None), max_size=200))
def test_any_generated_query_gives_results_or_nothing(search_journal, query):
    assert isinstance(search_journal.journal.found(query), list)


# ---- unicode round trip -------------------------------------------------------------------

ROUND_TRIP = [
    "Emoji 🙂👩🏽‍⚕️🏥 and a flag 🇬🇧",
    "Right to left: שלום עולם and مرحبا بالعالم mixed with English",
    "Combining: e\u0301 a\u0308 n\u0303 Z\u0351\u0358\u0360 and precomposed é ä ñ",
    "Astral plane: 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𓀀 🀄 \U0010fffd",
    "Zero width: a\u200bb\u200dc\ufeffd and RTL override \u202eevil\u202c",
    "Line endings\r\nkept\rexactly\n",
    "Tabs\tand   spaces   ",
]


@pytest.mark.parametrize("text", ROUND_TRIP, ids=range(len(ROUND_TRIP)))
def test_unicode_round_trips_through_services(workspace, text):
    entry = workspace.journal.add(text, title=text[:40])
    got = workspace.journal.entry(entry)
    assert got.body == text


@pytest.mark.parametrize("bad", ["a\x00b", "lone \ud800 surrogate", "\udcff"])
def test_unstorable_text_is_refused_cleanly(workspace, bad):
    before = workspace.journal.count()
    with pytest.raises(UsageError) as caught:
        workspace.journal.add(bad)
    assert "\n" not in str(caught.value)
    with pytest.raises(UsageError):
        workspace.journal.add("fine body", title=bad)
    assert workspace.journal.count() == before


def test_unicode_round_trips_through_the_cli(tmp_path):
    journal = new_journal(tmp_path / "journal.rj")
    pw = write_passphrase(tmp_path)
    for text in ROUND_TRIP[:5]:
        added = run_cli("add", text, "--json", journal=journal, passphrase_file=pw)
        assert added.returncode == 0, added.stderr
        entry_id = json.loads(added.stdout)["id"]
        shown = run_cli("show", entry_id, "--json", journal=journal, passphrase_file=pw)
        assert json.loads(shown.stdout)["body"] == text
    piped = "stdin keeps \r\n line endings 🙂\n"
    added = run_cli("add", "-", "--json", journal=journal, passphrase_file=pw, stdin=piped.encode())
    assert json.loads(added.stdout)["body"] == piped


@pytest.mark.parametrize(
    "argv, stdin",
    [
        (["add", "-"], b"text with a NUL \x00 inside"),
        (["add", "-"], b"not utf-8 \xff\xfe"),
        (["add", b"argv not utf-8 \xff".decode("utf-8", "surrogateescape")], None),
        (["add", "fine", "--title", b"bad \xed\xa0\x80".decode("utf-8", "surrogateescape")], None),
    ],
)
def test_unstorable_text_is_refused_by_the_cli(tmp_path, argv, stdin):
    journal = new_journal(tmp_path / "journal.rj")
    pw = write_passphrase(tmp_path)
    result = run_cli(*argv, journal=journal, passphrase_file=pw, stdin=stdin)
    assert_one_line_error(result, 2)
    listed = run_cli("list", "--json", journal=journal, passphrase_file=pw)
    assert json.loads(listed.stdout) == []
