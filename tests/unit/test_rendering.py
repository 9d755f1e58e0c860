"""Rendering: what reaches a Qt widget or an export is sanitised, and hostile text is cheap.

Checks are structural where it matters: the output is parsed with ``html.parser`` and every
tag and attribute is audited, so "not in the output" means "not in the markup", not merely
"not in the string".
"""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflectjournal.services import rendering
from reflectjournal.services.rendering import (
    ALLOWED_TAGS,
    html_document,
    is_safe_link,
    render_markdown,
    render_plain,
)

# ---- a structural audit of rendered HTML ----------------------------------------------------

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "abbr": {"title"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
    "th": {"align"},
    "td": {"align"},
}


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.depth = self.max_depth = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()):
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href" and not (is_safe_link(value or "") or (value or "").startswith("#")):
                self.problems.append(f"href {value!r}")
        if tag == "a" and attributes.get("rel") != "noopener noreferrer":
            self.problems.append("link without rel")
        if tag not in ("br", "hr"):
            self.depth += 1
            self.max_depth = max(self.max_depth, self.depth)

    def handle_endtag(self, tag):
        if tag not in ("br", "hr"):
            self.depth -= 1

    def handle_comment(self, data):
        self.problems.append("comment")

    def handle_decl(self, decl):
        self.problems.append(f"declaration {decl[:20]}")

    def handle_pi(self, data):
        self.problems.append("processing instruction")

    def handle_data(self, data):
        self.text.append(data)


def audit(html: str) -> _Audit:
    checker = _Audit()
    checker.feed(html)
    checker.close()
    assert checker.problems == [], checker.problems[:5]
    lowered = html.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<style" not in lowered
    assert "javascript:" not in lowered and "vbscript:" not in lowered
    assert "data:" not in lowered and "file:" not in lowered
    assert not re.search(r"<[^>]*\son\w+\s*=", lowered), "event handler in a tag"
    return checker


def text_of(html: str) -> str:
    return "".join(audit(html).text)


# ---- hostile corpus ---------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x onerror=alert(1)>",
    '"><img src=x onerror=alert(1)>',
    '<IMG SRC="jav&#x09;ascript:alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;&#x61;vascript:alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](java%0ascript:alert(1))",
    "[click](<javascript:alert(1)>)",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java&#x0A;script:alert(1)">x</a>',
    '<a href="&#0000106&#0000097vascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<javascript:alert(1)>",
    "[ref][1]\n\n[1]: javascript:alert(1)",
    "[file](file:///etc/passwd)",
    "[unc](file://server/share/x.docx)",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "![tracker](http://evil.example/t.png)",
    '![tracker](https://evil.example/t.png "title")',
    "![ref tracker][t]\n\n[t]: https://evil.example/t.png",
    "[![nested](https://evil.example/t.png)](https://ok.example)",
    "<iframe src='https://evil.example'></iframe>",
    "<frameset><frame src=x></frameset>",
    "<object data='x.swf'></object><embed src='x.swf'>",
    "<style>body{display:none}</style>",
    "<div style='background:url(https://evil.example)'>x</div>",
    "<p style=\"background-image:url('https://evil.example/t.png')\">x</p>",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "<base href='https://evil.example/'>",
    "<form action=https://evil.example><input name=p><button>go</button></form>",
    "<svg onload=alert(1)><circle r=1/></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href='javascript:alert(1)'><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<a href='https://ok.example' onclick='steal()'>x</a>",
    '<p onmouseover="x()">hover</p>',
    "<b/onclick=alert(1)>x</b>",
    "<details open ontoggle=alert(1)>",
    "<table background='https://evil.example/t.png'><tr><td>x</td></tr></table>",
    "<td background=https://evil.example/t.png>x</td>",
    "<!-- <script>alert(1)</script> -->",
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<?php echo 1 ?>",
    "<!DOCTYPE html>",
    "<noscript><p title='</noscript><img src=x onerror=alert(1)>'>",
    "<textarea><script>alert(1)</script></textarea>",
    "<title><script>alert(1)</script></title>",
    "<xmp><script>alert(1)</script></xmp>",
    "<plaintext><script>alert(1)</script>",
    "<template><script>alert(1)</script></template>",
    '[x](https://ok.example "onmouseover=alert(1)")',
    "```html\n<script>alert(1)</script>\n```",
    "`<img src=x onerror=alert(1)>`",
    "    <script>alert(1)</script>",
    "| a |\n|---|\n| <script>alert(1)</script> |",
    "Term\n: <img src=x onerror=alert(1)>",
    "x[^1]\n\n[^1]: <script>alert(1)</script>",
    '<http://ok.example/"onmouseover="alert(1)>',
    "\x02wzxhzdk:0\x03<script>alert(1)</script>",
    "<a href='https://ok.example'>x</a><script>",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_markup_is_neutralised(text):
    audit(render_markdown(text))


