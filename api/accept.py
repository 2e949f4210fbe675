"""Choose among offered media types by an HTTP ``Accept`` header (RFC 9110 §12.5.1).

One algorithm for every route (``/sparql``, linked data, REST), so that all answer the same header
the same way. ``python-mimeparse`` parses the media ranges and scores each offer; what it does not
do, and is added here:

- an offer may have **aliases** (``application/xml`` for SPARQL XML results, ``text/n3`` for
  Turtle…), which count only when the client names them exactly: otherwise ``text/*`` would pick
  ``application/sparql-results+xml`` through its alias ``text/xml``, and
  ``text/turtle;q=0, */*`` would bring Turtle back through ``text/n3``;
- ties are broken by the server's order of preference (the first offer wins), so ``*/*`` gives
  the default;
- ``q=0`` refuses a type; a malformed header counts as ``*/*`` (clients that send garbage still get
  an answer).

Example::

    >>> offers = [("text/turtle", ("text/n3",)), ("application/rdf+xml", ("text/xml",))]
    >>> best_offer(offers, "text/*")
    0
    >>> best_offer(offers, "text/xml")
    1
    >>> best_offer(offers, "image/png") is None
    True
"""

from __future__ import annotations

from collections.abc import Sequence

import mimeparse

Offer = tuple[str, tuple[str, ...]]
"""A media type and its aliases."""

_EXACT = 110  # mimeparse's fitness when type and subtype are both named (no wildcard)


def _score(offer: Offer, ranges: list[tuple[str, str, dict[str, str]]]) -> tuple[float, float]:
    media_type, aliases = offer
    quality, fitness = mimeparse.quality_and_fitness_parsed(media_type, ranges)
    best = (float(quality), float(fitness))
    for alias in aliases:
        alias_quality, alias_fitness = mimeparse.quality_and_fitness_parsed(alias, ranges)
        if alias_fitness >= _EXACT and (float(alias_quality), float(alias_fitness)) > best:
            best = (float(alias_quality), float(alias_fitness))
    return best


def best_offer(offers: Sequence[Offer], accept: str | None) -> int | None:
    """The index of the offer to answer with, or ``None`` when the client accepts none of them."""
    if not offers:
        return None
    if not accept or not accept.strip():
        return 0
    try:
        ranges = [mimeparse.parse_media_range(r) for r in accept.split(",") if r.strip()]
        scored = [(_score(offer, ranges), -index) for index, offer in enumerate(offers)]
    except (mimeparse.MimeTypeParseException, ValueError, IndexError):
        return 0
    (quality, _fitness), negative_index = max(scored)
    return None if quality <= 0 else -negative_index
