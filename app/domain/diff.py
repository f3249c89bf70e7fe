"""A readable word-level diff of two narratives."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Piece:
    kind: str  # "same", "added" or "removed"
    text: str


def word_diff(before: str, after: str) -> list[Piece]:
    old, new = re.findall(r"\S+|\s+", before or ""), re.findall(r"\S+|\s+", after or "")
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(old[i1:i2])))
        if op in ("delete", "replace"):
            pieces.append(Piece("removed", "".join(old[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(Piece("added", "".join(new[j1:j2])))
    return pieces