def test_script_and_style_lose_their_content_and_nothing_else():
    out = render_markdown("before <script>alert('x')</script> after <style>p{}</style> end")
    assert "alert" not in out and "p{}" not in out
    assert "before" in out and "after" in out and "end" in out


def test_unpaired_script_tag_does_not_hide_the_rest():
    out = render_markdown("<script>\n\nstill visible")
    assert "still visible" in text_of(out)


def test_event_handlers_and_styles_are_removed_but_text_stays():
    out = render_markdown('<p onclick="steal()" style="color:red">hello</p>')
    assert text_of(out).strip() == "hello"


@pytest.mark.parametrize(
    "text",
    [
        "[click](javascript:alert(1))",
        '<a href="JaVaScRiPt:alert(1)">click</a>',
        "[click](java&#x09;script:alert(1))",
        "[click](file:///etc/passwd)",
        "[click](data:text/html,x)",
        "[click](relative/path.html)",
        "[click](//evil.example/x)",
        "[click](\\\\server\\share)",
    ],
)
def test_unsafe_links_keep_their_text_but_lose_their_target(text):
    out = render_markdown(text)
    checker = audit(out)
    links = [attrs for tag, attrs in checker.tags if tag == "a"]
    assert links and all("href" not in attrs for attrs in links), out
    assert "click" in text_of(out)


def test_images_become_their_alt_text_and_nothing_is_fetched():
    out = render_markdown(
        "![ward round](http://evil/t.png) and ![](https://evil/u.png) and "
        '<img src="https://evil/v.png" alt="raw &amp; alt">'
    )
    text = text_of(out)
    assert "[image: ward round]" in text and "[image]" in text and "[image: raw & alt]" in text
    assert "evil" not in out and "src=" not in out


def test_literal_scheme_words_in_text_are_harmless_and_display_the_same():
    out = render_markdown("Never type javascript: or data: into a form.")
    assert "javascript:" not in out and "data:" not in out
    assert "javascript: or data: into" in text_of(out)


# ---- legitimate content survives --------------------------------------------------------------

LEGIT = """# Reflection

**bold** *em* __strong__ _it_ `code` ~~not strike~~ <del>gone</del> H<sub>2</sub>O x<sup>2</sup>

| Challenge | Score |
|:----------|------:|
| Workforce | 4     |

```python
if staff < 3:
    escalate()
```

> What went well?

1. First
2. Second

- a
    - nested

[NHS England](https://www.england.nhs.uk "Home") and <mentor@example.org> and
[mail me](mailto:me@example.org).

Term
: Definition

A footnote[^1].

[^1]: The note.

---
"""


def test_legitimate_markdown_survives():
    out = render_markdown(LEGIT)
    checker = audit(out)
    assert "<h1>Reflection</h1>" in out
    assert "<strong>bold</strong>" in out and "<em>em</em>" in out
    assert "<code>code</code>" in out and "<del>gone</del>" in out
    assert "<sub>2</sub>" in out and "<sup>2</sup>" in out
    assert "<table>" in out and '<th align="left">Challenge</th>' in out
    assert '<td align="right">4</td>' in out
    assert "<pre><code>if staff &lt; 3:\n    escalate()\n</code></pre>" in out
    assert "<blockquote>" in out and "<ol>" in out and out.count("<ul>") == 2
    assert (
        '<a href="https://www.england.nhs.uk" title="Home" rel="noopener noreferrer">'
        "NHS England</a>" in out
    )
    assert 'href="mailto:mentor@example.org"' in out and 'href="mailto:me@example.org"' in out
    assert "<dl>" in out and "<dd>Definition</dd>" in out
    assert 'href="#fn:1"' in out and '<li id="fn:1">' in out
    assert "<hr>" in out
    links = [attrs for tag, attrs in checker.tags if tag == "a"]
    assert all(attrs.get("rel") == "noopener noreferrer" for attrs in links)


def test_ordered_list_start_is_kept():
    assert '<ol start="3">' in render_markdown("3. three\n4. four")


def test_nl2br_is_not_used():
    assert "<br>" not in render_markdown("line one\nline two")


def test_empty_and_blank_input():
    assert render_markdown("") == "" and render_markdown("  \n\n ") == ""
    assert render_markdown(None) == ""  # type: ignore[arg-type]


