"""The REST resources, built from the graph: one function per route, independent of HTTP.

Each function takes a :class:`Context` (the repository, the server's base URL for links, the
name of the reasoner's graph) and the request's parameters, runs its queries
(:mod:`api.rest.queries`) and returns the models of :mod:`api.rest.models` together with the
:class:`~api.rest.facts.Facts` they were read from (for the RDF variant). The functions are
synchronous: the routes run each one whole inside :meth:`api.sparql.engine.SparqlEngine.call`, so
one time limit covers all the queries of a request.

Values from the request reach queries only as bindings; identifiers are first resolved with
:mod:`api.rest.terms` and checked against the store (:class:`~api.rest.errors.BadRequest` for an
unknown filter value, :class:`~api.rest.errors.NotFound` for an unknown resource of the path).

Example (``repository`` is any :class:`~api.store.base.Repository`)::

    inferred = URIRef("https://w3id.org/ocsea/id/graph/inferred")
    context = Context(repository, "http://localhost:8000/", inferred)
    answer = list_statements(context, PageRequest(), StatementFilters(actor="osce-secretariat"))
    answer.total, answer.items[0].force.strength        # (4, 5)
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from urllib.parse import quote

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS
from rdflib.term import Node

from api.namespaces import (
    BASE_IRI,
    CITO,
    OCSEA,
    data_prefixes,
    id_namespace,
    instrument_iri,
    part_iri,
)
from api.rest import models as m
from api.rest import queries as sparql
from api.rest.errors import BadRequest, NotFound, RestError
from api.rest.facts import Facts
from api.rest.pagination import PageRequest
from api.rest.terms import (
    ACTOR,
    CORRESPONDENCE_TYPE,
    QUALIFIER,
    THEME,
    WORK,
    InvalidIdentifier,
    TermKind,
    candidates,
    curie,
)
from api.store.base import Repository

M = TypeVar("M")

PROVISION_TYPE = TermKind(
    "provision type", (), "/docs (ocsea:Provision subclasses)", fixed=(OCSEA,)
)
THEME_KINDS = ("theme", "capability", "topic")
_GENERIC_TYPES = {OCSEA.EncodedInstrument, OCSEA.NormativeStatement}


# -- context and answers -------------------------------------------------------------------------


@dataclass
class Context:
    """What every resource function needs: the store, the base URL, the reasoner's graph."""

    repository: Repository
    base_url: str
    """The server's base URL, ending with ``/`` (links are absolute)."""
    inferred_graph: URIRef
    base_iri: str = BASE_IRI
    """The base of the project's IRIs (``OCSEA_BASE_IRI``), ending with ``/``."""

    def facts(self) -> Facts:
        """A new, empty facts index."""
        return Facts(self.inferred_graph, self.base_iri)

    def url(self, iri: Node | None) -> str | None:
        """Where ``iri`` dereferences on this server, or ``None`` outside the project's IRIs.

        ``{base}id/X`` → ``/id/X`` and ``{base}ontology#T`` → ``/ontology#T`` (the routes of
        :mod:`api.routes.linked_data`), ``{base}`` being the configured base IRI.
        """
        if not isinstance(iri, URIRef):
            return None
        text = str(iri)
        for space in ("id/", "ontology"):
            prefix = self.base_iri + space
            rest = text[len(prefix) :]
            if text.startswith(prefix) and rest and (space == "id/" or rest[0] in "#/"):
                return self.base_url + space + quote(rest, safe="/-._~#")
        return None

    def api(self, path: str) -> str:
        """The absolute URL of an API path (``api/actors/x``)."""
        return self.base_url + path.lstrip("/")

    def select(
        self, query: str | tuple[str, list[str]], **values: Node | None
    ) -> list[dict[str, Node]]:
        """Run a keys query; ``values`` are bound (``None`` values are left out)."""
        text, variables = (query, None) if isinstance(query, str) else query
        bindings = {name: value for name, value in values.items() if value is not None}
        if variables is not None and set(bindings) != set(variables):
            raise RuntimeError(f"query wants {sorted(variables)}, got {sorted(bindings)}")
        return self.repository.select(text, bindings or None).rows


@dataclass
class Listing(Generic[M]):
    """One page of a collection, with the facts it was read from."""

    items: list[M]
    total: int
    facts: Facts
    subjects: list[URIRef] = field(default_factory=list)


@dataclass
class Item(Generic[M]):
    """One resource, with the facts it was read from."""

    item: M
    facts: Facts
    subjects: list[URIRef] = field(default_factory=list)


