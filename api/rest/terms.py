"""Identifiers people type, and the IRIs they stand for.

The REST API accepts a thing (an actor, a theme, a qualifier, a work, an instrument) in three
spellings, so that users need not paste long IRIs:

- a bare name in the parameter's own namespace: ``un-member-states`` (an actor), ``cap-6`` (a
  theme), ``domestic-law`` (a qualifier);
- a compact IRI with one of the data prefixes (:func:`api.namespaces.data_prefixes`):
  ``actor:un-member-states``, ``topic:encryption``, ``q:consider``;
- a full IRI: ``https://w3id.org/ocsea/id/actor/un-member-states``.

:func:`candidates` turns a spelling into the IRIs it may denote (a bare theme name may be a
backbone theme or a finer topic: both are candidates, and the caller asks the store which exist).
A value that cannot be an IRI at all (spaces, ``<``, ``>``, quotes, braces, bad ``%`` escapes …)
is refused with :class:`InvalidIdentifier`; nothing is ever pasted into query text, but refusing
early gives a clear 400 instead of an engine error.

:func:`curie` goes the other way, for links: ``https://w3id.org/ocsea/id/theme/cap-6`` →
``theme:cap-6``.

Example::

    >>> [str(i) for i in candidates("actor:un-member-states", ACTOR)]
    ['https://w3id.org/ocsea/id/actor/un-member-states']
    >>> [str(i) for i in candidates("victim-support", THEME)]
    ['https://w3id.org/ocsea/id/theme/victim-support', 'https://w3id.org/ocsea/id/topic/victim-support']
    >>> curie("https://w3id.org/ocsea/id/topic/encryption")
    'topic:encryption'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Namespace, URIRef

from api.namespaces import BASE_IRI, data_prefixes, project_prefixes

MAX_IDENTIFIER_LENGTH = 500

# An absolute IRI (RFC 3987) in a conservative form every engine accepts: a scheme, then an
# optional authority (registered host name, numeric port) and path, query and fragment made of
# unreserved, sub-delimiter, ":", "@", "/", "?" characters, %-escapes and the non-ASCII ranges
# RFC 3987 allows. No IPv6 literals, user info or other rarities: nothing here needs them.
_UCS = (
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    "\U00010000-\U0001fffd\U00020000-\U0002fffd\U00030000-\U0003fffd"
    "\U00040000-\U000dfffd\U000e1000-\U000efffd"
)
_PCHAR = rf"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@{_UCS}]|%[0-9A-Fa-f]{{2}})"
_IRI = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*:"
    r"(?://[A-Za-z0-9](?:[A-Za-z0-9\-.]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?=[/?#]|\Z)|(?!//))"
    rf"(?:{_PCHAR}|/)*(?:\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?"
)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~\-]*")
_LOCAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~\-]*(?:/[A-Za-z0-9][A-Za-z0-9._~\-]*)*")


class InvalidIdentifier(ValueError):
    """The value cannot name anything (the message says why, for a 400)."""


@dataclass(frozen=True)
class TermKind:
    """A kind of thing the API looks up: what to call it and where its bare names live."""

    name: str
    """Singular, for messages: ``actor``, ``theme``."""
    prefixes: tuple[str, ...]
    """The data prefixes (:data:`api.namespaces.DATA_SPACES`) where a bare name is looked for."""
    listing: str
    """The API path that lists the known values, for hints in messages."""
    fixed: tuple[Namespace, ...] = ()
    """Namespaces that do not move with the base IRI (the ontology's), looked in after those."""

    def namespaces(self, base_iri: str = BASE_IRI) -> tuple[Namespace, ...]:
        """Where a bare name is looked for under ``base_iri``, in order."""
        spaces = data_prefixes(base_iri)
        return (*(spaces[prefix] for prefix in self.prefixes), *self.fixed)


ACTOR = TermKind("actor", ("actor",), "/api/actors")
THEME = TermKind("theme", ("theme", "topic"), "/api/themes")
QUALIFIER = TermKind("qualifier", ("q",), "/api/qualifiers")
WORK = TermKind("work", ("work",), "/api/citations")
CORRESPONDENCE_TYPE = TermKind("correspondence type", ("ctype",), "/api/correspondences")


def is_iri(value: str) -> bool:
    """True if ``value`` is an absolute IRI that any SPARQL engine accepts."""
    return bool(_IRI.fullmatch(value))


def candidates(value: str, kind: TermKind, base_iri: str = BASE_IRI) -> list[URIRef]:
    """The IRIs ``value`` may stand for under ``base_iri``, most likely first
    (``InvalidIdentifier`` if none)."""
    text = value.strip()
    if not text:
        raise InvalidIdentifier(f"the {kind.name} is empty")
    if len(text) > MAX_IDENTIFIER_LENGTH:
        raise InvalidIdentifier(
            f"the {kind.name} is {len(text)} characters long; identifiers are at most "
            f"{MAX_IDENTIFIER_LENGTH}"
        )
    if _NAME.fullmatch(text):
        return [URIRef(namespace + text) for namespace in kind.namespaces(base_iri)]
    prefixes = project_prefixes(base_iri)
    prefix, colon, local = text.partition(":")
    if colon and prefix in prefixes and not local.startswith("//"):
        if not (local == "" or _LOCAL.fullmatch(local)):
            raise InvalidIdentifier(f"{text!r} is not a valid compact IRI for a {kind.name}")
        return [URIRef(prefixes[prefix] + local)]
    if is_iri(text):
        return [URIRef(text)]
    raise InvalidIdentifier(
        f"{_shorten(text)!r} is not a valid {kind.name} identifier: give a name such as "
        f"{_example(kind)!r}, a compact IRI such as "
        f"{curie(kind.namespaces(base_iri)[0] + _example(kind), base_iri)!r} "
        f"or a full IRI (see {kind.listing})"
    )


def curie(iri: str, base_iri: str = BASE_IRI) -> str:
    """``prefix:local`` for an IRI in a known namespace under ``base_iri`` (else the IRI)."""
    best = ""
    best_prefix = ""
    for prefix, namespace in project_prefixes(base_iri).items():
        if iri.startswith(namespace) and len(namespace) > len(best):
            local = iri[len(namespace) :]
            if _NAME.fullmatch(local):
                best, best_prefix = namespace, prefix
    return f"{best_prefix}:{iri[len(best) :]}" if best else iri


def local_name(iri: str) -> str:
    """The part after the last ``#`` or ``/``: ``…/ontology#Resolution`` → ``Resolution``."""
    return re.split(r"[#/]", iri)[-1]


def _example(kind: TermKind) -> str:
    return {
        "actor": "un-member-states",
        "theme": "cap-6",
        "qualifier": "domestic-law",
        "work": "crc",
    }.get(kind.name, "same-substance")


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