def test_control_characters_and_lone_surrogates_do_not_break_rendering():
    out = render_markdown("a\x00b\x07c \ud800 d\r\ne")
    assert "abc" in out and "\ufffd" in out and "\x00" not in out


# ---- pathological input -----------------------------------------------------------------------


def _timed(text: str) -> tuple[str, float]:
    """The CPU this thread spent rendering: a machine busy with other work does not make a
    linear renderer look quadratic (wall time did, 8 s against 6 under load)."""
    started = time.thread_time()
    out = render_markdown(text)
    return out, time.thread_time() - started


PATHOLOGICAL = {
    "quotes 10k": "> " * 10_000 + "deep",
    "quote lines 10k": "".join(">" * i + " x\n" for i in range(0, 10_000, 7)),
    "list markers 10k": "- " * 10_000 + "deep",
    "ordered markers 10k": "1. " * 10_000 + "deep",
    "quote and list 10k": "> - " * 10_000 + "deep",
    "indented list 2k": "\n".join("  " * i + "- item" for i in range(2_000)),
    "raw blockquotes 100k": "<blockquote>" * 100_000 + "deep",
    "raw divs 200k": "<div>" * 200_000,
    "bold tags 300k": "<b>" * 300_000,
    "varied formatting then paragraphs": "".join(f"<b title={i}>" for i in range(5_000))
    + "\n\n"
    + "para\n\n" * 20_000,
    "unmatched [ 1MB": "[" * 1_000_000,
    "nested brackets": "[" * 200_000 + "]" * 200_000,
    "link openers": "[x](" * 200_000,
    "autolink openers": "<http://" * 100_000,
    "tag openers": "<a" * 300_000,
    "backticks": "`a` " * 200_000,
    "entities": "&#" * 400_000,
    "headings in one block": "# h\n" * 200_000,
    "rules in one block": "---\n" * 200_000,
    "definitions in one block": "t\n: d\n" * 100_000,
    "wide table": "|a" * 20_000 + "\n" + "|-" * 20_000 + "\n" + "|b" * 20_000,
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_input_is_fast_and_safe(name):
    out, seconds = _timed(PATHOLOGICAL[name])
    print(f"\n{name}: {seconds:.2f}s, {len(out)} characters out")
    checker = audit(out)
    assert checker.max_depth <= 3 * rendering.MAX_NESTING + 10
    assert seconds < 6, f"{name} took {seconds:.1f}s"  # typically < 1 s; generous for CI


def test_deep_nesting_is_capped_but_content_kept():
    out = render_markdown("> " * 10_000 + "deep")
    assert out.count("<blockquote>") == rendering.MAX_NESTING
    assert "deep" in text_of(out)
    out = render_markdown("- " * 10_000 + "deeper")
    assert out.count("<ul>") <= rendering.MAX_NESTING and "deeper" in text_of(out)


def _realistic_megabyte() -> str:
    paragraph = (
        "Today's **handover** on ward 7 was rushed; I noticed the *quiet* staff nurse "
        "again. [Reading](https://www.kingsfund.org.uk) on compassionate leadership "
        "helped. `Action:` book protected time.\n\n"
    )
    extras = "- follow up with matron\n- check rota\n\n| day | mood |\n|---|---|\n| Mon | 3 |\n\n"
    unit = paragraph * 4 + "## Week\n\n" + extras + "> So what? It matters.\n\n"
    return (unit * (1_000_000 // len(unit) + 1))[:1_000_000]


def test_one_megabyte_renders_in_a_couple_of_seconds():
    text = _realistic_megabyte()
    out, seconds = _timed(text)
    print(f"\n1 MB realistic Markdown: {seconds:.2f}s")
    audit(out)
    assert seconds < 4, f"1 MB took {seconds:.1f}s"  # measured ~0.6-1.3 s on 2 cores
    assert "<strong>handover</strong>" in out  # the start is formatted
    assert text.rstrip()[-20:].replace("'", "&#x27;").split()[-1] in out  # nothing is lost


def test_one_megabyte_of_prose_is_fully_formatted(monkeypatch):
    """The cost estimate never gives up on ordinary prose (the time budget is lifted here so
    a busy machine cannot make this flaky; the budget itself is tested above)."""
    monkeypatch.setattr(rendering, "RENDER_TIME_BUDGET_S", 120.0)
    sentence = "We agreed the *rota* changes with the team and I felt heard. "
    text = ("\n\n".join(sentence * 8 for _ in range(2200)))[:1_000_000]
    out, seconds = _timed(text)
    print(f"\n1 MB prose: {seconds:.2f}s")
    assert seconds < 6
    assert "shown without formatting" not in out
    assert out.count("<em>rota</em>") == text.count("*rota*")


def test_time_budget_turns_the_rest_into_plain_text(monkeypatch):
    monkeypatch.setattr(rendering, "RENDER_TIME_BUDGET_S", 0.0)
    text = ("**bold** paragraph with <b>tags</b>\n\n" * 4000)[: 3 * rendering.CHUNK_CHARS]
    out = render_markdown(text)
    audit(out)
    assert "<strong>bold</strong>" in out  # the first chunk is always formatted
    assert "shown without formatting" in out and "**bold**" in out and "&lt;b&gt;" in out


def test_long_text_keeps_reference_links_across_chunks():
    body = ("Filler paragraph about the team. " * 40 + "\n\n") * 120  # > one chunk
    text = "See [the guide][g].\n\n" + body + "[g]: https://example.org/guide\n"
    assert len(text) > rendering.CHUNK_CHARS
    out = render_markdown(text)
    assert 'href="https://example.org/guide"' in out


# ---- property: arbitrary and markdown-ish text never yields active content -------------------

_PIECES = st.sampled_from(
    [
        "<", ">", "<script>", "</script>", "<img src=x onerror=alert(1)>", "javascript:",
        "JaVaScRiPt:", "[a](", ")", "![b](", "](", "http://x/", "file:", "data:", "&#x6a;",
        "&#106;", "&colon;", "\n", "\n\n", "> ", "- ", "1. ", "*", "_", "`", "```", '"', "'",
        "<a href=", " on", "click=", "onload=", "<svg", "\t", "    ", "|", "---", "<!--", "-->",
        "<style>", "[^1]", "[^1]: ", "[r]: ", "<http://", "<b>", "</b>", "=", "#",
    ]
)  # fmt: skip
_MARKDOWNISH = st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), _MARKDOWNISH))
def test_any_text_renders_without_active_content(text):
    out = render_markdown(text)
    audit(out)  # no <script, no on…= attribute, no javascript:/data:/file: anywhere
    assert "<script" not in out.lower()
    assert not re.search(r"\son\w+\s*=", "".join(re.findall(r"<[^>]*>", out)).lower())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_plain_rendering_interprets_nothing(text):
    out = render_plain(text)
    without_our_tags = re.sub(r"</?p>|<br>", "", out)
    assert "<" not in without_our_tags and ">" not in without_our_tags
    assert '"' not in without_our_tags and "'" not in without_our_tags


