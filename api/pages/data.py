"""What the pages show, read from the graph with the REST resource functions, cached per version.

:class:`SiteData` holds the data of every page for one version of the store. It reads the graph
only through :mod:`api.rest.resources` (instruments, provisions, statements, actors, themes,
citations, correspondences), so the pages show exactly what the REST API serves, and it keeps
each answer until the store changes: :class:`PageCache` gives the :class:`SiteData` of the
store's current ``repository.version()`` and drops the old one. The data is language-neutral
(labels keep all their languages); the templates pick the interface language.

Links inside the data are paths on this server (``/id/…``, ``/api/…``), under the app's mount
prefix: the REST context is built with the prefix as its base URL.

Example (inside ``engine.call``, the store's version known)::

    site = cache.site(version, root_path="", context=lambda: Context(repository, "/", inferred))
    page = site.instrument_page("unga-res-74-174")
    [p.anchor for p in page.provisions][:3]          # ['preface_1', 'preface_2', 'preface_3']
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from rdflib.term import URIRef

from api.namespaces import INFERRED_GRAPH, graph_iri, id_namespace
from api.pages.highlight import Segment, anchor_of, first_text, provision_segments
from api.rest import models as m
from api.rest import queries as sparql
from api.rest import resources as r
from api.rest.pagination import PageRequest

T = TypeVar("T")

EVERYTHING = PageRequest(page=1, per_page=10**9)
"""One page holding a whole collection (the pages show collections whole)."""

ASKING_ROLES = ("addressee", "partner")
"""The roles in which a statement asks something of an actor (the others concern it)."""

MAX_SEARCH_RESULTS = 200
"""At most this many results of each kind on the search page."""

MAX_QUERY_LENGTH = 200
"""The longest search text accepted (characters)."""


# -- the pages' data -----------------------------------------------------------------------------


@dataclass
class StatementView:
    """A statement with its quote cut into segments (its verb marked)."""

    statement: m.Statement
    quote: list[Segment]
    roles: list[str] = field(default_factory=list)
    """On an actor's page: the actor's roles in it."""

    @property
    def anchor(self) -> str:
        """Its anchor on its instrument's page."""
        return anchor_of(self.statement.id)


@dataclass
class CrossLink:
    """A correspondence seen from one of its two provisions."""

    correspondence: m.Correspondence
    direction: str
    """``to`` (this provision is the earlier one) or ``from`` (it is the later one)."""
    other: m.ProvisionRef
    other_instrument: m.InstrumentRef


@dataclass
class ProvisionView:
    """A provision of an instrument page: its text cut into segments, and what it says."""

    provision: m.Provision
    segments: list[Segment]
    statements: list[m.Statement]
    citations: list[m.Citation]
    links: list[CrossLink]

    @property
    def anchor(self) -> str:
        """Its anchor on the instrument page (its local name)."""
        return self.provision.part

    @property
    def text(self) -> str:
        """Its verbatim text."""
        return first_text(self.provision.text)


@dataclass
class InstrumentPage:
    """An instrument: its metadata, its text in reading order, its notes."""

    instrument: m.InstrumentDetail
    provisions: list[ProvisionView]
    strengths: list[tuple[int, int]]
    """(strength, statements) of the forces its statements use, strongest first."""

    @property
    def statement_count(self) -> int:
        """Statements shown on the page."""
        return sum(len(p.statements) for p in self.provisions)

    @cached_property
    def anchors(self) -> frozenset[str]:
        """The ids of the page's provisions, statements and notes (``#para_5``)."""
        return frozenset(
            [
                *(p.anchor for p in self.provisions),
                *(anchor_of(s.id) for p in self.provisions for s in p.statements),
                *(anchor_of(n.id) for n in self.instrument.notes),
            ]
        )


@dataclass
class ActorPage:
    """An actor: what is asked of it, and what else concerns it, strongest first."""

    actor: m.ActorDetail
    asked: list[StatementView]
    concerning: list[StatementView]


@dataclass
class ThemePage:
    """A theme, capability or topic: coverage per instrument and statements, strongest first."""

    theme: m.ThemeDetail
    statements: list[StatementView]


