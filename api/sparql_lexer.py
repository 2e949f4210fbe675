r"""A small SPARQL tokenizer: just enough to see keywords, braces and where they are.

pyoxigraph 0.5 parses queries in Rust and exposes neither the parsed algebra nor a hook for
``SERVICE`` calls to Python, so the endpoint looks at the text itself. :func:`tokens` skips
comments, string literals, IRIs (``<…>``), variables, prefixed names (``ex:service``), numbers and
language tags, and returns the remaining bare words (keywords, upper-cased) and braces with their
offsets. That makes the checks conservative but not fooled by ``"SERVICE"`` in a string or
``<http://x/SERVICE>`` in an IRI:

- :func:`has_keyword` (e.g. ``SERVICE``, ``FROM``, ``USING``, ``WITH``);
- :func:`first_keyword`: the query or update form after the prologue (``SELECT``, ``INSERT``…);
- :func:`add_using`: add ``USING``/``USING NAMED`` clauses before each ``WHERE`` of an update.

Example::

    >>> has_keyword('SELECT * { SERVICE <http://x/> { ?s ?p ?o } }', "SERVICE")
    True
    >>> has_keyword('SELECT * { ?s ?p "SERVICE" ; <urn:SERVICE> ?service ; ex:service 1 }',
    ...             "SERVICE")
    False
    >>> first_keyword('PREFIX ex: <urn:ex:> # comment\nINSERT DATA { ex:a ex:b 1 }')
    'INSERT'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\r\n]*)
  | (?P<string>"{3}(?:[^"\\]|\\.|"(?!""))*"{3}
             |'{3}(?:[^'\\]|\\.|'(?!''))*'{3}
             |"(?:[^"\\\r\n]|\\.)*"
             |'(?:[^'\\\r\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>[^\W\d][\w.-]*:[\w.:%\\-]*|:[\w.:%\\-]*)
  | (?P<number>\d[\w.]*)
  | (?P<word>[^\W\d][\w-]*)
  | (?P<brace>[{}])
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """A keyword (upper-cased bare word) or a brace, with its offsets in the text."""

    kind: str  # "word" or "brace"
    value: str
    start: int
    end: int
    depth: int  # braces open before this token


def tokens(text: str) -> list[Token]:
    """The bare words and braces of ``text``, in order, with their brace depth."""
    out: list[Token] = []
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "word":
            out.append(Token("word", match.group().upper(), match.start(), match.end(), depth))
        elif kind == "brace":
            if match.group() == "}":
                depth = max(depth - 1, 0)
            out.append(Token("brace", match.group(), match.start(), match.end(), depth))
            if match.group() == "{":
                depth += 1
    return out


def has_keyword(text: str, *keywords: str) -> bool:
    """True when any of ``keywords`` appears as a bare word (not in a string, IRI or name)."""
    wanted = {k.upper() for k in keywords}
    return any(t.kind == "word" and t.value in wanted for t in tokens(text))


def first_keyword(text: str) -> str | None:
    """The first bare word after the ``PREFIX``/``BASE`` prologue (the form), if any."""
    for token in tokens(text):
        if token.kind == "word" and token.value not in ("PREFIX", "BASE"):
            return token.value
    return None


def add_using(update: str, graphs: Iterable[str], named_graphs: Iterable[str]) -> str:
    """``update`` with ``USING <g>`` / ``USING NAMED <g>`` before each top-level ``WHERE``.

    This is how the ``using-graph-uri`` / ``using-named-graph-uri`` protocol parameters are
    applied, as pyoxigraph's ``Store.update`` takes no dataset. Only ``DELETE``/``INSERT … WHERE``
    operations have a ``WHERE`` at brace depth 0, so the other operations are left alone. The
    short form ``DELETE WHERE { … }`` cannot carry ``USING``: :class:`ValueError`. The caller
    must first refuse updates that already have ``USING`` or ``WITH`` (the protocol says so).

    >>> add_using("INSERT { ?s a <urn:T> } WHERE { ?s ?p ?o }", ["urn:g"], ["urn:n"])
    'INSERT { ?s a <urn:T> } USING <urn:g> USING NAMED <urn:n> WHERE { ?s ?p ?o }'
    """
    clause = "".join(f"USING <{g}> " for g in graphs) + "".join(
        f"USING NAMED <{g}> " for g in named_graphs
    )
    if not clause:
        return update
    toks = tokens(update)
    inserts: list[int] = []
    for i, token in enumerate(toks):
        if token.kind == "word" and token.value == "WHERE" and token.depth == 0:
            previous = toks[i - 1] if i else None
            if previous is not None and previous.kind == "word" and previous.value == "DELETE":
                raise ValueError(
                    "using-graph-uri/using-named-graph-uri cannot apply to the short form "
                    "DELETE WHERE { … }: write DELETE { … } WHERE { … } instead"
                )
            inserts.append(token.start)
    for offset in reversed(inserts):
        update = update[:offset] + clause + update[offset:]
    return update
