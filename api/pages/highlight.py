"""The operative verbs of a verbatim text, marked by deontic strength.

A provision's text is cut into :class:`Segment` s: plain text, the operative verb of one or more
normative statements (a :class:`VerbMark` with the strongest force among them), the
introductory phrase of a preambular paragraph (``style="em"``: in italics, as printed) or the
heading a text starts with (``style="strong"``: the strategic response's cells). The
verbs are the statements' ``ocsea:verbatimVerb``, looked for in the text from where the
statement's ``ocsea:quote`` starts (so that two statements of one paragraph find their own
occurrence of a repeated verb), else anywhere. A verb that is not in the text is left out of the
text (the page still lists its statement); overlapping marks keep the first.

Example::

    >>> marks = [VerbMark(start=0, end=5, anchors=("para_1_st_1",), strength=4, force=None)]
    >>> [(s.text, s.mark is not None) for s in cut("Insta a los Estados", marks)]
    [('Insta', True), (' a los Estados', False)]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from api.rest import models as m


@dataclass(frozen=True)
class VerbMark:
    """Where an operative verb is in a text, and the statements it expresses."""

    start: int
    end: int
    anchors: tuple[str, ...]
    """The statements' local names (their anchors on the instrument page)."""
    strength: int | None
    """The strongest force among them (0-6), if known."""
    force: m.ForceRef | None
    """That force."""


@dataclass(frozen=True)
class Segment:
    """A piece of text: plain, a verb (``mark``), or styled (``style``: ``em`` for an
    introductory phrase, ``strong`` for a heading, ``match`` for a search match)."""

    text: str
    mark: VerbMark | None = None
    style: str = ""


def first_text(texts: dict[str, str]) -> str:
    """The text of a language-tagged value (Spanish first: the instruments' language)."""
    return texts.get("es") or next(iter(texts.values()), "")


def anchor_of(iri: str) -> str:
    """The local name of a provision or statement IRI: its anchor on the instrument page."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _strength(statement: m.Statement) -> int:
    if statement.force is None or statement.force.strength is None:
        return -1
    return statement.force.strength


def verb_marks(text: str, statements: Iterable[m.Statement]) -> list[VerbMark]:
    """The marks of the statements' verbs in ``text`` (same occurrence → one mark)."""
    found: dict[tuple[int, int], list[m.Statement]] = {}
    for statement in statements:
        verb = first_text(statement.verbatim_verb)
        if not verb:
            continue
        quote = first_text(statement.quote)
        quote_start = text.find(quote) if quote else -1
        where = text.find(verb, max(quote_start, 0))
        if where < 0:
            where = text.find(verb)
        if where >= 0:
            found.setdefault((where, where + len(verb)), []).append(statement)
    marks = []
    for (start, end), group in sorted(found.items()):
        strongest = max(group, key=_strength)
        marks.append(
            VerbMark(
                start=start,
                end=end,
                anchors=tuple(anchor_of(s.id) for s in group),
                strength=strongest.force.strength if strongest.force else None,
                force=strongest.force,
            )
        )
    return marks


def cut(
    text: str, marks: Sequence[VerbMark], styled_end: int = 0, style: str = "em"
) -> list[Segment]:
    """``text`` as segments: the marks (non-overlapping, first wins), and the text before
    ``styled_end`` in ``style``."""
    segments: list[Segment] = []
    position = 0
    for mark in sorted(marks, key=lambda k: (k.start, k.end)):
        if mark.start < position:
            continue
        if mark.start > position:
            segments.extend(_plain(text, position, mark.start, styled_end, style))
        segments.append(Segment(text[mark.start : mark.end], mark=mark))
        position = mark.end
    if position < len(text):
        segments.extend(_plain(text, position, len(text), styled_end, style))
    return segments


def _plain(text: str, start: int, end: int, styled_end: int, style: str) -> list[Segment]:
    """Text from ``start`` to ``end``, the part before ``styled_end`` in ``style``."""
    split = min(max(styled_end, start), end)
    pieces = [Segment(text[start:split], style=style), Segment(text[split:end])]
    return [piece for piece in pieces if piece.text]


def provision_segments(
    text: str,
    statements: Iterable[m.Statement],
    introductory_phrase: str | None = None,
    heading: str | None = None,
) -> list[Segment]:
    """A provision's text with its statements' verbs marked, and its introductory phrase (in
    italics) or the heading it starts with (bold; not when the heading is the whole text)."""
    marks = verb_marks(text, statements)
    if introductory_phrase and text.startswith(introductory_phrase):
        return cut(text, marks, len(introductory_phrase), "em")
    if heading and text.startswith(heading) and len(heading) < len(text.strip()):
        return cut(text, marks, len(heading), "strong")
    return cut(text, marks)
