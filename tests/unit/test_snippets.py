"""Search snippets: the words searched are found where the index finds them, with offsets."""

from __future__ import annotations

from reflectjournal.services.snippets import snippet


def _marked(text: str, spans) -> list[str]:
    return [text[s : s + n] for s, n in spans]


def test_the_snippet_starts_near_the_first_match_and_marks_every_word():
    body = "Long preamble. " * 20 + "The Rota gaps on nights; the rota again, and rotas."
    text, spans = snippet(body, "rota")
    assert text.startswith("…") and "Rota gaps" in text
    assert _marked(text, spans) == ["Rota", "rota", "rota"]  # prefixes, as the index matches


def test_accents_and_case_are_ignored_and_offsets_stay_true():
    text, spans = snippet("Café culture at the café.", "CAFE")
    assert _marked(text, spans) == ["Café", "café"]


def test_no_match_in_the_body_gives_its_start_and_no_marks():
    text, spans = snippet("Budget meeting went well.", "rota")
    assert (text, spans) == ("Budget meeting went well.", [])


def test_markup_in_others_text_stays_text():
    text, spans = snippet("<b>rota</b> <script>x</script>", "rota")
    assert text == "<b>rota</b> <script>x</script>" and _marked(text, spans) == ["rota"]


def test_words_inside_other_words_do_not_count():
    text, spans = snippet("Carotene and rota.", "rota")
    assert _marked(text, spans) == ["rota"]


def test_folding_is_one_character_for_one_whatever_the_text():
    """The table-driven fold gives what folding each character alone gives, ASCII or not, so
    the offsets of marked words stay true (ligatures, ß and dotted İ fold to one character)."""
    import unicodedata

    from reflectjournal.services.snippets import _fold

    def one_by_one(text: str) -> str:
        return "".join(unicodedata.normalize("NFKD", ch)[:1].casefold()[:1] or ch for ch in text)

    ascii_text = "".join(chr(c) for c in range(128)) * 3
    mixed = "Straße İstanbul ÅNGSTRÖM ﬁne ǅ ΣΑΣ ĳ 𝔄 Ⅻ ① " + "".join(
        chr(c) for c in range(0x80, 0x3000)
    )
    for text in (ascii_text, mixed, mixed + ascii_text):
        assert _fold(text) == one_by_one(text)
        assert len(_fold(text)) == len(text)
    text, spans = snippet("Die STRASSE und die Straße.", "straße")
    assert _marked(text, spans) == ["Straße"]