@dataclass
class MatrixCell:
    """One capability in one instrument: the statements and the strongest force among them."""

    instrument: m.Instrument
    coverage: m.Coverage | None

    @property
    def strength(self) -> int | None:
        """The strongest force's strength, ``None`` where no statement addresses it."""
        return self.coverage.max_strength if self.coverage else None

    @property
    def statements(self) -> int:
        """How many statements of the instrument are placed on the capability."""
        return self.coverage.statements if self.coverage else 0


@dataclass
class MatrixRow:
    """A capability and its cells, one per instrument."""

    capability: m.Theme
    cells: list[MatrixCell]


@dataclass
class MatrixGroup:
    """A backbone theme and its capabilities."""

    theme: m.Theme | None
    rows: list[MatrixRow]


@dataclass
class Matrix:
    """The strategic response's capabilities by the instruments."""

    instruments: list[m.Instrument]
    groups: list[MatrixGroup]

    @property
    def rows(self) -> list[MatrixRow]:
        """Every capability row, in order."""
        return [row for group in self.groups for row in group.rows]


@dataclass
class WorkNode:
    """A cited work and the citations of it, per citing instrument slug."""

    work: m.Work
    citations: dict[str, list[m.Citation]]


@dataclass
class InstrumentEdge:
    """The correspondences from the provisions of one instrument to those of another."""

    source: m.InstrumentRef
    target: m.InstrumentRef
    correspondences: list[m.Correspondence]

    def by_type(self) -> list[tuple[m.Ref | None, int]]:
        """(type, count) of its correspondences, most frequent first."""
        counts: Counter[str] = Counter()
        types: dict[str, m.Ref | None] = {}
        for item in self.correspondences:
            key = item.type.id if item.type else ""
            counts[key] += 1
            types[key] = item.type
        return [
            (types[key], n) for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]


@dataclass
class Network:
    """Who cites what, and which provisions correspond across instruments."""

    instruments: list[m.Instrument]
    works: list[WorkNode]
    edges: list[InstrumentEdge]
    citations: list[m.Citation]
    correspondences: list[m.Correspondence]


@dataclass
class SearchHit:
    """A provision, actor or theme that matches the search, with its matching text marked."""

    kind: str
    href: str
    label: dict[str, str]
    segments: list[Segment]
    context: dict[str, str] = field(default_factory=dict)
    """For a provision: its instrument's labels."""


@dataclass
class SearchResults:
    """The hits of a search, by kind."""

    query: str
    words: list[str]
    provisions: list[SearchHit]
    actors: list[SearchHit]
    themes: list[SearchHit]
    truncated: bool = False

    @property
    def total(self) -> int:
        """All hits shown."""
        return len(self.provisions) + len(self.actors) + len(self.themes)


# -- building it ---------------------------------------------------------------------------------


