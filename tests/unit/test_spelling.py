"""British English spell check: what it flags, what it suggests, and words kept in the journal."""

from __future__ import annotations

import pytest

from reflectjournal.services import spelling

speller = spelling.Speller()
needs_dictionary = pytest.mark.skipif(
    not speller.available, reason="no Enchant en_GB dictionary (.ci/run installs one)"
)


@needs_dictionary
def test_british_spellings_pass_and_american_ones_are_flagged():
    text = "The colour of the organisation's rota was recieved; the color was organized."
    flagged = {text[start : start + length] for start, length in speller.misspelt(text)}
    assert flagged == {"recieved", "color"} or flagged == {"recieved", "color", "organized"}
    assert "received" in speller.suggest("recieved")


@needs_dictionary
def test_acronyms_links_code_and_tags_are_left_alone():
    text = "NHS ICU B12 https://exampel.org/pth `sefl.x` #nightshfit [[Bakn staff]] x"
    assert list(speller.misspelt(text)) == []


@needs_dictionary
def test_own_words_are_kept_in_the_journal_not_in_a_plain_file(workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    text = "Datix and eRoster again."
    checker = spelling.Speller(spelling.own_words(workspace.db))
    assert {text[s : s + n] for s, n in checker.misspelt(text)} >= {"Datix"}
    spelling.add_own_word(workspace.db, "Datix")
    checker = spelling.Speller(spelling.own_words(workspace.db))
    assert "Datix" not in {text[s : s + n] for s, n in checker.misspelt(text)}
    assert spelling.own_words(workspace.db) == ["Datix"]
    assert not list(tmp_path.rglob("*.dic"))  # Enchant's plain-text personal list is never used


def test_without_a_dictionary_nothing_is_flagged_and_it_says_why():
    missing = spelling.Speller(language="xx_NOPE")
    assert not missing.available and "hunspell en_GB" in missing.problem
    assert list(missing.misspelt("wrnog wrods")) == [] and missing.check("wrnog")
