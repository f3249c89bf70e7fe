"""A readable word-level diff of two narratives."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Piece:
    kind: str  # "same", "added", "removed", or "gap": a space between a removed and an added run
    text: str


def word_diff(before: str, after: str) -> list[Piece]:
    """The narrative as pieces, the spaces kept. A replaced run is its removed words, a gap, then its added
    words, so "The" replaced by "Recruitment" never reads "TheRecruitment"; the gap is in neither text."""
    old, new = re.findall(r"\S+|\s+", before or ""), re.findall(r"\S+|\s+", after or "")
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        removed, added = "".join(old[i1:i2]), "".join(new[j1:j2])
        if op == "equal":
            pieces.append(Piece("same", removed))
        if op in ("delete", "replace"):
            pieces.append(Piece("removed", removed))
        if op == "replace" and not removed[-1:].isspace() and not added[:1].isspace():
            pieces.append(Piece("gap", " "))
        if op in ("insert", "replace"):
            pieces.append(Piece("added", added))
    return pieces