class SiteData:
    """The data of every page for one version of the store (built on first use, then kept)."""

    def __init__(self, context: r.Context) -> None:
        self.context = context
        self._memo: dict[tuple[str, ...], Any] = {}
        self._building: dict[tuple[str, ...], threading.Lock] = {}
        self._lock = threading.Lock()

    def _once(self, key: tuple[str, ...], build: Callable[[], T]) -> T:
        """``build()``'s value, built once. One lock per key: requests for different pages
        build in parallel, two requests for the same page build it once (the pages' builders
        call each other without cycles, so this cannot deadlock)."""
        with self._lock:
            if key in self._memo:
                found: T = self._memo[key]
                return found
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                if key in self._memo:
                    done: T = self._memo[key]
                    return done
            value = build()
            with self._lock:
                self._memo[key] = value
            return value

    def remember(self, key: tuple[str, ...], build: Callable[[], T]) -> T:
        """``build()``'s value for ``key`` (e.g. a picture in one language), built once for
        this version of the store."""
        return self._once(("remembered", *key), build)

    # -- collections

    def instruments(self) -> list[m.Instrument]:
        """The instruments by adoption date (undated last)."""
        return self._once(
            ("instruments",), lambda: r.list_instruments(self.context, EVERYTHING).items
        )

    def forces(self) -> list[m.Force]:
        """The deontic forces, strongest first."""
        return self._once(("forces",), lambda: r.list_forces(self.context, EVERYTHING).items)

    def actors(self) -> list[m.Actor]:
        """Every actor, most concerned first."""
        return self._once(("actors",), lambda: r.list_actors(self.context, EVERYTHING).items)

    def themes(self) -> list[m.Theme]:
        """Backbone themes, capabilities and topics, with coverage per instrument."""
        return self._once(("themes",), lambda: r.list_themes(self.context, EVERYTHING).items)

    def kinds(self) -> dict[str, str]:
        """IRI → ``instrument``, ``actor`` or ``theme``: the IRIs that have a page of their own."""

        def build() -> dict[str, str]:
            found = {i.id: "instrument" for i in self.instruments()}
            for row in self.context.select(sparql.ACTORS):
                found.setdefault(str(row["actor"]), "actor")
            for row in self.context.select(sparql.themes(self.context.base_iri)):
                found.setdefault(str(row["concept"]), "theme")
            return found

        return self._once(("kinds",), build)

    def instrument_slugs(self) -> set[str]:
        """The slugs of the encoded instruments."""
        return {i.slug for i in self.instruments()}

    def context_href(self, iri: str) -> str | None:
        """Where a provision, statement or editorial note is shown on its instrument's page
        (``/id/{slug}#{part}``), else ``None``."""
        id_base = id_namespace(self.context.base_iri)
        if not iri.startswith(id_base):
            return None
        slug, _, part = iri[len(id_base) :].partition("/")
        if not part or "/" in part or slug not in self.instrument_slugs():
            return None
        if part not in self.instrument_page(slug).anchors:
            return None
        return f"{self.context.base_url}id/{slug}#{part}"

    # -- pages

    def instrument_page(self, slug: str) -> InstrumentPage:
        """The page of the instrument ``slug`` (``NotFound`` if there is none)."""
        return self._once(("instrument", slug), lambda: self._instrument_page(slug))

    def _instrument_page(self, slug: str) -> InstrumentPage:
        ctx = self.context
        detail = r.get_instrument(ctx, slug).item
        provisions = r.list_provisions(ctx, slug, EVERYTHING).items
        statements = r.list_statements(ctx, EVERYTHING, r.StatementFilters(instrument=slug)).items
        citations = r.list_citations(ctx, EVERYTHING, instrument=slug).items
        correspondences = r.list_correspondences(ctx, EVERYTHING, instrument=slug).items
        by_provision: dict[str, list[m.Statement]] = defaultdict(list)
        for statement in sorted(statements, key=lambda s: r.natural_key(s.id)):
            by_provision[statement.provision.id].append(statement)
        cited: dict[str, list[m.Citation]] = defaultdict(list)
        for citation in citations:
            cited[citation.provision.id].append(citation)
        links: dict[str, list[CrossLink]] = defaultdict(list)
        for item in correspondences:
            if item.from_instrument.slug == slug:
                links[item.from_provision.id].append(
                    CrossLink(item, "to", item.to_provision, item.to_instrument)
                )
            if item.to_instrument.slug == slug:
                links[item.to_provision.id].append(
                    CrossLink(item, "from", item.from_provision, item.from_instrument)
                )
        views = []
        seen: set[str] = set()
        for provision in provisions:
            if provision.id in seen:
                continue
            seen.add(provision.id)
            own = by_provision.get(provision.id, [])
            views.append(
                ProvisionView(
                    provision=provision,
                    segments=provision_segments(
                        first_text(provision.text),
                        own,
                        first_text(provision.introductory_phrase) or None,
                        first_text(provision.heading) or None,
                    ),
                    statements=own,
                    citations=cited.get(provision.id, []),
                    links=links.get(provision.id, []),
                )
            )
        strengths = Counter(
            s.force.strength for s in statements if s.force and s.force.strength is not None
        )
        return InstrumentPage(
            instrument=detail,
            provisions=views,
            strengths=sorted(strengths.items(), reverse=True),
        )

    def actor_page(self, iri: str) -> ActorPage:
        """The page of the actor ``iri`` (``NotFound`` if there is none)."""

        def build() -> ActorPage:
            detail = r.get_actor(self.context, iri).item
            asked, concerning = [], []
            for statement in detail.statements:
                view = StatementView(statement, _quote_segments(statement), list(statement.roles))
                if set(statement.roles) & set(ASKING_ROLES):
                    asked.append(view)
                else:
                    concerning.append(view)
            return ActorPage(detail, asked, concerning)

        return self._once(("actor", iri), build)

    def theme_page(self, iri: str) -> ThemePage:
        """The page of the theme, capability or topic ``iri`` (``NotFound`` if there is none)."""

        def build() -> ThemePage:
            detail = r.get_theme(self.context, iri).item
            views = [StatementView(s, _quote_segments(s)) for s in detail.statements]
            return ThemePage(detail, views)

        return self._once(("theme", iri), build)

    def matrix(self) -> Matrix:
        """The coverage matrix: capabilities (grouped by theme) by instruments."""
        return self._once(("matrix",), self._matrix)

    def _matrix(self) -> Matrix:
        instruments = self.instruments()
        themes = self.themes()
        backbone = {t.id: t for t in themes if t.kind == "theme"}
        groups: dict[str, MatrixGroup] = {
            theme_id: MatrixGroup(theme, []) for theme_id, theme in backbone.items()
        }
        orphans = MatrixGroup(None, [])
        for capability in (t for t in themes if t.kind == "capability"):
            coverage = {c.instrument.id: c for c in capability.coverage}
            row = MatrixRow(
                capability,
                [MatrixCell(i, coverage.get(i.id)) for i in instruments],
            )
            parent = next((b.id for b in capability.broader if b.id in groups), None)
            (groups[parent] if parent else orphans).rows.append(row)
        ordered = [g for g in groups.values() if g.rows]
        if orphans.rows:
            ordered.append(orphans)
        return Matrix(instruments, ordered)

    def network(self) -> Network:
        """The citation and correspondence network."""
        return self._once(("network",), self._network)

    def _network(self) -> Network:
        citations = r.list_citations(self.context, EVERYTHING).items
        correspondences = r.list_correspondences(self.context, EVERYTHING).items
        works: dict[str, WorkNode] = {}
        for citation in citations:
            node = works.setdefault(citation.work.id, WorkNode(citation.work, {}))
            node.citations.setdefault(citation.instrument.slug, []).append(citation)
        edges: dict[tuple[str, str], InstrumentEdge] = {}
        for item in correspondences:
            key = (item.from_instrument.slug, item.to_instrument.slug)
            edge = edges.setdefault(
                key, InstrumentEdge(item.from_instrument, item.to_instrument, [])
            )
            edge.correspondences.append(item)
        order = {i.slug: n for n, i in enumerate(self.instruments())}

        def work_key(node: WorkNode) -> tuple[int, int, str]:
            first = min(order.get(slug, len(order)) for slug in node.citations)
            return (-len(node.citations), first, first_text_en(node.work.label).casefold())

        return Network(
            instruments=self.instruments(),
            works=sorted(works.values(), key=work_key),
            edges=sorted(
                edges.values(),
                key=lambda e: (order.get(e.source.slug, 99), order.get(e.target.slug, 99)),
            ),
            citations=citations,
            correspondences=correspondences,
        )

    def _search_index(self) -> SearchIndex:
        """The searchable texts, without case or accents (built once)."""

        def build() -> SearchIndex:
            provisions = []
            for instrument in self.instruments():
                for view in self.instrument_page(instrument.slug).provisions:
                    summaries = " ".join(
                        text for s in view.statements for text in s.action_summary.values()
                    )
                    provisions.append((instrument, view, normalise(f"{view.text} {summaries}")))
            actors = [
                (
                    a,
                    normalise(
                        " ".join(
                            [*a.label.values(), *(v for t in a.alt_labels for v in t.values())]
                        )
                    ),
                )
                for a in self.actors()
            ]
            themes = [
                (
                    t,
                    normalise(
                        " ".join([*t.label.values(), *t.definition.values(), t.notation or ""])
                    ),
                )
                for t in self.themes()
            ]
            return SearchIndex(provisions, actors, themes)

        return self._once(("search-index",), build)

    def search(self, query: str) -> SearchResults:
        """Provisions (verbatim text, statements' summaries), actors and themes (labels,
        definitions) matching every word of ``query``, ignoring case and accents."""
        words = [w for w in normalise(query).split() if w]
        if not words:
            return SearchResults(query, [], [], [], [])
        index = self._search_index()

        def hits(haystacks: Iterable[tuple[T, str]]) -> list[T]:
            found = [item for item, text in haystacks if all(w in text for w in words)]
            return found[: MAX_SEARCH_RESULTS + 1]

        provisions = [
            SearchHit(
                kind="provision",
                href=self.context_href(view.provision.id)
                or view.provision.url
                or view.provision.id,
                label=view.provision.label,
                segments=matched_segments(view.text, words),
                context=dict(instrument.label),
            )
            for instrument, view in hits(((i, v), text) for i, v, text in index.provisions)
        ]
        actors = [
            SearchHit("actor", a.url or a.id, a.label, _label_segments(a.label, words))
            for a in hits(index.actors)
        ]
        themes = [
            SearchHit("theme", t.url or t.id, t.label, _label_segments(t.label, words))
            for t in hits(index.themes)
        ]
        truncated = any(len(h) > MAX_SEARCH_RESULTS for h in (provisions, actors, themes))
        return SearchResults(
            query=query,
            words=words,
            provisions=provisions[:MAX_SEARCH_RESULTS],
            actors=actors[:MAX_SEARCH_RESULTS],
            themes=themes[:MAX_SEARCH_RESULTS],
            truncated=truncated,
        )