# ---- render_plain -------------------------------------------------------------------------------


def test_plain_text_shows_exact_characters():
    out = render_plain("<b>hi</b> & <script>x</script>\nline two\n\npara **not bold**")
    assert out == (
        "<p>&lt;b&gt;hi&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;<br>line two</p>"
        "<p>para **not bold**</p>"
    )


def test_plain_text_of_a_link_is_not_a_link():
    out = render_plain("[x](javascript:alert(1)) https://example.org")
    assert "<a" not in out and "href" not in out


# ---- is_safe_link ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, safe",
    [
        ("https://a.example/x?y=1#z", True),
        ("http://a.example", True),
        ("HTTPS://A.EXAMPLE", True),
        ("  https://a.example  ", True),
        ("mailto:a@b.org", True),
        ("MAILTO:a@b.org?subject=Hello there", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\nscript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("java\x00script:alert(1)", False),
        ("https://a.example/\x00", False),
        ("vbscript:msgbox(1)", False),
        ("file:///etc/passwd", False),
        ("file://server/share", False),
        ("data:text/html,x", False),
        ("ftp://a.example", False),
        ("https:", False),
        ("https:a.example", False),
        ("https:/a.example", False),
        ("http://", False),
        ("https://[::1", False),
        ("mailto:", False),
        ("//a.example", False),
        ("#fn:1", False),
        ("relative/path", False),
        ("\uff48ttps://a.example", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_links(url, safe):
    assert is_safe_link(url) is safe


# ---- html_document -----------------------------------------------------------------------------


def test_document_is_complete_escaped_and_self_contained():
    page = html_document(render_markdown("**hi**"), '<Board & "me">\n</title><script>')
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert '<meta charset="utf-8">' in page
    assert "<title>&lt;Board &amp; &quot;me&quot;&gt; &lt;/title&gt;&lt;script&gt;</title>" in page
    assert "<strong>hi</strong>" in page and "<style>" in page
    assert "default-src 'none'" in page  # Content-Security-Policy: nothing loads, nothing runs
    assert not re.search(r"(src|href)\s*=", page) and "url(" not in page and "@import" not in page
    assert "<script" not in page.lower()
