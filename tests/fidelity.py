"""Rebuild a source text from the graph and measure how much of it the graph holds.

Used by the fidelity tests: every provision's text (with its
printed number) is located in the normalised source, and the share of the source's characters that
some provision covers is the coverage. A provision that cannot be located is a fidelity error (its
text was altered, or invented).

Example:
    >>> normalise("1. *Insta* a los <b>Estados</b>\\n● Miembros")
    '1. Insta a los Estados Miembros'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Drop markdown emphasis, heading marks, HTML tags and bullet signs; collapse whitespace."""
    text = _TAG.sub("", text)
    text = text.replace("*", "").replace("#", "").replace("●", " ")
    text = re.sub(r"(?m)^\s*- ", " ", text)  # markdown list markers
    return _SPACE.sub(" ", text).strip()


@dataclass
class Placement:
    """Where one provision's text was found in the source (character spans)."""

    iri: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    missing: str = ""


@dataclass
class Coverage:
    """Coverage of one source by the provisions of its instrument."""

    source_chars: int
    covered_chars: int
    placements: list[Placement]
    uncovered: list[str]

    @property
    def ratio(self) -> float:
        return self.covered_chars / self.source_chars if self.source_chars else 1.0

    @property
    def unplaced(self) -> list[Placement]:
        return [p for p in self.placements if p.missing]


def _find_free(source: str, needle: str, covered: list[bool]) -> int:
    """First occurrence of needle in source that overlaps no covered character, or -1."""
    start = source.find(needle)
    while start != -1:
        if not any(covered[start : start + len(needle)]):
            return start
        start = source.find(needle, start + 1)
    return -1


def _mark(covered: list[bool], start: int, length: int) -> None:
    for i in range(start, start + length):
        covered[i] = True


def _place(source: str, text: str, covered: list[bool], max_pieces: int) -> tuple[list, str]:
    """Place text in source, whole or in up to max_pieces runs (page breaks split paragraphs)."""
    spans: list[tuple[int, int]] = []
    words = text.split(" ")
    while words and len(spans) < max_pieces:
        # Longest prefix of the remaining words that occurs free in the source.
        lo, hi, best, best_at = 1, len(words), 0, -1
        while lo <= hi:
            mid = (lo + hi) // 2
            at = _find_free(source, " ".join(words[:mid]), covered)
            if at >= 0:
                best, best_at = mid, at
                lo = mid + 1
            else:
                hi = mid - 1
        if best == 0:
            break
        piece = " ".join(words[:best])
        _mark(covered, best_at, len(piece))
        spans.append((best_at, best_at + len(piece)))
        words = words[best:]
    return spans, " ".join(words)


def _mark_number_before(source: str, covered: list[bool], number: str, first: int) -> None:
    """Mark the printed number only where it stands right before the text's first piece."""
    for prefix in (f"{number}. ", f"{number} ", number):
        at = first - len(prefix)
        if at >= 0 and source[at:first] == prefix and not any(covered[at:first]):
            _mark(covered, at, len(prefix))
            return


def coverage(source_text: str, provisions: list[tuple[str, str | None, str]]) -> Coverage:
    """Locate each (iri, number, text) in the normalised source; longest texts first."""
    source = normalise(source_text)
    covered = [False] * len(source)
    placements: list[Placement] = []
    for iri, number, text in sorted(provisions, key=lambda p: -len(p[2])):
        text = normalise(text)
        placement = Placement(iri)
        candidates = [f"{number}. {text}", f"{number} {text}", f"{number}{text}"] if number else []
        for candidate in candidates:
            at = _find_free(source, candidate, covered)
            if at >= 0:
                _mark(covered, at, len(candidate))
                placement.spans.append((at, at + len(candidate)))
                break
        else:
            placement.spans, placement.missing = _place(source, text, covered, max_pieces=4)
            if number and placement.spans and not placement.missing:
                _mark_number_before(source, covered, number, placement.spans[0][0])
        placements.append(placement)
    significant = [i for i, ch in enumerate(source) if not ch.isspace()]
    covered_count = sum(1 for i in significant if covered[i])
    masked = "".join("\x00" if covered[i] else ch for i, ch in enumerate(source))
    uncovered = [piece.strip() for piece in masked.split("\x00") if piece.strip()]
    return Coverage(len(significant), covered_count, placements, uncovered)