@dataclass
class SearchIndex:
    """The texts the search looks in, normalised (:func:`normalise`)."""

    provisions: list[tuple[m.Instrument, ProvisionView, str]]
    actors: list[tuple[m.Actor, str]]
    themes: list[tuple[m.Theme, str]]


def first_text_en(texts: dict[str, str]) -> str:
    """English first (sort keys and fallbacks), else any."""
    return texts.get("en") or next(iter(texts.values()), "")


def _quote_segments(statement: m.Statement) -> list[Segment]:
    return provision_segments(first_text(statement.quote), [statement])


# -- search --------------------------------------------------------------------------------------


def _fold(character: str) -> str:
    decomposed = unicodedata.normalize("NFKD", character)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def normalise(text: str) -> str:
    """``text`` without case or accents (``Niños`` → ``ninos``), for matching."""
    return "".join(_fold(c) for c in text)


def matched_segments(text: str, words: list[str]) -> list[Segment]:
    """``text`` with the occurrences of ``words`` (already normalised) emphasised."""
    folded: list[str] = []
    origin: list[int] = []
    for index, character in enumerate(text):
        for piece in _fold(character):
            folded.append(piece)
            origin.append(index)
    flat = "".join(folded)
    covered = [False] * len(text)
    for word in words:
        for match in re.finditer(re.escape(word), flat):
            for position in range(match.start(), match.end()):
                covered[origin[position]] = True
    segments: list[Segment] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or covered[index] != covered[start]:
            segments.append(Segment(text[start:index], style="match" if covered[start] else ""))
            start = index
    return [s for s in segments if s.text]


def _label_segments(label: dict[str, str], words: list[str]) -> list[Segment]:
    return matched_segments(first_text_en(label), words)


# -- the cache -----------------------------------------------------------------------------------


class PageCache:
    """The :class:`SiteData` of the store's current version, per mount prefix."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: str | None = None
        self._sites: dict[str, SiteData] = {}

    def site(self, version: str, root_path: str, context: Callable[[], r.Context]) -> SiteData:
        """The data for ``version`` (a new, empty one when the store changed)."""
        with self._lock:
            if version != self._version:
                self._version = version
                self._sites = {}
            if root_path not in self._sites:
                self._sites[root_path] = SiteData(context())
            return self._sites[root_path]


def inferred_graph_iri(base_iri: str) -> URIRef:
    """The reasoner's graph under ``base_iri``."""
    return URIRef(graph_iri(INFERRED_GRAPH, base=base_iri))
