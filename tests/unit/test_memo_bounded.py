"""What a web worker keeps is bounded by the text it holds as well as by the number of results: the oldest go
first, and a result too big to keep alone is worked out each time it is asked for."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app.services import memo


def test_the_kept_results_stay_within_the_byte_bound(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "KEPT_BYTES", 10_000)
    built: list[str] = []

    def result(name: str, size: int) -> Any:
        def build() -> tuple[str, ...]:
            built.append(name)
            return ("x" * (size // 2), "y" * (size // 2))

        return build

    with app.app_context():
        for name in ("a", "b", "c"):
            memo.fixed(name, result(name, 3_000))
        memo.fixed("a", result("a", 3_000))  # kept: asked again, not built
        assert built == ["a", "b", "c"]
        memo.fixed("d", result("d", 3_000))  # 12 kB in all: the oldest looked at, "b", goes
        memo.fixed("b", result("b", 3_000))
        assert built == ["a", "b", "c", "d", "b"]
        kept = app.extensions["fixed_memo"]
        assert kept.weight <= 10_000 and len(kept.results) == 3
        memo.fixed("huge", result("huge", 20_000))
        memo.fixed("huge", result("huge", 20_000))
        assert built[-2:] == ["huge", "huge"], "a result bigger than the bound was kept"
        assert kept.weight <= 10_000


def test_a_long_tuple_is_weighed_by_its_strings() -> None:
    lines = tuple(("reference", "a" * 100) for _ in range(5_000))
    assert 5_000 * 109 <= memo._weight(lines) <= 5_000 * 109 + 5_000 * 64 * 4
