"""The narrative's word diff: spaces kept, and a replaced word never runs into the word replacing it."""

from __future__ import annotations

from app.domain.diff import Piece, word_diff


def test_a_replaced_word_is_separated_from_its_replacement() -> None:
    assert word_diff("The plan is late", "Recruitment plan is late") == [
        Piece("removed", "The"),
        Piece("gap", " "),
        Piece("added", "Recruitment"),
        Piece("same", " plan is late"),
    ]


def test_a_replaced_phrase_keeps_its_own_spaces() -> None:
    assert word_diff("It has been done now", "It has completed: now") == [
        Piece("same", "It has "),
        Piece("removed", "been done"),
        Piece("gap", " "),
        Piece("added", "completed:"),
        Piece("same", " now"),
    ]


def test_inserted_and_deleted_words_bring_their_space_and_no_gap() -> None:
    assert word_diff("a c", "a b c") == [Piece("same", "a "), Piece("added", "b "), Piece("same", "c")]
    assert word_diff("a b c", "a c") == [Piece("same", "a "), Piece("removed", "b "), Piece("same", "c")]


def test_reading_the_pieces_gives_back_each_text() -> None:
    before, after = "The team met twice in May.", "Recruitment of the team met its target in June."
    pieces = word_diff(before, after)
    assert "".join(p.text for p in pieces if p.kind in ("same", "removed")) == before
    assert "".join(p.text for p in pieces if p.kind in ("same", "added")) == after
