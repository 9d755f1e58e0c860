"""Rendering: what reaches a Qt widget or an export is sanitised."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reflectjournal.services.rendering import (
    html_document,
    is_safe_link,
    render_markdown,
    render_plain,
)

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[file](file:///etc/passwd)",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    "![tracker](https://evil.example/pixel.png)",
    "<iframe src='https://evil.example'></iframe>",
    "<style>body{display:none}</style>",
    "<form action=x><input name=a></form>",
    "<svg onload=alert(1)><circle/></svg>",
    "<a href='https://ok.example' onclick='steal()'>x</a>",
    "<div style='background:url(https://evil.example)'>x</div>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markup_is_neutralised(text):
    out = render_markdown(text).lower()
    for bad in (
        "<script",
        "<img",
        "<iframe",
        "<style",
        "<form",
        "<input",
        "<svg",
        "javascript:",
        "file:",
        "data:",
        "onerror",
        "onload",
        "onclick",
        "style=",
    ):
        assert bad not in out, (text, out)


def test_legitimate_markdown_survives():
    out = render_markdown(
        "# Title\n\n**bold** _it_ `code`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "[NHS](https://www.nhs.uk) <mail@example.org>\n\n```\nblock\n```\n> quote"
    )
    assert "<h1>Title</h1>" in out and "<strong>bold</strong>" in out and "<table>" in out
    assert 'href="https://www.nhs.uk"' in out and 'rel="noopener noreferrer"' in out
    assert "<pre><code>block" in out and "<blockquote>" in out


def test_deep_nesting_and_huge_input_do_not_crash():
    assert "deep" in render_markdown("> " * 10000 + "deep")
    assert render_markdown("- " * 5000 + "x")
    assert render_markdown("word " * 200_000).startswith("<p>word")


def test_plain_text_shows_exact_characters():
    out = render_plain("<b>hi</b> & <script>x</script>\nline two\n\npara")
    assert "&lt;b&gt;hi&lt;/b&gt; &amp; &lt;script&gt;" in out
    assert "<br>line two" in out and out.count("<p>") == 2


@pytest.mark.parametrize(
    "url, safe",
    [
        ("https://a.example/x", True),
        ("http://a.example", True),
        ("mailto:a@b.org", True),
        ("javascript:alert(1)", False),
        ("java\nscript:alert(1)", False),
        ("file:///etc", False),
        ("data:text/html,x", False),
        ("https:", False),
        ("", False),
    ],
)
def test_safe_links(url, safe):
    assert is_safe_link(url) is safe


def test_document_escapes_title_and_loads_nothing_external():
    page = html_document("<p>x</p>", "<Board & me>")
    assert "<title>&lt;Board &amp; me&gt;</title>" in page
    assert not re.search(r"(src|href)=", page)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_renders_without_active_content(text):
    out = render_markdown(text).lower()
    assert "<script" not in out and "javascript:" not in out
    assert not re.search(r"<[^>]+\son\w+\s*=", out)
