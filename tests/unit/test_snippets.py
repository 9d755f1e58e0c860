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