# -- helpers -------------------------------------------------------------------------------------


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key that puts ``st_2`` before ``st_10``."""
    return tuple(
        (0, int(piece), "") if piece.isdigit() else (1, 0, piece)
        for piece in re.split(r"(\d+)", text)
    )


def _iri(node: Node | None) -> URIRef:
    if not isinstance(node, URIRef):
        raise RuntimeError(f"expected an IRI in the answer, got {node!r}")
    return node


def _int(node: Node | None, default: int = 0) -> int:
    return int(node.toPython()) if isinstance(node, Literal) else default


def _sorted(iris: Iterable[URIRef]) -> list[URIRef]:
    return sorted(iris, key=lambda iri: natural_key(str(iri)))


def slug_of(instrument: URIRef) -> str:
    """The slug of an instrument IRI (``{base}id/{slug}``: a slug has no ``/``)."""
    return str(instrument).rsplit("/", 1)[-1]


def part_of(provision: URIRef, instrument: URIRef) -> str:
    """The part name of a provision of ``instrument`` (``…/id/{slug}/{part}``)."""
    return str(provision)[len(str(instrument)) + 1 :]


def _date(facts: Facts, subject: URIRef) -> datetime.date | None:
    value = facts.literal(subject, OCSEA.adoptionDate)
    return value if isinstance(value, datetime.date) else None


def _date_key(facts: Facts, instrument: URIRef) -> tuple[str, str]:
    found = _date(facts, instrument)
    return (found.isoformat() if found else sparql.UNDATED, str(instrument))


def _api_link(ctx: Context, iri: URIRef) -> str | None:
    text = str(iri)
    for prefix, path in (("actor", "api/actors/"), ("theme", "api/themes/theme:")):
        namespace = str(data_prefixes(ctx.base_iri)[prefix])
        if text.startswith(namespace):
            return ctx.api(path + text[len(namespace) :])
    topics = str(data_prefixes(ctx.base_iri)["topic"])
    if text.startswith(topics):
        return ctx.api("api/themes/topic:" + text[len(topics) :])
    return None


def ref(ctx: Context, facts: Facts, iri: URIRef, api: str | None = None) -> m.Ref:
    """A reference to ``iri`` with its labels (and its REST link for actors and themes)."""
    return m.Ref(
        id=str(iri), url=ctx.url(iri), api=api or _api_link(ctx, iri), label=facts.label(iri)
    )


def refs(ctx: Context, facts: Facts, iris: Iterable[URIRef]) -> list[m.Ref]:
    """References in natural order of their IRIs."""
    return [ref(ctx, facts, iri) for iri in _sorted(iris)]


def main_type(ctx: Context, facts: Facts, subject: URIRef) -> m.Ref | None:
    """The asserted class of ``subject`` (the first that is not a generic one)."""
    types = facts.types(subject)
    specific = [t for t in types if t not in _GENERIC_TYPES] or types
    return ref(ctx, facts, _sorted(specific)[0]) if specific else None


def force_ref(ctx: Context, facts: Facts, force: URIRef) -> m.ForceRef:
    """A deontic force with its strength."""
    strength = facts.strength(force)
    if strength is None:
        value = facts.literal(force, OCSEA.strength)
        strength = int(value) if isinstance(value, int) else None
    return m.ForceRef(
        id=str(force), url=ctx.url(force), label=facts.label(force), strength=strength
    )


def instrument_ref(ctx: Context, facts: Facts, instrument: URIRef) -> m.InstrumentRef:
    """A reference to an instrument (its facts must be fetched)."""
    slug = slug_of(instrument)
    return m.InstrumentRef(
        id=str(instrument),
        url=ctx.url(instrument),
        api=ctx.api(f"api/instruments/{slug}"),
        label=facts.label(instrument),
        slug=slug,
        symbol=facts.text(instrument, OCSEA.symbol),
    )


def provision_api(ctx: Context, instrument: URIRef, provision: URIRef) -> str:
    """The REST URL of a provision."""
    return ctx.api(
        f"api/instruments/{slug_of(instrument)}/provisions/{part_of(provision, instrument)}"
    )


def provision_ref(
    ctx: Context, facts: Facts, provision: URIRef, instrument: URIRef
) -> m.ProvisionRef:
    """A reference to a provision (its facts must be fetched)."""
    position = facts.literal(provision, OCSEA.position)
    return m.ProvisionRef(
        id=str(provision),
        url=ctx.url(provision),
        api=provision_api(ctx, instrument, provision),
        label=facts.label(provision),
        part=part_of(provision, instrument),
        instrument=slug_of(instrument),
        type=main_type(ctx, facts, provision),
        number=facts.text(provision, OCSEA.number),
        position=int(position) if position is not None else None,
    )


def resolve(
    ctx: Context,
    value: str,
    kind: TermKind,
    exists: str,
    variable: str,
    error: type[RestError],
) -> URIRef:
    """The one IRI that ``value`` names among things of ``kind`` that exist, else ``error``."""
    try:
        options = candidates(value, kind, ctx.base_iri)
    except InvalidIdentifier as exc:
        raise BadRequest(str(exc)) from None
    found = [iri for iri in options if ctx.select(exists, **{variable: iri})]
    if len(found) > 1:
        names = " or ".join(repr(curie(str(iri), ctx.base_iri)) for iri in found)
        raise BadRequest(f"{value!r} is ambiguous: say {names}")
    if not found:
        shown = value if len(value) <= 60 else value[:60] + "…"
        raise error(f"no {kind.name} {shown!r}; see {kind.listing} for the known ones")
    return found[0]


def resolve_instrument(ctx: Context, value: str, error: type[RestError]) -> URIRef:
    """The instrument named by a slug (or its full IRI), else ``error`` listing the known ones."""
    text = value.strip()
    id_base = id_namespace(ctx.base_iri)
    slug = text[len(id_base) :] if text.startswith(id_base) else text
    try:
        iri: URIRef | None = instrument_iri(slug, base=ctx.base_iri)
    except ValueError:
        iri = None
    if iri is not None and ctx.select(sparql.INSTRUMENT_EXISTS, instrument=iri):
        return iri
    known = ", ".join(
        sorted(slug_of(_iri(row["instrument"])) for row in ctx.select(sparql.INSTRUMENT_EXISTS))
    )
    shown = text if len(text) <= 60 else text[:60] + "…"
    raise error(f"no instrument {shown!r}; known instruments: {known}")


# -- editorial notes -----------------------------------------------------------------------------


def note_model(ctx: Context, facts: Facts, note: URIRef, instrument: URIRef) -> m.EditorialNote:
    """An editorial note of ``instrument`` (the facts of what it is about must be fetched)."""
    abouts = []
    for about in _sorted(facts.iris(note, OCSEA.about)):
        api = None
        if about == instrument:
            api = ctx.api(f"api/instruments/{slug_of(instrument)}")
        elif facts.literal(about, OCSEA.position) is not None and str(about).startswith(
            str(instrument) + "/"
        ):
            api = provision_api(ctx, instrument, about)
        abouts.append(ref(ctx, facts, about, api))
    about_property = facts.iri(note, OCSEA.aboutProperty)
    certainty = facts.iri(note, OCSEA.certainty)
    return m.EditorialNote(
        id=str(note),
        url=ctx.url(note),
        type=main_type(ctx, facts, note),
        label=facts.lang(note, RDFS.label),
        about=abouts,
        about_property=ref(ctx, facts, about_property) if about_property else None,
        certainty=ref(ctx, facts, certainty) if certainty else None,
        erroneous_text=facts.lang(note, OCSEA.erroneousText),
        corrected_reading=facts.lang(note, OCSEA.correctedReading),
        comment=facts.lang(note, RDFS.comment),
    )


# -- instruments ---------------------------------------------------------------------------------


def _instrument_fields(
    ctx: Context, facts: Facts, instrument: URIRef, row: dict[str, Node]
) -> dict[str, object]:
    slug = slug_of(instrument)
    legal_nature = facts.iri(instrument, OCSEA.legalNature)
    return {
        "id": str(instrument),
        "url": ctx.url(instrument),
        "api": ctx.api(f"api/instruments/{slug}"),
        "slug": slug,
        "type": main_type(ctx, facts, instrument),
        "label": facts.lang(instrument, RDFS.label),
        "title": facts.lang(instrument, DCTERMS.title),
        "symbol": facts.text(instrument, OCSEA.symbol),
        "date": _date(facts, instrument),
        "undated_reason": facts.lang(instrument, OCSEA.undatedReason),
        "issuers": refs(ctx, facts, facts.iris(instrument, OCSEA.issuedBy)),
        "legal_nature": ref(ctx, facts, legal_nature) if legal_nature else None,
        "provision_count": _int(row.get("provisions")),
        "statement_count": _int(row.get("statements")),
    }


def list_instruments(ctx: Context, pages: PageRequest) -> Listing[m.Instrument]:
    """The encoded instruments, by adoption date (undated last)."""
    rows = ctx.select(sparql.instrument_keys())
    page = pages.slice(rows)
    instruments = [_iri(row["instrument"]) for row in page]
    facts = ctx.facts().fetch(ctx.repository, instruments)
    items = [
        m.Instrument.model_validate(_instrument_fields(ctx, facts, _iri(row["instrument"]), row))
        for row in page
    ]
    return Listing(items, len(rows), facts, instruments)


def get_instrument(ctx: Context, slug: str) -> Item[m.InstrumentDetail]:
    """One instrument with its metadata and editorial notes."""
    instrument = resolve_instrument(ctx, slug, NotFound)
    row = ctx.select(sparql.instrument_keys(one=True), instrument=instrument)[0]
    notes = [_iri(r["note"]) for r in ctx.select(sparql.INSTRUMENT_NOTES, instrument=instrument)]
    facts = ctx.facts().fetch(ctx.repository, [instrument, *notes])
    source = facts.iri(instrument, OCSEA.sourceText)
    abouts = [a for note in notes for a in facts.iris(note, OCSEA.about)]
    facts.fetch(ctx.repository, [*([source] if source else []), *abouts])
    fields = _instrument_fields(ctx, facts, instrument, row)
    adopted_at = facts.iri(instrument, OCSEA.adoptedAt)
    language = facts.iri(instrument, DCTERMS.language)
    report = facts.iri(instrument, OCSEA.basedOnReport)
    detail = m.InstrumentDetail.model_validate(
        {
            **fields,
            "english_title_status": facts.text(instrument, OCSEA.englishTitleStatus),
            "identifier": facts.text(instrument, OCSEA.identifier),
            "adopted_at": ref(ctx, facts, adopted_at) if adopted_at else None,
            "language": str(language) if language else None,
            "source_text": m.SourceText(
                id=str(source),
                url=ctx.url(source),
                path=facts.text(source, OCSEA.path),
                sha256=facts.text(source, OCSEA.sha256),
            )
            if source
            else None,
            "based_on_report": ref(ctx, facts, report) if report else None,
            "cites": refs(ctx, facts, facts.iris(instrument, OCSEA.cites)),
            "comment": facts.lang(instrument, RDFS.comment),
            "notes": [note_model(ctx, facts, n, instrument) for n in _sorted(notes)],
        }
    )
    subjects = [instrument, *notes, *([source] if source else [])]
    return Item(detail, facts, subjects)


# -- provisions ----------------------------------------------------------------------------------


def provision_model(
    ctx: Context, facts: Facts, provision: URIRef, instrument: URIRef, statements: int
) -> dict[str, object]:
    """The fields of :class:`~api.rest.models.Provision` (facts must be fetched)."""
    sections = [s for s in facts.iris(provision, OCSEA.partOf) if s != instrument]
    return {
        "id": str(provision),
        "url": ctx.url(provision),
        "api": provision_api(ctx, instrument, provision),
        "part": part_of(provision, instrument),
        "instrument": slug_of(instrument),
        "type": main_type(ctx, facts, provision),
        "number": facts.text(provision, OCSEA.number),
        "position": int(facts.literal(provision, OCSEA.position)),
        "label": facts.lang(provision, RDFS.label),
        "text": facts.lang(provision, OCSEA.text),
        "heading": facts.lang(provision, OCSEA.heading),
        "introductory_phrase": facts.lang(provision, OCSEA.introductoryPhrase),
        "sections": [
            ref(ctx, facts, s, provision_api(ctx, instrument, s)) for s in _sorted(sections)
        ],
        "statement_count": statements,
    }


def _provision_type(ctx: Context, value: str) -> URIRef:
    return resolve(
        ctx,
        value,
        PROVISION_TYPE,
        "SELECT ?type WHERE { ?type rdfs:subClassOf* ocsea:Provision } LIMIT 1",
        "type",
        BadRequest,
    )


def list_provisions(
    ctx: Context, slug: str, pages: PageRequest, type_name: str | None = None
) -> Listing[m.Provision]:
    """The provisions of an instrument in reading order (optionally of one type)."""
    instrument = resolve_instrument(ctx, slug, NotFound)
    provision_type = _provision_type(ctx, type_name) if type_name else None
    rows = ctx.select(
        sparql.provision_keys(type_filter=provision_type is not None),
        instrument=instrument,
        type=provision_type,
    )
    page = pages.slice(rows)
    provisions = [_iri(row["provision"]) for row in page]
    facts = ctx.facts().fetch(ctx.repository, provisions)
    items = [
        m.Provision.model_validate(
            provision_model(ctx, facts, _iri(row["provision"]), instrument, _int(row["statements"]))
        )
        for row in page
    ]
    return Listing(items, len(rows), facts, provisions)


def statement_model(
    ctx: Context, facts: Facts, statement: URIRef, provision: URIRef, instrument: URIRef
) -> dict[str, object]:
    """The fields of :class:`~api.rest.models.Statement` (facts of all three fetched)."""
    force = facts.iri(statement, OCSEA.deonticForce)
    provision_text = facts.text(provision, OCSEA.text) or ""

    def in_text_order(texts: list[dict[str, str]]) -> list[dict[str, str]]:
        def where(text: dict[str, str]) -> int:
            found = provision_text.find(next(iter(text.values()), ""))
            return found if found >= 0 else len(provision_text)

        return sorted(texts, key=where)

    def role(prop: URIRef) -> list[m.Ref]:
        return refs(ctx, facts, facts.iris(statement, prop))

    return {
        "id": str(statement),
        "url": ctx.url(statement),
        "label": facts.lang(statement, RDFS.label),
        "kinds": refs(ctx, facts, facts.types(statement)),
        "instrument": instrument_ref(ctx, facts, instrument),
        "provision": provision_ref(ctx, facts, provision, instrument),
        "verbatim_verb": facts.lang(statement, OCSEA.verbatimVerb),
        "chapeau_verb": facts.lang(statement, OCSEA.chapeauVerb),
        "is_indirect": facts.literal(statement, OCSEA.isIndirect) is True,
        "force": force_ref(ctx, facts, force) if force else None,
        "addressees": role(OCSEA.addressee),
        "partners": role(OCSEA.partner),
        "indirect_targets": role(OCSEA.indirectTarget),
        "beneficiaries": role(OCSEA.beneficiary),
        "concerned": role(OCSEA.concerns),
        "addressee_basis": facts.lang(statement, OCSEA.addresseeBasis),
        "qualifiers": role(OCSEA.qualifier),
        "qualifier_texts": in_text_order(facts.lang_all(statement, OCSEA.qualifierText)),
        "themes": role(OCSEA.theme),
        "action_summary": facts.lang(statement, OCSEA.actionSummary),
        "quote": facts.lang(statement, OCSEA.quote),
        "comment": facts.lang(statement, RDFS.comment),
    }


def _work_model(ctx: Context, facts: Facts, work: URIRef) -> m.Work:
    return m.Work(
        id=str(work),
        url=ctx.url(work),
        type=main_type(ctx, facts, work),
        label=facts.lang(work, RDFS.label),
        title=facts.lang(work, DCTERMS.title),
        alt_labels=facts.lang_all(work, SKOS.altLabel),
        identifier=facts.text(work, OCSEA.identifier),
        symbol=facts.text(work, OCSEA.symbol),
        date=_date(facts, work),
        issuers=refs(ctx, facts, facts.iris(work, OCSEA.issuedBy)),
        comment=facts.lang(work, RDFS.comment),
    )


def _citations_of(ctx: Context, facts: Facts, provision: URIRef) -> list[m.ProvisionCitation]:
    citations = []
    cito_relations = [p for p in facts.predicates(provision) if str(p).startswith(str(CITO))]
    for work in _sorted(facts.iris(provision, OCSEA.cites)):
        relations = [p for p in cito_relations if work in facts.iris(provision, p)]
        citations.append(
            m.ProvisionCitation(
                work=_work_model(ctx, facts, work),
                relations=sorted(curie(str(p), ctx.base_iri) for p in relations),
            )
        )
    return citations


def get_provision(ctx: Context, slug: str, part: str) -> Item[m.ProvisionDetail]:
    """One provision with its statements, footnotes, citations, notes and correspondences."""
    instrument = resolve_instrument(ctx, slug, NotFound)
    try:
        provision = part_iri(slug_of(instrument), part, base=ctx.base_iri)
    except ValueError:
        provision = None
    rows = (
        ctx.select(sparql.provision_keys(one=True), instrument=instrument, provision=provision)
        if provision is not None
        else []
    )
    if not rows:
        shown = part if len(part) <= 60 else part[:60] + "…"
        raise NotFound(
            f"instrument {slug_of(instrument)!r} has no provision {shown!r}; see "
            f"/api/instruments/{slug_of(instrument)}/provisions"
        )
    assert provision is not None
    statements = [
        _iri(r["statement"]) for r in ctx.select(sparql.PROVISION_STATEMENTS, provision=provision)
    ]
    notes = [_iri(r["note"]) for r in ctx.select(sparql.PROVISION_NOTES, provision=provision)]
    correspondence_rows = ctx.select(
        sparql.correspondence_keys(provision=True), provision=provision
    )
    linked = _correspondence_subjects(correspondence_rows)
    facts = ctx.facts().fetch(ctx.repository, [provision, instrument, *statements, *notes, *linked])
    footnotes = _sorted(facts.iris(provision, OCSEA.hasFootnote))
    works = facts.iris(provision, OCSEA.cites)
    abouts = [a for note in notes for a in facts.iris(note, OCSEA.about)]
    facts.fetch(ctx.repository, [*footnotes, *works, *abouts])
    fields = provision_model(ctx, facts, provision, instrument, _int(rows[0]["statements"]))
    detail = m.ProvisionDetail.model_validate(
        {
            **fields,
            "themes": refs(ctx, facts, facts.iris(provision, OCSEA.theme)),
            "mentions": refs(ctx, facts, facts.iris(provision, OCSEA.mentions)),
            "statements": [
                statement_model(ctx, facts, s, provision, instrument) for s in statements
            ],
            "footnotes": [
                m.Footnote(
                    id=str(f),
                    url=ctx.url(f),
                    api=provision_api(ctx, instrument, f),
                    number=facts.text(f, OCSEA.number),
                    text=facts.lang(f, OCSEA.text),
                )
                for f in footnotes
            ],
            "citations": _citations_of(ctx, facts, provision),
            "notes": [note_model(ctx, facts, n, instrument) for n in _sorted(notes)],
            "correspondences": [
                _correspondence_model(ctx, facts, row) for row in correspondence_rows
            ],
        }
    )
    subjects = [provision, *statements, *footnotes, *notes]
    return Item(detail, facts, subjects)


# -- statements ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementFilters:
    """The filters of ``/api/statements`` as given by the client (unresolved)."""

    actor: str | None = None
    role: str | None = None
    theme: str | None = None
    min_strength: int | None = None
    instrument: str | None = None
    qualifier: str | None = None
    q: str | None = None


def _statement_rows(ctx: Context, filters: StatementFilters) -> list[dict[str, Node]]:
    actor = (
        resolve(ctx, filters.actor, ACTOR, sparql.ACTOR_EXISTS, "actor", BadRequest)
        if filters.actor
        else None
    )
    if filters.role and actor is None:
        raise BadRequest("role= needs actor= (the role of which actor?)")
    role = sparql.ROLES[filters.role] if filters.role else None
    theme = (
        resolve(ctx, filters.theme, THEME, sparql.theme_exists(ctx.base_iri), "concept", BadRequest)
        if filters.theme
        else None
    )
    qualifier = (
        resolve(ctx, filters.qualifier, QUALIFIER, sparql.QUALIFIER_EXISTS, "qualifier", BadRequest)
        if filters.qualifier
        else None
    )
    instrument = (
        resolve_instrument(ctx, filters.instrument, BadRequest) if filters.instrument else None
    )
    text = filters.q.strip() if filters.q and filters.q.strip() else None
    query = sparql.statement_keys(
        actor=actor is not None,
        role=role is not None,
        theme=theme is not None,
        min_strength=filters.min_strength is not None,
        instrument=instrument is not None,
        qualifier=qualifier is not None,
        text=text is not None,
    )
    return ctx.select(
        query,
        actor=actor,
        role=role,
        inferredGraph=ctx.inferred_graph if actor is not None else None,
        theme=theme,
        qualifier=qualifier,
        instrument=instrument,
        minStrength=Literal(filters.min_strength) if filters.min_strength is not None else None,
        q=Literal(text) if text is not None else None,
    )


def _statement_page(
    ctx: Context, rows: Sequence[dict[str, Node]]
) -> tuple[Facts, list[dict[str, object]], list[URIRef]]:
    keys = [(_iri(r["statement"]), _iri(r["provision"]), _iri(r["instrument"])) for r in rows]
    statements = [k[0] for k in keys]
    facts = ctx.facts().fetch(
        ctx.repository,
        [*statements, *{k[1]: None for k in keys}, *{k[2]: None for k in keys}],
    )
    models = [statement_model(ctx, facts, s, p, i) for s, p, i in keys]
    return facts, models, statements


def list_statements(
    ctx: Context, pages: PageRequest, filters: StatementFilters
) -> Listing[m.Statement]:
    """Statements matching all ``filters``, strongest first (see :mod:`api.rest.queries`)."""
    rows = _statement_rows(ctx, filters)
    page = pages.slice(rows)
    facts, fields, statements = _statement_page(ctx, page)
    items = [m.Statement.model_validate(f) for f in fields]
    return Listing(items, len(rows), facts, statements)


# -- actors --------------------------------------------------------------------------------------


def _role_name(prop: Node) -> str:
    for name, role_property in sparql.ROLES.items():
        if prop == role_property:
            return name
    raise RuntimeError(f"unexpected role {prop!r}")


@dataclass
class _ActorCounts:
    statements: set[URIRef] = field(default_factory=set)
    roles: Counter[str] = field(default_factory=Counter)
    by_instrument: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))


def _actor_counts(rows: Iterable[dict[str, Node]]) -> dict[URIRef, _ActorCounts]:
    counts: dict[URIRef, _ActorCounts] = defaultdict(_ActorCounts)
    seen: set[tuple[URIRef, str, URIRef]] = set()
    for row in rows:
        actor, statement = _iri(row["actor"]), _iri(row["statement"])
        role = _role_name(row["role"])
        entry = counts[actor]
        entry.statements.add(statement)
        if (actor, role, statement) not in seen:
            seen.add((actor, role, statement))
            entry.roles[role] += 1
        if "instrument" in row:
            entry.by_instrument[_iri(row["instrument"])].add(statement)
    return counts


def _actor_fields(
    ctx: Context, facts: Facts, actor: URIRef, counts: _ActorCounts
) -> dict[str, object]:
    parent = facts.iri(actor, OCSEA.parentOrganisation)
    instruments = sorted(counts.by_instrument, key=lambda i: _date_key(facts, i))
    return {
        "id": str(actor),
        "url": ctx.url(actor),
        "api": _api_link(ctx, actor),
        "type": main_type(ctx, facts, actor),
        "label": facts.lang(actor, RDFS.label),
        "alt_labels": facts.lang_all(actor, SKOS.altLabel),
        "comment": facts.lang(actor, RDFS.comment),
        "parent": ref(ctx, facts, parent) if parent else None,
        "statement_count": len(counts.statements),
        "roles": m.RoleCounts(**{name: counts.roles[name] for name in sparql.ROLES}),
        "instruments": [
            m.InstrumentCount(
                instrument=instrument_ref(ctx, facts, i),
                statements=len(counts.by_instrument[i]),
            )
            for i in instruments
        ],
    }


def list_actors(ctx: Context, pages: PageRequest) -> Listing[m.Actor]:
    """All actors, most concerned first (then by English label)."""
    actors = {_iri(r["actor"]): str(r.get("label", "")) for r in ctx.select(sparql.ACTORS)}
    counts = _actor_counts(ctx.select(sparql.ACTOR_ROLES, inferredGraph=ctx.inferred_graph))
    ordered = sorted(
        actors,
        key=lambda a: (-len(counts[a].statements), actors[a].casefold(), str(a)),
    )
    page = pages.slice(ordered)
    instruments = {i for a in page for i in counts[a].by_instrument}
    facts = ctx.facts().fetch(ctx.repository, [*page, *instruments])
    items = [m.Actor.model_validate(_actor_fields(ctx, facts, a, counts[a])) for a in page]
    return Listing(items, len(ordered), facts, page)


def get_actor(ctx: Context, identifier: str) -> Item[m.ActorDetail]:
    """An actor and every statement that concerns it, strongest first."""
    actor = resolve(ctx, identifier, ACTOR, sparql.ACTOR_EXISTS, "actor", NotFound)
    rows = _statement_rows(ctx, StatementFilters(actor=str(actor)))
    role_rows = ctx.select(sparql.STATEMENT_ROLES, actor=actor, inferredGraph=ctx.inferred_graph)
    instrument_of = {_iri(r["statement"]): r["instrument"] for r in rows}
    counts = _actor_counts(
        {**r, "instrument": instrument_of[_iri(r["statement"])]}
        for r in role_rows
        if _iri(r["statement"]) in instrument_of
    ).get(actor, _ActorCounts())
    roles: dict[URIRef, list[str]] = defaultdict(list)
    for r in role_rows:
        name = _role_name(r["role"])
        if name not in roles[_iri(r["statement"])]:
            roles[_iri(r["statement"])].append(name)
    facts, fields, statements = _statement_page(ctx, rows)
    facts.fetch(ctx.repository, [actor])
    items = []
    for f, statement in zip(fields, statements, strict=True):
        names = sorted(roles[statement], key=list(sparql.ROLES).index)
        items.append(
            m.ActorStatement.model_validate(
                {**f, "roles": names, "indirect_target": "indirect_target" in names}
            )
        )
    detail = m.ActorDetail.model_validate(
        {**_actor_fields(ctx, facts, actor, counts), "statements": items}
    )
    return Item(detail, facts, [actor, *statements])


# -- themes --------------------------------------------------------------------------------------


@dataclass
class _Coverage:
    statements: Counter[URIRef] = field(default_factory=Counter)
    forces: dict[URIRef, dict[URIRef, int | None]] = field(
        default_factory=lambda: defaultdict(dict)
    )


def _coverage(rows: Iterable[dict[str, Node]]) -> dict[URIRef, _Coverage]:
    coverage: dict[URIRef, _Coverage] = defaultdict(_Coverage)
    for row in rows:
        entry = coverage[_iri(row["concept"])]
        instrument = _iri(row["instrument"])
        entry.statements[instrument] += _int(row["statements"])
        force = row.get("force")
        if isinstance(force, URIRef):
            strength = row.get("strength")
            entry.forces[instrument][force] = _int(strength) if strength is not None else None
    return coverage


def _coverage_models(ctx: Context, facts: Facts, entry: _Coverage) -> list[m.Coverage]:
    result = []
    for instrument in sorted(entry.statements, key=lambda i: _date_key(facts, i)):
        forces = entry.forces.get(instrument, {})
        strengths = [s for s in forces.values() if s is not None]
        strongest = max(strengths) if strengths else None
        result.append(
            m.Coverage(
                instrument=instrument_ref(ctx, facts, instrument),
                statements=entry.statements[instrument],
                max_strength=strongest,
                strongest_forces=[
                    force_ref(ctx, facts, f)
                    for f in _sorted(f for f, s in forces.items() if s == strongest)
                ]
                if strongest is not None
                else [],
            )
        )
    return result


def _theme_kind(ctx: Context, row: dict[str, Node]) -> str:
    if row.get("scheme") == sparql.theme_schemes(ctx.base_iri)[1]:
        return "topic"
    return "capability" if _int(row.get("broader")) else "theme"


def _notation_key(notation: str | None) -> tuple[int, str]:
    digits = re.sub(r"\D", "", notation or "")
    return (int(digits) if digits else 10**6, notation or "")


def _theme_fields(
    ctx: Context, facts: Facts, concept: URIRef, kind: str, entry: _Coverage
) -> dict[str, object]:
    return {
        "id": str(concept),
        "url": ctx.url(concept),
        "api": _api_link(ctx, concept),
        "kind": kind,
        "notation": facts.text(concept, SKOS.notation),
        "label": facts.lang(concept, RDFS.label),
        "definition": facts.lang(concept, SKOS.definition),
        "broader": refs(ctx, facts, facts.iris(concept, SKOS.broader)),
        "related": refs(ctx, facts, facts.iris(concept, SKOS.related)),
        "statement_count": sum(entry.statements.values()),
        "coverage": _coverage_models(ctx, facts, entry),
    }


def _coverage_subjects(coverage: Iterable[_Coverage]) -> list[URIRef]:
    found: dict[URIRef, None] = {}
    for entry in coverage:
        for instrument, forces in entry.forces.items():
            found[instrument] = None
            found.update(dict.fromkeys(forces))
        found.update(dict.fromkeys(entry.statements))
    return list(found)


def list_themes(ctx: Context, pages: PageRequest, kind: str | None = None) -> Listing[m.Theme]:
    """Backbone themes, capabilities and topics, with their coverage per instrument."""
    concepts = {
        _iri(row["concept"]): (_theme_kind(ctx, row), row)
        for row in ctx.select(sparql.themes(ctx.base_iri))
    }
    if kind is not None:
        concepts = {c: v for c, v in concepts.items() if v[0] == kind}
    ordered = sorted(
        concepts,
        key=lambda c: (
            THEME_KINDS.index(concepts[c][0]),
            _notation_key(str(concepts[c][1].get("notation", "")) or None),
            str(concepts[c][1].get("label", "")).casefold(),
            str(c),
        ),
    )
    page = pages.slice(ordered)
    coverage = _coverage(ctx.select(sparql.theme_coverage(base_iri=ctx.base_iri)))
    facts = ctx.facts().fetch(
        ctx.repository, [*page, *_coverage_subjects(coverage[c] for c in page)]
    )
    items = [
        m.Theme.model_validate(_theme_fields(ctx, facts, c, concepts[c][0], coverage[c]))
        for c in page
    ]
    return Listing(items, len(ordered), facts, page)


def get_theme(ctx: Context, identifier: str) -> Item[m.ThemeDetail]:
    """A theme, its narrower concepts, coverage and the statements on it, strongest first."""
    concept = resolve(
        ctx, identifier, THEME, sparql.theme_exists(ctx.base_iri), "concept", NotFound
    )
    scheme = ctx.select(sparql.theme_exists(ctx.base_iri), concept=concept)[0]["scheme"]
    coverage = _coverage(
        ctx.select(sparql.theme_coverage(one=True, base_iri=ctx.base_iri), concept=concept)
    ).get(concept, _Coverage())
    narrower = [_iri(r["narrower"]) for r in ctx.select(sparql.THEME_NARROWER, concept=concept)]
    rows = _statement_rows(ctx, StatementFilters(theme=str(concept)))
    facts, fields, statements = _statement_page(ctx, rows)
    facts.fetch(ctx.repository, [concept, *narrower, *_coverage_subjects([coverage])])
    source = facts.iri(concept, DCTERMS.source)
    if source is not None:
        facts.fetch(ctx.repository, [source])
    kind = _theme_kind(
        ctx, {"scheme": scheme, "broader": Literal(len(facts.iris(concept, SKOS.broader)))}
    )
    source_ref = None
    if source is not None:
        owners = ctx.select(sparql.PROVISION_INSTRUMENT, provision=source)
        api = provision_api(ctx, _iri(owners[0]["instrument"]), source) if owners else None
        source_ref = ref(ctx, facts, source, api)
    detail = m.ThemeDetail.model_validate(
        {
            **_theme_fields(ctx, facts, concept, kind, coverage),
            "narrower": [ref(ctx, facts, n) for n in narrower],
            "source": source_ref,
            "statements": [m.Statement.model_validate(f) for f in fields],
        }
    )
    return Item(detail, facts, [concept, *statements])


# -- qualifiers and forces -----------------------------------------------------------------------


def list_qualifiers(ctx: Context, pages: PageRequest) -> Listing[m.Qualifier]:
    """The qualifier concepts, most used first."""
    rows = ctx.select(sparql.QUALIFIERS)
    page = pages.slice(rows)
    qualifiers = [_iri(r["qualifier"]) for r in page]
    facts = ctx.facts().fetch(ctx.repository, qualifiers)
    items = [
        m.Qualifier(
            id=str(q),
            url=ctx.url(q),
            label=facts.lang(q, RDFS.label),
            alt_labels=facts.lang_all(q, SKOS.altLabel),
            definition=facts.lang(q, SKOS.definition),
            broader=refs(ctx, facts, facts.iris(q, SKOS.broader)),
            statement_count=_int(r["statements"]),
        )
        for q, r in zip(qualifiers, page, strict=True)
    ]
    return Listing(items, len(rows), facts, qualifiers)


def list_forces(ctx: Context, pages: PageRequest) -> Listing[m.Force]:
    """The deontic forces, strongest first."""
    rows = ctx.select(sparql.FORCES)
    page = pages.slice(rows)
    forces = [_iri(r["force"]) for r in page]
    facts = ctx.facts().fetch(ctx.repository, forces)
    items = [
        m.Force(
            id=str(f),
            url=ctx.url(f),
            label=facts.lang(f, RDFS.label),
            strength=_int(r["strength"]) if "strength" in r else None,
            definition=facts.lang(f, SKOS.definition),
            statement_count=_int(r["statements"]),
        )
        for f, r in zip(forces, page, strict=True)
    ]
    return Listing(items, len(rows), facts, forces)


# -- citations and correspondences ---------------------------------------------------------------


def list_citations(
    ctx: Context, pages: PageRequest, instrument: str | None = None, work: str | None = None
) -> Listing[m.Citation]:
    """Provisions citing works, in document order (instruments by date)."""
    instrument_iri_ = resolve_instrument(ctx, instrument, BadRequest) if instrument else None
    work_iri = resolve(ctx, work, WORK, sparql.WORK_EXISTS, "work", BadRequest) if work else None
    rows = ctx.select(
        sparql.citation_keys(instrument=instrument_iri_ is not None, work=work_iri is not None),
        instrument=instrument_iri_,
        work=work_iri,
    )
    page = pages.slice(rows)
    keys = [(_iri(r["provision"]), _iri(r["work"]), _iri(r["instrument"])) for r in page]
    facts = ctx.facts().fetch(ctx.repository, [s for key in keys for s in key])
    items = []
    for provision, cited, owner in keys:
        relations = [
            p
            for p in facts.predicates(provision)
            if str(p).startswith(str(CITO)) and cited in facts.iris(provision, p)
        ]
        items.append(
            m.Citation(
                instrument=instrument_ref(ctx, facts, owner),
                provision=provision_ref(ctx, facts, provision, owner),
                work=_work_model(ctx, facts, cited),
                relations=sorted(curie(str(p), ctx.base_iri) for p in relations),
            )
        )
    subjects = list(dict.fromkeys(s for key in keys for s in key[:2]))
    return Listing(items, len(rows), facts, subjects)


def _correspondence_subjects(rows: Iterable[dict[str, Node]]) -> list[URIRef]:
    found: dict[URIRef, None] = {}
    for row in rows:
        for name in ("correspondence", "from", "to", "fromInstrument", "toInstrument"):
            found[_iri(row[name])] = None
    return list(found)


def _correspondence_model(ctx: Context, facts: Facts, row: dict[str, Node]) -> m.Correspondence:
    correspondence = _iri(row["correspondence"])
    from_instrument, to_instrument = _iri(row["fromInstrument"]), _iri(row["toInstrument"])
    kind = facts.iri(correspondence, OCSEA.correspondenceType)
    return m.Correspondence(
        id=str(correspondence),
        url=ctx.url(correspondence),
        label=facts.lang(correspondence, RDFS.label),
        type=ref(ctx, facts, kind) if kind else None,
        from_instrument=instrument_ref(ctx, facts, from_instrument),
        from_provision=provision_ref(ctx, facts, _iri(row["from"]), from_instrument),
        to_instrument=instrument_ref(ctx, facts, to_instrument),
        to_provision=provision_ref(ctx, facts, _iri(row["to"]), to_instrument),
        capabilities=refs(ctx, facts, facts.iris(correspondence, OCSEA.onCapability)),
        comment=facts.lang(correspondence, RDFS.comment),
    )


def list_correspondences(
    ctx: Context,
    pages: PageRequest,
    instrument: str | None = None,
    type_name: str | None = None,
    theme: str | None = None,
) -> Listing[m.Correspondence]:
    """Cross-instrument correspondences, by the date of the earlier instrument."""
    instrument_value = resolve_instrument(ctx, instrument, BadRequest) if instrument else None
    type_value = (
        resolve(
            ctx,
            type_name,
            CORRESPONDENCE_TYPE,
            sparql.CORRESPONDENCE_TYPE_EXISTS,
            "type",
            BadRequest,
        )
        if type_name
        else None
    )
    theme_value = (
        resolve(ctx, theme, THEME, sparql.theme_exists(ctx.base_iri), "concept", BadRequest)
        if theme
        else None
    )
    rows = ctx.select(
        sparql.correspondence_keys(
            instrument=instrument_value is not None,
            type_filter=type_value is not None,
            theme=theme_value is not None,
        ),
        instrument=instrument_value,
        type=type_value,
        theme=theme_value,
    )
    page = pages.slice(rows)
    facts = ctx.facts().fetch(ctx.repository, _correspondence_subjects(page))
    items = [_correspondence_model(ctx, facts, row) for row in page]
    subjects = [_iri(row["correspondence"]) for row in page]
    return Listing(items, len(rows), facts, subjects)
