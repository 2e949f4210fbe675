"""Tests of the SHACL shapes (shapes/ocsea-shapes.ttl).

Validation is run exactly as the product runs it (api/validation.py): pySHACL with the data graph =
the files under test + data/vocabularies/*.ttl, the shapes graph = shapes/ocsea-shapes.ttl, the
ontology (ontology/*.ttl) as ``ont_graph`` so that ``sh:class`` follows ``rdfs:subClassOf``,
``inference="none"`` and ``advanced=True``; only sh:Violation makes data non-conforming.

* The fictitious fixture (tests/fixtures/shapes/valid.ttl + valid-pair.ttl) conforms with no
  result at all.
* Each mutant derives from the fixture by deleting or altering a few triples with rdflib and must
  produce a result from the expected shape, with the expected severity (and a Violation must make
  the data non-conforming). A coverage test checks that every shape that can report has a mutant.
* The real instruments (data/instruments/*.ttl and data/correspondences.ttl) conform; skipped while
  there are none.
* A synthetic graph the size of the full data (~10k triples) validates in reasonable time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS, XSD
from rdflib.term import Node

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "shapes"
SHAPES_FILE = ROOT / "shapes" / "ocsea-shapes.ttl"

OCSEA = Namespace("https://w3id.org/ocsea/ontology#")
OSH = Namespace("https://w3id.org/ocsea/shapes#")
ID = Namespace("https://w3id.org/ocsea/id/")
ACTOR = Namespace("https://w3id.org/ocsea/id/actor/")
WORK = Namespace("https://w3id.org/ocsea/id/work/")
PROG = Namespace("https://w3id.org/ocsea/id/programme/")
FORCE = Namespace("https://w3id.org/ocsea/id/force/")
Q = Namespace("https://w3id.org/ocsea/id/qualifier/")
THEME = Namespace("https://w3id.org/ocsea/id/theme/")
TOPIC = Namespace("https://w3id.org/ocsea/id/topic/")
LN = Namespace("https://w3id.org/ocsea/id/legal-nature/")
CERT = Namespace("https://w3id.org/ocsea/id/certainty/")
CTYPE = Namespace("https://w3id.org/ocsea/id/correspondence-type/")
CITO = Namespace("http://purl.org/spar/cito/")
TFI = Namespace("https://w3id.org/ocsea/id/test-fixture-instrument/")
TFS = Namespace("https://w3id.org/ocsea/id/test-fixture-framework/")
INST = URIRef("https://w3id.org/ocsea/id/test-fixture-instrument")
FRAME = URIRef("https://w3id.org/ocsea/id/test-fixture-framework")
CORR = URIRef("https://w3id.org/ocsea/id/correspondence/test-fixture-hotlines")

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


# --------------------------------------------------------------------------- validation harness


@dataclass(frozen=True)
class Result:
    severity: str
    shape: str  # local name in the osh: namespace, or the node itself when not an osh: IRI
    focus: Node
    message: str
    value: Node | None


@dataclass
class Outcome:
    conforms: bool
    results: list[Result]
    report: str
    seconds: float

    def by_shape(self, shape: str) -> list[Result]:
        return [r for r in self.results if r.shape == shape]

    def severities(self) -> dict[str, int]:
        counts = dict.fromkeys(("Violation", "Warning", "Info"), 0)
        for r in self.results:
            counts[r.severity] += 1
        return counts


def parse_all(paths: Iterable[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path)
    return graph


@pytest.fixture(scope="session")
def shapes_graph() -> Graph:
    return parse_all([SHAPES_FILE])


@pytest.fixture(scope="session")
def ontology_graph() -> Graph:
    # As api/validation.py: every ontology file (core + alignments) goes in ont_graph.
    return parse_all(sorted((ROOT / "ontology").glob("*.ttl")))


@pytest.fixture(scope="session")
def vocabularies_graph() -> Graph:
    # The vocabularies belong in the data graph: pySHACL copies only RDFS/OWL axioms from
    # ont_graph, so concept memberships would otherwise be lost.
    return parse_all(sorted((ROOT / "data" / "vocabularies").glob("*.ttl")))


@pytest.fixture(scope="session")
def run(
    shapes_graph: Graph, ontology_graph: Graph, vocabularies_graph: Graph
) -> Callable[[Graph], Outcome]:
    def _run(data: Graph) -> Outcome:
        data_graph = Graph()
        data_graph += data
        data_graph += vocabularies_graph
        start = time.perf_counter()
        conforms, report_graph, report_text = pyshacl_validate(
            data_graph,
            shacl_graph=shapes_graph,
            ont_graph=ontology_graph,
            inference="none",
            advanced=True,
            allow_warnings=True,
            allow_infos=True,
            abort_on_first=False,
        )
        seconds = time.perf_counter() - start
        assert isinstance(report_graph, Graph), report_text
        results = []
        for node in report_graph.subjects(RDF.type, SH.ValidationResult):
            shape = report_graph.value(node, SH.sourceShape)
            name = str(shape)
            if isinstance(shape, URIRef) and name.startswith(str(OSH)):
                name = name[len(str(OSH)) :]
            results.append(
                Result(
                    severity=SEVERITIES[report_graph.value(node, SH.resultSeverity)],
                    shape=name,
                    focus=report_graph.value(node, SH.focusNode),
                    message=" ".join(str(m) for m in report_graph.objects(node, SH.resultMessage)),
                    value=report_graph.value(node, SH.value),
                )
            )
        violations = sum(1 for r in results if r.severity == "Violation")
        return Outcome(bool(conforms) and violations == 0, results, str(report_text), seconds)

    return _run


@pytest.fixture(scope="session")
def base_graph() -> Graph:
    """The fictitious instrument, the fictitious framework and their correspondence."""
    return parse_all([FIXTURES / "valid.ttl", FIXTURES / "valid-pair.ttl"])


def summary(outcome: Outcome, limit: int = 40) -> str:
    lines = [f"{r.severity} {r.shape} {r.focus}: {r.message}" for r in outcome.results[:limit]]
    if len(outcome.results) > limit:
        lines.append(f"… and {len(outcome.results) - limit} more")
    return "\n".join(lines)


# --------------------------------------------------------------------------- the valid fixture


def test_valid_fixture_conforms_without_any_result(
    run: Callable[[Graph], Outcome], base_graph: Graph
) -> None:
    outcome = run(base_graph)
    assert outcome.conforms, summary(outcome)
    assert outcome.results == [], summary(outcome)


def test_valid_instrument_alone_conforms_without_any_result(
    run: Callable[[Graph], Outcome],
) -> None:
    outcome = run(parse_all([FIXTURES / "valid.ttl"]))
    assert outcome.results == [], summary(outcome)


def test_valid_fixture_is_marked_fictitious() -> None:
    text = (FIXTURES / "valid.ttl").read_text(encoding="utf-8")
    assert text.startswith("# FICTITIOUS TEST INSTRUMENT — not a real text")
    graph = parse_all([FIXTURES / "valid.ttl"])
    titles = {str(t) for t in graph.objects(INST, DCTERMS.title)}
    assert "FICTITIOUS TEST INSTRUMENT — not a real text" in titles


# --------------------------------------------------------------------------- mutation helpers

Op = Callable[[Graph], None]


def drop(s: Node, p: Node, o: Node | None = None) -> Op:
    def op(g: Graph) -> None:
        assert (s, p, o) in g, f"mutant expects ({s}, {p}, {o}) in the fixture"
        g.remove((s, p, o))

    return op


def add(s: Node, p: Node, o: Node) -> Op:
    return lambda g: g.add((s, p, o))


def put(s: Node, p: Node, o: Node) -> Op:
    """Replace every value of (s, p) by o."""

    def op(g: Graph) -> None:
        assert (s, p, None) in g, f"mutant expects ({s}, {p}, …) in the fixture"
        g.remove((s, p, None))
        g.add((s, p, o))

    return op


def drop_node(s: Node) -> Op:
    def op(g: Graph) -> None:
        assert (s, None, None) in g, f"mutant expects {s} in the fixture"
        g.remove((s, None, None))

    return op


def edit(s: Node, p: Node, change: Callable[[str], str], lang: str | None = "keep") -> Op:
    """Rewrite the (single) literal value of (s, p) with ``change``; ``lang`` None drops the tag."""

    def op(g: Graph) -> None:
        old = g.value(s, p)
        assert isinstance(old, Literal), f"mutant expects a literal at ({s}, {p})"
        g.remove((s, p, old))
        tag = old.language if lang == "keep" else lang
        g.add((s, p, Literal(change(str(old)), lang=tag)))

    return op


def es(text: str) -> Literal:
    return Literal(text, lang="es")


def en(text: str) -> Literal:
    return Literal(text, lang="en")


def date(text: str) -> Literal:
    # rdflib keeps the lexical form of an ill-typed date, so impossible dates can be written.
    return Literal(text, datatype=XSD.date)


def label(
    node: URIRef, english: str | None = "Test node", spanish: str | None = "Nodo"
) -> list[Op]:
    ops: list[Op] = []
    if english is not None:
        ops.append(add(node, RDFS.label, en(english)))
    if spanish is not None:
        ops.append(add(node, RDFS.label, es(spanish)))
    return ops


def concept(
    node: URIRef,
    cls: URIRef = SKOS.Concept,
    scheme: URIRef | None = TOPIC.scheme,
    pref_en: str | None = "test concept",
    pref_es: str | None = "concepto de prueba",
    definition: str | None = "A concept made up for a test.",
) -> list[Op]:
    ops: list[Op] = [add(node, RDF.type, cls)]
    if scheme is not None:
        ops.append(add(node, SKOS.inScheme, scheme))
    if pref_en is not None:
        ops.append(add(node, SKOS.prefLabel, en(pref_en)))
    if pref_es is not None:
        ops.append(add(node, SKOS.prefLabel, es(pref_es)))
    if definition is not None:
        ops.append(add(node, SKOS.definition, en(definition)))
    return ops


THREE = Literal(3)


def force_concept(strength: Literal | None = THREE, scheme: URIRef = FORCE.scheme) -> list[Op]:
    node = TFI["test-force"]
    ops = concept(node, OCSEA.DeonticForce, scheme)
    if strength is not None:
        ops.append(add(node, OCSEA.strength, strength))
    ops.append(add(node, OCSEA.deonticModality, URIRef("https://w3id.org/dpv#Recommendation")))
    return ops


def statement(node: URIRef, provision: URIRef, verb: str, quote: str) -> list[Op]:
    """A complete, valid statement expressed in ``provision``."""
    return [
        add(node, RDF.type, OCSEA.NormativeStatement),
        *label(node, "Test statement", "Enunciado de prueba"),
        add(node, OCSEA.expressedIn, provision),
        add(node, OCSEA.verbatimVerb, es(verb)),
        add(node, OCSEA.deonticForce, FORCE.invites),
        add(node, OCSEA.addressee, ACTOR["un-member-states"]),
        add(node, OCSEA.actionSummary, en("Test summary.")),
        add(node, OCSEA.actionSummary, es("Resumen de prueba.")),
        add(node, OCSEA.theme, THEME["cap-3"]),
        add(node, OCSEA.theme, TOPIC["international-cooperation"]),
        add(node, OCSEA.quote, es(quote)),
    ]


@dataclass(frozen=True)
class Mutant:
    id: str
    shape: str
    severity: str
    ops: tuple[Op, ...] = field(repr=False)
    focus: Node | None = None
    message: str | None = None  # a substring the result's message must contain


def m(
    id: str,
    shape: str,
    severity: str,
    *ops: Op | list[Op],
    focus: Node | None = None,
    message: str | None = None,
) -> Mutant:
    flat: list[Op] = []
    for op in ops:
        flat.extend(op if isinstance(op, list) else [op])
    return Mutant(id, shape, severity, tuple(flat), focus, message)


V, W, INFO = "Violation", "Warning", "Info"
ES_TITLE = es("INSTRUMENTO DE PRUEBA FICTICIO — no es un texto real")
EN_TITLE = en("FICTITIOUS TEST INSTRUMENT — not a real text")
ST1, ST2, CE = TFI.para_1_st_1, TFI.para_2_st_1, TFS.cap_1_st_1
NOWHERE = TFI.nowhere

# Impossible dates and ill-typed integers make rdflib log a conversion traceback when such a literal
# is created. They are intended here, so that noise is kept out of the test output.
_TERM_LOG = logging.getLogger("rdflib.term")
_TERM_LOG_DISABLED, _TERM_LOG.disabled = _TERM_LOG.disabled, True

MUTANTS: list[Mutant] = [
    # --- encoded instrument --------------------------------------------------------------------
    m("instrument-title-es-missing", "Instrument-titleEs", V, drop(INST, DCTERMS.title, ES_TITLE)),
    m("instrument-title-es-twice", "Instrument-titleEs", V, add(INST, DCTERMS.title, es("Otro"))),
    m("instrument-title-en-missing", "Instrument-titleEn", W, drop(INST, DCTERMS.title, EN_TITLE)),
    m(
        "instrument-title-untagged",
        "Instrument-titleDatatype",
        V,
        add(INST, DCTERMS.title, Literal("Untagged title")),
    ),
    m("instrument-issuer-missing", "Instrument-issuedBy", V, drop(INST, OCSEA.issuedBy)),
    m("instrument-issuer-not-actor", "Instrument-issuedBy", V, put(INST, OCSEA.issuedBy, WORK.crc)),
    m(
        "instrument-legal-nature-missing",
        "Instrument-legalNature",
        V,
        drop(INST, OCSEA.legalNature),
    ),
    m(
        "instrument-legal-nature-unknown",
        "Instrument-legalNature",
        V,
        put(INST, OCSEA.legalNature, LN["binding-maybe"]),
    ),
    m(
        "instrument-legal-nature-twice",
        "Instrument-legalNature",
        V,
        add(INST, OCSEA.legalNature, LN.advocacy),
    ),
    m(
        "instrument-legal-nature-wrong-scheme",
        "Instrument-legalNature",
        V,
        concept(TFI["test-nature"], OCSEA.LegalNature, CERT.scheme),
        put(INST, OCSEA.legalNature, TFI["test-nature"]),
    ),
    m("instrument-language-missing", "Instrument-language", V, drop(INST, DCTERMS.language)),
    m(
        "instrument-language-literal",
        "Instrument-language",
        V,
        put(INST, DCTERMS.language, Literal("es")),
    ),
    m("instrument-source-missing", "Instrument-sourceText", V, drop(INST, OCSEA.sourceText)),
    m(
        "instrument-source-untyped",
        "Instrument-sourceText",
        V,
        drop(TFI.source, RDF.type, OCSEA.SourceText),
    ),
    m(
        "instrument-symbol-tagged",
        "Instrument-symbol",
        V,
        put(INST, OCSEA.symbol, en("TEST/FIXTURE/1")),
    ),
    m(
        "instrument-symbol-twice",
        "Instrument-symbolCount",
        W,
        add(INST, OCSEA.symbol, Literal("TEST/FIXTURE/1/Rev.1")),
    ),
    m("instrument-label-en-missing", "Instrument-labelEn", W, drop(INST, RDFS.label, EN_TITLE)),
    m("instrument-label-es-missing", "Instrument-labelEs", V, drop(INST, RDFS.label, ES_TITLE)),
    m(
        "instrument-without-provisions",
        "Instrument-hasProvision",
        V,
        *(
            drop(p, OCSEA.partOf, INST)
            for p in (TFI.preface_1, TFI.formula, TFI.pp_1, TFI.para_1, TFI.para_2, TFI.fn_1)
        ),
    ),
    m(
        "instrument-title-status-unknown",
        "Instrument-englishTitleStatus",
        V,
        put(INST, OCSEA.englishTitleStatus, Literal("unofficial")),
    ),
    m(
        "instrument-title-status-missing",
        "Instrument-englishTitleStatusMissing",
        W,
        drop(INST, OCSEA.englishTitleStatus),
    ),
    m(
        "instrument-undated-reason-untagged",
        "Instrument-undatedReason",
        V,
        put(FRAME, OCSEA.undatedReason, Literal("No date.")),
    ),
    m(
        "instrument-date-and-reason",
        "InstrumentDateShape",
        V,
        add(INST, OCSEA.undatedReason, en("Unknown.")),
    ),
    m("instrument-no-date-no-reason", "InstrumentDateShape", V, drop(INST, OCSEA.adoptionDate)),
    m(
        "instrument-misses-provision-citation",
        "InstrumentCitesWorksOfProvisions",
        W,
        drop(INST, OCSEA.cites, WORK.crc),
        focus=INST,
        message=str(WORK.crc),
    ),
    # --- source text -----------------------------------------------------------------------------
    m("source-path-missing", "SourceText-path", V, drop(TFI.source, OCSEA.path)),
    m(
        "source-path-outside-sources",
        "SourceText-path",
        V,
        put(TFI.source, OCSEA.path, Literal("/tmp/test.txt")),
    ),
    m("source-sha256-missing", "SourceText-sha256", V, drop(TFI.source, OCSEA.sha256)),
    m(
        "source-sha256-short",
        "SourceText-sha256",
        V,
        put(TFI.source, OCSEA.sha256, Literal("e3b0c44298fc1c149afbf4c8996fb924")),
    ),
    m(
        "source-sha256-uppercase",
        "SourceText-sha256",
        V,
        put(
            TFI.source,
            OCSEA.sha256,
            Literal("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"),
        ),
    ),
    m(
        "source-label-en-missing",
        "SourceText-labelEn",
        W,
        drop(
            TFI.source,
            RDFS.label,
            en("Source text of the FICTITIOUS TEST INSTRUMENT (no such file)"),
        ),
    ),
    # --- numbering -------------------------------------------------------------------------------
    m(
        "positions-duplicate",
        "PositionsUnique",
        V,
        put(TFI.para_2, OCSEA.position, Literal(4)),
        focus=INST,
        message="Position 4 is used by 2 provisions",
    ),
    m(
        "positions-gap",
        "PositionsGapFree",
        V,
        put(TFI.fn_1, OCSEA.position, Literal(7)),
        focus=INST,
        message="found 6 provisions with maximum position 7",
    ),
    m(
        "positions-start-at-two",
        "PositionsGapFree",
        V,
        *(
            put(p, OCSEA.position, Literal(n + 1))
            for n, p in enumerate(
                (TFI.preface_1, TFI.formula, TFI.pp_1, TFI.para_1, TFI.para_2, TFI.fn_1), start=1
            )
        ),
        message="minimum position 2",
    ),
    m(
        "positions-gap-through-section",
        "PositionsGapFree",
        V,
        put(TFS.cap_1, OCSEA.position, Literal(4)),
        focus=FRAME,
        message="found 3 provisions with maximum position 4",
    ),
    m(
        "operative-numbers-duplicate",
        "OperativeNumbersUnique",
        V,
        put(TFI.para_2, OCSEA.number, Literal("1")),
        focus=INST,
        message='Number "1"',
    ),
    m(
        "operative-numbers-out-of-order",
        "OperativeNumbersInOrder",
        V,
        put(TFI.para_1, OCSEA.number, Literal("2")),
        put(TFI.para_2, OCSEA.number, Literal("1")),
        focus=INST,
        message=f'{TFI.para_1} is numbered "2" but it comes before paragraph number 1',
    ),
    m(
        "operative-numbers-skip",
        "OperativeNumbersInOrder",
        V,
        put(TFI.para_2, OCSEA.number, Literal("3")),
        focus=INST,
        message=f'{TFI.para_2} is numbered "3" but no operative paragraph is numbered 2',
    ),
    m(
        "operative-numbers-start-at-two",
        "OperativeNumbersInOrder",
        V,
        put(TFI.para_1, OCSEA.number, Literal("2")),
        put(TFI.para_2, OCSEA.number, Literal("3")),
        focus=INST,
        message="no operative paragraph is numbered 1",
    ),
    m(
        "operative-numbers-zero",
        "OperativeNumbersInOrder",
        V,
        put(TFI.para_1, OCSEA.number, Literal("0")),
        focus=INST,
        message="number 0 is not a paragraph number",
    ),
    m(
        "footnote-numbers-duplicate",
        "FootnoteNumbersUnique",
        W,
        add(TFI.fn_2, RDF.type, OCSEA.Footnote),
        add(TFI.fn_2, OCSEA.partOf, INST),
        add(TFI.fn_2, OCSEA.number, Literal("1")),
        add(TFI.fn_2, OCSEA.position, Literal(7)),
        add(TFI.fn_2, OCSEA.text, es("Otra nota.")),
        label(TFI.fn_2),
        focus=INST,
    ),
    # --- provisions ------------------------------------------------------------------------------
    m("provision-text-missing", "Provision-textCount", V, drop(TFI.preface_1, OCSEA.text)),
    m(
        "provision-text-twice",
        "Provision-textCount",
        V,
        add(TFI.preface_1, OCSEA.text, es("Otro texto")),
    ),
    m(
        "provision-text-untagged",
        "Provision-textLanguage",
        V,
        edit(TFI.para_1, OCSEA.text, lambda s: s, lang=None),
    ),
    m(
        "provision-text-english",
        "Provision-textLanguage",
        V,
        edit(TFI.para_1, OCSEA.text, lambda s: s, lang="en"),
    ),
    m(
        "provision-text-leading-space",
        "Provision-textWhitespace",
        V,
        edit(TFI.para_1, OCSEA.text, lambda s: " " + s),
    ),
    m(
        "provision-text-trailing-space",
        "Provision-textWhitespace",
        V,
        edit(TFI.para_1, OCSEA.text, lambda s: s + " "),
    ),
    m(
        "provision-text-line-break",
        "Provision-textWhitespace",
        V,
        edit(TFI.para_1, OCSEA.text, lambda s: s.replace("nacionales de", "nacionales\nde")),
    ),
    m(
        "provision-text-double-space",
        "Provision-textWhitespace",
        V,
        edit(TFI.preface_1, OCSEA.text, lambda s: s.replace(" ", "  ")),
    ),
    m(
        "provision-text-empty",
        "Provision-textWhitespace",
        V,
        edit(TFI.preface_1, OCSEA.text, lambda s: ""),
    ),
    m(
        "provision-text-markdown",
        "Provision-textMarkup",
        V,
        edit(TFI.preface_1, OCSEA.text, lambda s: f"**{s}**"),
    ),
    m(
        "provision-text-html",
        "Provision-textMarkup",
        V,
        edit(TFI.preface_1, OCSEA.text, lambda s: f"<p>{s}</p>"),
    ),
    m(
        "provision-text-heading-mark",
        "Provision-textMarkup",
        V,
        edit(TFI.preface_1, OCSEA.text, lambda s: f"# {s}"),
    ),
    m(
        "provision-text-bullet",
        "Provision-textMarkup",
        V,
        edit(TFI.preface_1, OCSEA.text, lambda s: f"● {s}"),
    ),
    m(
        "provision-position-missing",
        "Provision-positionCount",
        V,
        drop(TFI.preface_1, OCSEA.position),
    ),
    m(
        "provision-position-twice",
        "Provision-positionCount",
        V,
        add(TFI.preface_1, OCSEA.position, Literal(7)),
    ),
    m(
        "provision-position-string",
        "Provision-positionValue",
        V,
        put(TFI.preface_1, OCSEA.position, Literal("1")),
    ),
    m(
        "provision-position-zero",
        "Provision-positionValue",
        V,
        put(TFI.preface_1, OCSEA.position, Literal(0)),
    ),
    m(
        "provision-position-ill-typed",
        "Provision-positionValue",
        V,
        put(TFI.preface_1, OCSEA.position, Literal("one", datatype=XSD.integer)),
    ),
    m(
        "provision-position-decimal",
        "Provision-positionValue",
        V,
        put(TFI.preface_1, OCSEA.position, Literal(Decimal("1.0"))),
    ),
    m("provision-partof-missing", "Provision-partOfCount", V, drop(TFI.preface_1, OCSEA.partOf)),
    m(
        "provision-partof-undescribed",
        "Provision-partOfTarget",
        V,
        put(TFI.preface_1, OCSEA.partOf, NOWHERE),
    ),
    m(
        "provision-partof-cycle",
        "Provision-reachesInstrument",
        V,
        put(TFI.preface_1, OCSEA.partOf, TFI.formula),
        put(TFI.formula, OCSEA.partOf, TFI.preface_1),
        focus=TFI.preface_1,
    ),
    m(
        "provision-partof-two-instruments",
        "Provision-reachesInstrument",
        V,
        add(TFI.preface_1, OCSEA.partOf, FRAME),
        focus=TFI.preface_1,
    ),
    m(
        "provision-partof-dangling-section",
        "Provision-reachesInstrument",
        V,
        drop(TFS.theme_1, OCSEA.partOf, FRAME),
        drop(TFS.row_1, OCSEA.partOf, FRAME),
        focus=TFS.cap_1,
    ),
    m("provision-number-integer", "Provision-number", V, put(TFI.para_1, OCSEA.number, Literal(1))),
    m(
        "provision-number-twice",
        "Provision-number",
        V,
        add(TFI.para_1, OCSEA.number, Literal("1 bis")),
    ),
    m(
        "provision-number-padded",
        "Provision-number",
        V,
        put(TFI.para_1, OCSEA.number, Literal(" 1")),
    ),
    m(
        "provision-label-en-missing",
        "Provision-labelEn",
        W,
        drop(TFI.para_1, RDFS.label, en("TEST/FIXTURE/1, operative paragraph 1")),
    ),
    m(
        "provision-label-es-missing",
        "Provision-labelEs",
        V,
        drop(TFI.para_1, RDFS.label, es("TEST/FIXTURE/1, párrafo dispositivo 1")),
    ),
    m(
        "provision-footnote-not-footnote",
        "Provision-hasFootnote",
        V,
        put(TFI.pp_1, OCSEA.hasFootnote, TFI.para_1),
    ),
    m(
        "provision-heading-untagged",
        "Provision-heading",
        V,
        edit(TFS.theme_1, OCSEA.heading, lambda s: s, lang=None),
    ),
    m(
        "provision-heading-not-in-text",
        "HeadingInText",
        W,
        put(TFS.cap_1, OCSEA.heading, es("Otra capacidad")),
        focus=TFS.cap_1,
    ),
    m(
        "provision-footnote-marker-unlinked",
        "ProvisionFootnoteMarker",
        INFO,
        drop(TFI.pp_1, OCSEA.hasFootnote),
        focus=TFI.pp_1,
    ),
    m("footnote-number-missing", "Footnote-number", V, drop(TFI.fn_1, OCSEA.number)),
    m(
        "preambular-phrase-missing",
        "PreambularParagraph-introductoryPhrase",
        W,
        drop(TFI.pp_1, OCSEA.introductoryPhrase),
    ),
    m(
        "preambular-phrase-untagged",
        "PreambularParagraph-introductoryPhraseLanguage",
        V,
        put(TFI.pp_1, OCSEA.introductoryPhrase, Literal("Recordando")),
    ),
    m(
        "preambular-phrase-not-in-text",
        "IntroductoryPhraseInText",
        W,
        put(TFI.pp_1, OCSEA.introductoryPhrase, es("Reafirmando")),
        focus=TFI.pp_1,
        message='"Reafirmando"',
    ),
    m(
        "operative-paragraph-unnumbered",
        "OperativeParagraph-number",
        INFO,
        drop(TFI.para_2, OCSEA.number),
    ),
    m(
        "operative-paragraph-without-statement",
        "OperativeProvision-expressed",
        V,
        drop_node(ST2),
        focus=TFI.para_2,
    ),
    m(
        "capability-without-statement",
        "OperativeProvision-expressed",
        V,
        drop_node(CE),
        focus=TFS.cap_1,
    ),
    # --- normative statements --------------------------------------------------------------------
    m("statement-expressed-in-missing", "Statement-expressedIn", V, drop(ST1, OCSEA.expressedIn)),
    m(
        "statement-expressed-in-twice",
        "Statement-expressedIn",
        V,
        add(ST1, OCSEA.expressedIn, TFI.para_2),
    ),
    m(
        "statement-expressed-in-undescribed",
        "Statement-expressedIn",
        V,
        put(ST1, OCSEA.expressedIn, NOWHERE),
    ),
    m(
        "statement-expressed-in-preamble",
        "Statement-expressedInOperative",
        INFO,
        statement(TFI.pp_1_st_1, TFI.pp_1, "Recordando", "Recordando la Convención"),
        focus=TFI.pp_1_st_1,
    ),
    m("statement-force-missing", "Statement-deonticForce", V, drop(ST1, OCSEA.deonticForce)),
    m(
        "statement-force-unknown",
        "Statement-deonticForce",
        V,
        put(ST1, OCSEA.deonticForce, FORCE.orders),
    ),
    m(
        "statement-force-twice",
        "Statement-deonticForce",
        V,
        add(ST1, OCSEA.deonticForce, FORCE.encourages),
    ),
    m(
        "statement-force-wrong-scheme",
        "Statement-deonticForce",
        V,
        force_concept(scheme=Q.scheme),
        put(ST1, OCSEA.deonticForce, TFI["test-force"]),
    ),
    m("statement-quote-missing", "Statement-quoteCount", V, drop(ST1, OCSEA.quote)),
    m("statement-quote-twice", "Statement-quoteCount", V, add(ST1, OCSEA.quote, es("Insta"))),
    m(
        "statement-quote-untagged",
        "Statement-quoteLanguage",
        V,
        edit(ST1, OCSEA.quote, lambda s: s, lang=None),
    ),
    m(
        "statement-quote-padded",
        "Statement-quoteTrimmed",
        W,
        put(ST1, OCSEA.quote, es(" a los Estados Miembros")),
    ),
    m(
        "statement-quote-not-in-text",
        "QuoteInText",
        V,
        edit(ST1, OCSEA.quote, lambda s: s.replace("Miembros", "miembros")),
        focus=ST1,
        message=str(TFI.para_1),
    ),
    m(
        "statement-quote-normalised-accents",
        "QuoteInText",
        V,
        edit(ST1, OCSEA.quote, lambda s: s.replace("líneas", "lineas")),
        focus=ST1,
    ),
    m("statement-verb-twice", "Statement-verbatimVerb", V, add(ST1, OCSEA.verbatimVerb, es("a"))),
    m(
        "statement-verb-untagged",
        "Statement-verbatimVerb",
        V,
        put(ST1, OCSEA.verbatimVerb, Literal("Insta")),
    ),
    m(
        "statement-verb-not-in-text",
        "VerbInText",
        V,
        put(ST1, OCSEA.verbatimVerb, es("Exhorta")),
        focus=ST1,
        message='"Exhorta"',
    ),
    m("statement-verb-wrong-case", "VerbInText", V, put(ST1, OCSEA.verbatimVerb, es("insta"))),
    m("statement-verb-missing", "StatementVerbRequired", V, drop(ST1, OCSEA.verbatimVerb)),
    m("statement-addressee-missing", "StatementAddresseeRequired", V, drop(ST1, OCSEA.addressee)),
    m(
        "statement-addressee-not-actor",
        "Statement-addressee",
        V,
        put(ST1, OCSEA.addressee, WORK.crc),
    ),
    m(
        "statement-addressee-unknown",
        "Statement-addressee",
        V,
        put(ST1, OCSEA.addressee, ACTOR["member-states"]),
    ),
    m(
        "statement-indirect-target-not-actor",
        "Statement-indirectTarget",
        V,
        put(ST2, OCSEA.indirectTarget, ACTOR["police"]),
    ),
    m("statement-partner-not-actor", "Statement-partner", V, add(CE, OCSEA.partner, WORK.crc)),
    m(
        "statement-beneficiary-not-actor",
        "Statement-beneficiary",
        V,
        put(ST1, OCSEA.beneficiary, THEME["cap-6"]),
    ),
    m(
        "statement-qualifier-unknown",
        "Statement-qualifier",
        V,
        put(ST1, OCSEA.qualifier, Q["if-possible"]),
    ),
    m(
        "statement-qualifier-other-scheme",
        "Statement-qualifier",
        V,
        put(ST1, OCSEA.qualifier, FORCE.urges),
    ),
    m(
        "statement-qualifier-text-untagged",
        "Statement-qualifierText",
        V,
        put(ST1, OCSEA.qualifierText, Literal("cuando proceda")),
    ),
    m(
        "statement-qualifier-text-not-in-text",
        "QualifierTextInText",
        W,
        put(ST1, OCSEA.qualifierText, es("según proceda")),
        focus=ST1,
    ),
    m(
        "statement-qualifier-without-text",
        "StatementQualifierWithText",
        W,
        drop(ST1, OCSEA.qualifierText),
    ),
    m(
        "statement-qualifier-text-without-concept",
        "StatementQualifierTextWithConcept",
        W,
        drop(ST1, OCSEA.qualifier),
    ),
    m(
        "statement-summary-en-missing",
        "Statement-actionSummaryEn",
        W,
        drop(
            ST1,
            OCSEA.actionSummary,
            en("Set up national reporting hotlines for children (fictitious)."),
        ),
    ),
    m(
        "statement-summary-es-missing",
        "Statement-actionSummaryEs",
        W,
        drop(
            ST1,
            OCSEA.actionSummary,
            es("Establecer líneas nacionales de denuncia para los niños (ficticio)."),
        ),
    ),
    m(
        "statement-summary-untagged",
        "Statement-actionSummaryDatatype",
        V,
        add(ST1, OCSEA.actionSummary, Literal("Untagged summary.")),
    ),
    m(
        "statement-theme-top-theme-only",
        "Statement-themeCapability",
        V,
        put(ST1, OCSEA.theme, THEME["criminal-justice"]),
    ),
    m(
        "statement-theme-topic-only",
        "Statement-themeCapability",
        V,
        drop(ST1, OCSEA.theme, THEME["cap-6"]),
    ),
    m(
        "statement-theme-unknown-capability",
        "Theme-values",
        V,
        add(ST1, OCSEA.theme, THEME["cap-27"]),
        focus=ST1,
    ),
    m(
        "statement-theme-other-scheme",
        "Theme-values",
        V,
        add(ST1, OCSEA.theme, Q["domestic-law"]),
        focus=ST1,
    ),
    m(
        "provision-theme-unknown",
        "Theme-values",
        V,
        add(TFI.para_1, OCSEA.theme, TOPIC["no-such-topic"]),
        focus=TFI.para_1,
    ),
    m(
        "statement-topic-missing",
        "Statement-themeTopic",
        W,
        drop(ST1, OCSEA.theme, TOPIC["reporting-hotlines"]),
    ),
    m(
        "statement-is-indirect-string",
        "Statement-isIndirect",
        V,
        add(ST1, OCSEA.isIndirect, Literal("true")),
    ),
    m(
        "statement-chapeau-verb-untagged",
        "Statement-chapeauVerb",
        V,
        add(ST1, OCSEA.chapeauVerb, Literal("decide")),
    ),
    m(
        "statement-addressee-basis-untagged",
        "Statement-addresseeBasis",
        V,
        put(CE, OCSEA.addresseeBasis, Literal("From the partners row.")),
    ),
    m(
        "statement-summary-reads-as-obligation",
        "SummaryKeepsForce",
        W,
        add(ST1, OCSEA.actionSummary, en("Member States must set up national reporting hotlines.")),
    ),
    m(
        "statement-label-en-missing",
        "Statement-labelEn",
        W,
        drop(ST1, RDFS.label, en("TEST/FIXTURE/1 para. 1, statement 1")),
    ),
    m(
        "statement-label-es-missing",
        "Statement-labelEs",
        V,
        drop(ST1, RDFS.label, es("TEST/FIXTURE/1 párr. 1, enunciado 1")),
    ),
    # --- capability expectations -----------------------------------------------------------------
    m(
        "capability-expectation-force",
        "CapabilityExpectation-force",
        V,
        put(CE, OCSEA.deonticForce, FORCE.encourages),
    ),
    m(
        "capability-expectation-addressee",
        "CapabilityExpectation-noAddressee",
        V,
        add(CE, OCSEA.addressee, ACTOR.wpga),
    ),
    m(
        "capability-expectation-partner-missing",
        "CapabilityExpectation-partner",
        W,
        drop(CE, OCSEA.partner),
    ),
    m(
        "capability-expectation-basis-missing",
        "CapabilityExpectation-addresseeBasis",
        W,
        drop(CE, OCSEA.addresseeBasis),
    ),
    m(
        "capability-expectation-verb",
        "CapabilityExpectationVerb",
        W,
        add(CE, OCSEA.verbatimVerb, es("Voluntad")),
    ),
    m(
        "capability-statement-untyped",
        "StatementAddresseeRequired",
        V,
        drop(CE, RDF.type, OCSEA.CapabilityExpectation),
        focus=CE,
    ),
    # --- citations and mentions ------------------------------------------------------------------
    m(
        "cites-not-a-work",
        "Cites-work",
        V,
        add(TFI.pp_1, OCSEA.cites, ACTOR.unga),
        add(INST, OCSEA.cites, ACTOR.unga),
        add(TFI.pp_1, CITO.citesAsAuthority, ACTOR.unga),
    ),
    m(
        "cites-undescribed-work",
        "Cites-label",
        V,
        add(TFI.pp_1, OCSEA.cites, WORK["crc-1990"]),
        add(INST, OCSEA.cites, WORK["crc-1990"]),
        add(TFI.pp_1, CITO.citesAsAuthority, WORK["crc-1990"]),
    ),
    m("mentions-undescribed", "Mentions-label", V, add(TFI.para_2, OCSEA.mentions, PROG.nothing)),
    m(
        "cito-without-cites",
        "CitoWithoutCites",
        W,
        drop(TFI.pp_1, OCSEA.cites, WORK.crc),
        focus=TFI.pp_1,
        message="cito",
    ),
    m(
        "cites-without-cito",
        "CitesWithoutCito",
        INFO,
        drop(TFI.pp_1, CITO.obtainsBackgroundFrom, WORK.crc),
        focus=TFI.pp_1,
    ),
    # --- dates -----------------------------------------------------------------------------------
    m(
        "date-impossible",
        "AdoptionDate-value",
        V,
        put(INST, OCSEA.adoptionDate, date("2019-02-30")),
    ),
    m("date-unpadded", "AdoptionDate-value", V, put(INST, OCSEA.adoptionDate, date("2019-2-3"))),
    m(
        "date-untyped",
        "AdoptionDate-value",
        V,
        put(INST, OCSEA.adoptionDate, Literal("2020-01-15")),
    ),
    m(
        "date-datetime",
        "AdoptionDate-value",
        V,
        put(INST, OCSEA.adoptionDate, Literal("2020-01-15T10:00:00", datatype=XSD.dateTime)),
    ),
    m("date-twice", "AdoptionDate-value", V, add(INST, OCSEA.adoptionDate, date("2020-01-16"))),
    m(
        "meeting-start-after-end",
        "MeetingDatesOrder",
        V,
        put(TFI.meeting, OCSEA.startDate, date("2020-01-16")),
    ),
    m(
        "meeting-start-impossible",
        "MeetingDates-start",
        V,
        put(TFI.meeting, OCSEA.startDate, date("2020-13-01")),
    ),
    m(
        "meeting-start-impossible-end-valid",
        "MeetingDates-start",
        V,
        put(TFI.meeting, OCSEA.startDate, date("2020-02-30")),
    ),
    m(
        "meeting-end-impossible",
        "MeetingDates-end",
        V,
        put(TFI.meeting, OCSEA.endDate, date("2021-02-29")),
    ),
    # --- editorial notes -------------------------------------------------------------------------
    m("note-about-missing", "EditorialNote-about", V, drop(TFI.note_1, OCSEA.about)),
    m("note-about-undescribed", "EditorialNote-about", V, put(TFI.note_1, OCSEA.about, NOWHERE)),
    m(
        "note-about-literal",
        "EditorialNote-about",
        V,
        put(TFI.note_1, OCSEA.about, Literal("para_2")),
    ),
    m(
        "note-about-two-things",
        "EditorialNote-aboutOne",
        INFO,
        add(TFI.note_1, OCSEA.about, TFI.para_1),
    ),
    m("note-comment-missing", "EditorialNote-comment", V, drop(TFI.note_1, RDFS.comment)),
    m(
        "note-comment-spanish-only",
        "EditorialNote-comment",
        V,
        edit(TFI.note_1, RDFS.comment, lambda s: "Comentario.", lang="es"),
    ),
    m(
        "note-erroneous-text-untagged",
        "EditorialNote-erroneousText",
        V,
        put(TFI.note_1, OCSEA.erroneousText, Literal("servicos")),
    ),
    m(
        "erratum-erroneous-text-missing",
        "Erratum-erroneousText",
        V,
        drop(TFI.note_1, OCSEA.erroneousText),
    ),
    m(
        "erratum-corrected-reading-missing",
        "Erratum-correctedReading",
        W,
        drop(TFI.note_1, OCSEA.correctedReading),
    ),
    m(
        "erratum-erroneous-text-not-in-text",
        "ErroneousTextInText",
        V,
        put(TFI.note_1, OCSEA.erroneousText, es("servicios")),
        focus=TFI.note_1,
        message='"servicios"',
    ),
    m(
        "ambiguity-text-not-in-text",
        "NoteErroneousTextInText",
        W,
        put(TFI.note_1, RDF.type, OCSEA.Ambiguity),
        put(TFI.note_1, OCSEA.erroneousText, es("servicios")),
        focus=TFI.note_1,
    ),
    m(
        "metadata-note-property-missing",
        "MetadataNote-aboutProperty",
        V,
        drop(TFI.meta_1, OCSEA.aboutProperty),
    ),
    m(
        "metadata-note-property-twice",
        "MetadataNote-aboutProperty",
        V,
        add(TFI.meta_1, OCSEA.aboutProperty, OCSEA.symbol),
    ),
    m(
        "metadata-note-certainty-missing",
        "MetadataNote-certainty",
        V,
        drop(TFI.meta_1, OCSEA.certainty),
    ),
    m(
        "metadata-note-certainty-unknown",
        "MetadataNote-certainty",
        V,
        put(TFI.meta_1, OCSEA.certainty, CERT.probable),
    ),
    m(
        "metadata-note-certainty-other-scheme",
        "MetadataNote-certainty",
        V,
        put(TFI.meta_1, OCSEA.certainty, Q["domestic-law"]),
    ),
    m(
        "metadata-note-property-unused",
        "MetadataNotePropertyUsed",
        INFO,
        put(TFI.meta_1, OCSEA.aboutProperty, OCSEA.place),
        focus=TFI.meta_1,
    ),
    # --- correspondences -------------------------------------------------------------------------
    m("correspondence-from-missing", "Correspondence-from", V, drop(CORR, OCSEA.fromProvision)),
    m(
        "correspondence-from-undescribed",
        "Correspondence-from",
        V,
        put(CORR, OCSEA.fromProvision, NOWHERE),
    ),
    m("correspondence-to-missing", "Correspondence-to", V, drop(CORR, OCSEA.toProvision)),
    m("correspondence-to-twice", "Correspondence-to", V, add(CORR, OCSEA.toProvision, TFS.theme_1)),
    m(
        "correspondence-same-instrument",
        "CorrespondenceDifferentInstruments",
        V,
        put(CORR, OCSEA.toProvision, TFI.para_2),
        focus=CORR,
        message=str(INST),
    ),
    m(
        "correspondence-later-first",
        "CorrespondenceEarlierFirst",
        V,
        drop(FRAME, OCSEA.undatedReason),
        add(FRAME, OCSEA.adoptionDate, Literal("2010-06-01", datatype=XSD.date)),
        focus=CORR,
        message=str(INST),
    ),
    m(
        "correspondence-type-missing",
        "Correspondence-type",
        V,
        drop(CORR, OCSEA.correspondenceType),
    ),
    m(
        "correspondence-type-unknown",
        "Correspondence-type",
        V,
        put(CORR, OCSEA.correspondenceType, CTYPE.contradicts),
    ),
    m(
        "correspondence-type-twice",
        "Correspondence-type",
        V,
        add(CORR, OCSEA.correspondenceType, CTYPE.weakens),
    ),
    m(
        "correspondence-capability-missing",
        "Correspondence-onCapability",
        V,
        drop(CORR, OCSEA.onCapability),
    ),
    m(
        "correspondence-capability-unknown",
        "Correspondence-onCapability",
        V,
        add(CORR, OCSEA.onCapability, THEME["cap-0"]),
    ),
    m("correspondence-comment-missing", "Correspondence-comment", W, drop(CORR, RDFS.comment)),
    # --- actors, works, named entities, concepts (new vocabulary entries) ------------------------
    m(
        "actor-label-en-missing",
        "Actor-labelEn",
        W,
        add(TFI.actor, RDF.type, OCSEA.Organ),
        label(TFI.actor, english=None),
        focus=TFI.actor,
    ),
    m(
        "actor-label-es-missing",
        "Actor-labelEs",
        V,
        add(TFI.actor, RDF.type, OCSEA.GroupOfStates),
        label(TFI.actor, spanish=None),
        focus=TFI.actor,
    ),
    m("work-label-missing", "Work-label", V, add(TFI.work, RDF.type, OCSEA.Report), focus=TFI.work),
    m(
        "programme-label-missing",
        "NamedEntity-label",
        V,
        add(TFI.programme, RDF.type, OCSEA.Programme),
        focus=TFI.programme,
    ),
    m(
        "concept-pref-label-en-missing",
        "Concept-prefLabelEn",
        W,
        concept(TFI.topic, pref_en=None),
        focus=TFI.topic,
    ),
    m(
        "concept-pref-label-es-missing",
        "Concept-prefLabelEs",
        V,
        concept(TFI.topic, pref_es=None),
        focus=TFI.topic,
    ),
    m(
        "concept-pref-label-twice",
        "Concept-prefLabelUnique",
        V,
        concept(TFI.topic),
        add(TFI.topic, SKOS.prefLabel, es("otra etiqueta")),
        focus=TFI.topic,
    ),
    m(
        "concept-scheme-missing",
        "Concept-inScheme",
        V,
        concept(TFI.topic, scheme=None),
        focus=TFI.topic,
    ),
    m(
        "concept-scheme-twice",
        "Concept-inScheme",
        V,
        concept(TFI.topic),
        add(TFI.topic, SKOS.inScheme, THEME.gsr),
        focus=TFI.topic,
    ),
    m(
        "concept-definition-missing",
        "Concept-definition",
        W,
        concept(TFI.topic, definition=None),
        focus=TFI.topic,
    ),
    m("force-not-in-scheme", "DeonticForce-scheme", V, force_concept(scheme=Q.scheme)),
    m("force-strength-too-high", "DeonticForce-strength", V, force_concept(Literal(7))),
    m("force-strength-negative", "DeonticForce-strength", V, force_concept(Literal(-1))),
    m("force-strength-string", "DeonticForce-strength", V, force_concept(Literal("3"))),
    m(
        "force-strength-ill-typed",
        "DeonticForce-strength",
        V,
        force_concept(Literal("three", datatype=XSD.integer)),
    ),
    m("force-strength-missing", "DeonticForce-strength", V, force_concept(None)),
    m(
        "force-modality-missing",
        "DeonticForce-modality",
        V,
        force_concept(),
        drop(TFI["test-force"], OCSEA.deonticModality),
    ),
    m(
        "qualifier-not-in-scheme",
        "Qualifier-scheme",
        V,
        concept(TFI.qualifier, OCSEA.Qualifier, TOPIC.scheme),
    ),
    m(
        "legal-nature-not-in-scheme",
        "LegalNature-scheme",
        V,
        concept(TFI.nature, OCSEA.LegalNature, Q.scheme),
    ),
    m(
        "certainty-not-in-scheme",
        "Certainty-scheme",
        V,
        concept(TFI.certainty, OCSEA.Certainty, LN.scheme),
    ),
    m(
        "correspondence-type-not-in-scheme",
        "CorrespondenceType-scheme",
        V,
        concept(TFI.ctype, OCSEA.CorrespondenceType, CERT.scheme),
    ),
]
_TERM_LOG.disabled = _TERM_LOG_DISABLED


@pytest.mark.parametrize("mutant", MUTANTS, ids=[mu.id for mu in MUTANTS])
def test_mutant_is_reported(
    mutant: Mutant, run: Callable[[Graph], Outcome], base_graph: Graph
) -> None:
    graph = Graph()
    graph += base_graph
    for op in mutant.ops:
        op(graph)
    outcome = run(graph)
    hits = outcome.by_shape(mutant.shape)
    assert hits, f"{mutant.id}: no result from osh:{mutant.shape}\n{summary(outcome)}"
    assert {r.severity for r in hits} == {mutant.severity}, (
        f"{mutant.id}: osh:{mutant.shape} reported {[r.severity for r in hits]}"
    )
    if mutant.focus is not None:
        assert mutant.focus in {r.focus for r in hits}, (
            f"{mutant.id}: expected focus {mutant.focus}, got {[str(r.focus) for r in hits]}"
        )
    if mutant.message is not None:
        assert any(mutant.message in r.message for r in hits), (
            f"{mutant.id}: no message contains {mutant.message!r}: {[r.message for r in hits]}"
        )
    for r in hits:
        assert "{?" not in r.message and "{$" not in r.message, r.message
    if mutant.severity == "Violation":
        assert not outcome.conforms
    else:
        # Warnings and infos never make the data non-conforming, and the mutant adds no violation.
        assert outcome.conforms, summary(outcome)


def test_numbering_check_skips_instruments_with_non_numeric_numbers(
    run: Callable[[Graph], Outcome], base_graph: Graph
) -> None:
    graph = Graph()
    graph += base_graph
    put(TFI.para_1, OCSEA.number, Literal("B"))(graph)
    put(TFI.para_2, OCSEA.number, Literal("A"))(graph)
    outcome = run(graph)
    assert outcome.by_shape("OperativeNumbersInOrder") == [], summary(outcome)


def test_sh_class_follows_the_class_hierarchy(
    run: Callable[[Graph], Outcome], base_graph: Graph
) -> None:
    """work:crc is an ocsea:Treaty and actor:unga an ocsea:Organ: both pass sh:class checks on
    ocsea:Work and ocsea:Actor only because the ontology is mixed in. Without it they fail."""
    outcome = run(base_graph)
    assert outcome.results == []
    conforms, _, text = pyshacl_validate(
        base_graph + parse_all(sorted((ROOT / "data" / "vocabularies").glob("*.ttl"))),
        shacl_graph=parse_all([SHAPES_FILE]),
        inference="none",
        advanced=True,
    )
    assert not conforms
    assert "Cites-work" in str(text) and "Instrument-issuedBy" in str(text)


# --------------------------------------------------------------------------- the shapes file itself


def reporting_shapes(shapes: Graph) -> set[URIRef]:
    """Named shapes that can appear as sh:sourceShape: the property shapes of targeted node shapes,
    and targeted node shapes with constraints of their own (not those that only group properties).
    """
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    own = (SH.sparql, SH["or"], SH.xone, SH["and"], SH["not"], SH["class"], SH.node, SH.closed)
    found: set[URIRef] = set()
    for predicate in targets:
        for shape in shapes.subjects(predicate, None):
            if isinstance(shape, URIRef):
                if any((shape, p, None) in shapes for p in own):
                    found.add(shape)
                found.update(p for p in shapes.objects(shape, SH.property) if isinstance(p, URIRef))
    return found


def test_every_reporting_shape_has_a_mutant(shapes_graph: Graph) -> None:
    tested = {OSH[mu.shape] for mu in MUTANTS}
    missing = sorted(str(s) for s in reporting_shapes(shapes_graph) - tested)
    assert not missing, f"shapes without a mutant: {missing}"
    unknown = sorted(str(s) for s in tested - reporting_shapes(shapes_graph))
    assert not unknown, f"mutants name shapes that do not exist: {unknown}"


def test_every_shape_has_a_name_and_a_message(shapes_graph: Graph) -> None:
    shapes: set[Node] = set(shapes_graph.subjects(RDF.type, SH.NodeShape))
    shapes |= set(shapes_graph.subjects(RDF.type, SH.PropertyShape))
    shapes |= set(shapes_graph.objects(None, SH.property))
    shapes |= set(shapes_graph.objects(None, SH.sparql))
    problems = []
    for shape in shapes:
        if shapes_graph.value(shape, SH.name) is None:
            problems.append(f"{shape}: no sh:name")
        messages = list(shapes_graph.objects(shape, SH.message))
        if not messages:
            sparql = list(shapes_graph.objects(shape, SH.sparql))
            messages = [msg for c in sparql for msg in shapes_graph.objects(c, SH.message)]
        if not messages:
            problems.append(f"{shape}: no sh:message")
    assert not problems, "\n".join(sorted(problems))


def test_reporting_shapes_say_how_to_fix(shapes_graph: Graph) -> None:
    """Reported messages are sentences that tell the encoder what to do (not just 'invalid')."""
    for shape in reporting_shapes(shapes_graph):
        messages = [str(x) for x in shapes_graph.objects(shape, SH.message)]
        messages += [
            str(x)
            for c in shapes_graph.objects(shape, SH.sparql)
            for x in shapes_graph.objects(c, SH.message)
        ]
        assert messages, shape
        for message in messages:
            assert len(message) >= 60, f"{shape}: message too short: {message!r}"


def test_severities_are_explicit(shapes_graph: Graph) -> None:
    for shape in reporting_shapes(shapes_graph):
        has_constraints = (shape, SH.path, None) in shapes_graph or any(
            (shape, p, None) in shapes_graph for p in (SH.sparql, SH["or"], SH.xone)
        )
        if has_constraints:
            assert shapes_graph.value(shape, SH.severity) in SEVERITIES, shape


# --------------------------------------------------------------------------- real data


def real_data_files() -> list[Path]:
    files = sorted((ROOT / "data" / "instruments").glob("*.ttl"))
    correspondences = ROOT / "data" / "correspondences.ttl"
    if files and correspondences.is_file():
        files.append(correspondences)
    return files


def test_real_instruments_conform(run: Callable[[Graph], Outcome]) -> None:
    files = real_data_files()
    if not files:
        pytest.skip("no data/instruments/*.ttl yet: the instruments are still being encoded")
    outcome = run(parse_all(files))
    print(f"validated {len(files)} files in {outcome.seconds:.1f} s: {outcome.severities()}")
    violations = [r for r in outcome.results if r.severity == "Violation"]
    assert not violations, "\n".join(f"{r.shape} {r.focus}: {r.message}" for r in violations[:60])


# --------------------------------------------------------------------------- performance


def synthetic_graph(instruments: int = 5, paragraphs: int = 80) -> Graph:
    """Fictitious instruments shaped like the real ones, about 10k triples with the vocabularies."""
    graph = Graph()
    for i in range(instruments):
        inst = ID[f"synthetic-{i}"]
        ns = Namespace(f"{inst}/")
        graph.add((inst, RDF.type, OCSEA.EncodedInstrument))
        graph.add((inst, RDF.type, OCSEA.Resolution))
        for lang in ("es", "en"):
            graph.add((inst, RDFS.label, Literal(f"Synthetic test instrument {i}", lang=lang)))
            graph.add((inst, DCTERMS.title, Literal(f"Synthetic test instrument {i}", lang=lang)))
        graph.add((inst, OCSEA.englishTitleStatus, Literal("working translation")))
        graph.add((inst, OCSEA.adoptionDate, Literal("2020-01-15", datatype=XSD.date)))
        graph.add((inst, OCSEA.issuedBy, ACTOR.unga))
        graph.add((inst, OCSEA.legalNature, LN.recommendatory))
        graph.add((inst, DCTERMS.language, URIRef("http://id.loc.gov/vocabulary/iso639-1/es")))
        graph.add((inst, OCSEA.sourceText, ns.source))
        graph.add((inst, OCSEA.cites, WORK.crc))
        graph.add((ns.source, RDF.type, OCSEA.SourceText))
        graph.add((ns.source, RDFS.label, en("Synthetic source")))
        graph.add((ns.source, OCSEA.path, Literal(f"data/sources/synthetic-{i}.es.txt")))
        graph.add((ns.source, OCSEA.sha256, Literal("0" * 64)))
        section = ns.sec_1
        graph.add((section, RDF.type, OCSEA.Section))
        graph.add((section, OCSEA.partOf, inst))
        graph.add((section, OCSEA.position, Literal(1)))
        graph.add((section, OCSEA.text, es("Medidas")))
        graph.add((section, OCSEA.heading, es("Medidas")))
        graph.add((section, RDFS.label, en("Section 1")))
        graph.add((section, RDFS.label, es("Sección 1")))
        numbered = 0
        for n in range(1, paragraphs + 1):
            para, st = ns[f"para_{n}"], ns[f"para_{n}_st_1"]
            text = f"Insta a los Estados Miembros a que, cuando proceda, adopten la medida {n};"
            if n % 4:  # a numbered operative paragraph directly under the instrument
                numbered += 1
                graph.add((para, RDF.type, OCSEA.OperativeParagraph))
                graph.add((para, OCSEA.partOf, inst))
                graph.add((para, OCSEA.number, Literal(str(numbered))))
            else:  # an unnumbered action point of the section (partOf+ through the section)
                graph.add((para, RDF.type, OCSEA.ActionPoint))
                graph.add((para, OCSEA.partOf, section))
            graph.add((para, OCSEA.position, Literal(n + 1)))
            graph.add((para, OCSEA.text, es(text)))
            graph.add((para, RDFS.label, en(f"Synthetic {i}, operative paragraph {n}")))
            graph.add((para, RDFS.label, es(f"Sintético {i}, párrafo dispositivo {n}")))
            graph.add((para, OCSEA.cites, WORK.crc))
            graph.add((para, CITO.citesAsAuthority, WORK.crc))
            graph.add((st, RDF.type, OCSEA.NormativeStatement))
            graph.add((st, RDFS.label, en(f"Synthetic {i} para. {n}, statement 1")))
            graph.add((st, RDFS.label, es(f"Sintético {i} párr. {n}, enunciado 1")))
            graph.add((st, OCSEA.expressedIn, para))
            graph.add((st, OCSEA.verbatimVerb, es("Insta")))
            graph.add((st, OCSEA.deonticForce, FORCE.urges))
            graph.add((st, OCSEA.addressee, ACTOR["un-member-states"]))
            graph.add((st, OCSEA.beneficiary, ACTOR.children))
            graph.add((st, OCSEA.qualifier, Q["where-appropriate"]))
            graph.add((st, OCSEA.qualifierText, es("cuando proceda")))
            graph.add((st, OCSEA.actionSummary, en(f"Adopt measure {n}.")))
            graph.add((st, OCSEA.actionSummary, es(f"Adoptar la medida {n}.")))
            graph.add((st, OCSEA.theme, THEME[f"cap-{n % 26 + 1}"]))
            graph.add((st, OCSEA.theme, TOPIC["reporting-hotlines"]))
            graph.add((st, OCSEA.quote, es(text[:-1])))
    return graph


def test_validation_of_a_full_sized_graph_is_fast_enough(run: Callable[[Graph], Outcome]) -> None:
    graph = synthetic_graph()
    outcome = run(graph)
    print(f"synthetic graph of {len(graph)} triples validated in {outcome.seconds:.1f} s")
    assert outcome.results == [], summary(outcome)
    # The brief is ~20 s for the full data on a developer machine; allow slow CI runners twice that.
    assert outcome.seconds < 40, f"validation took {outcome.seconds:.1f} s"


def test_sh_name_and_message_are_not_on_blank_shapes_only(shapes_graph: Graph) -> None:
    """Reporting shapes are named IRIs, so the report's sh:sourceShape identifies the check."""
    for shape in shapes_graph.objects(None, SH.property):
        owner = next(shapes_graph.subjects(SH.property, shape))
        if isinstance(owner, URIRef) and (owner, SH.targetClass, None) in shapes_graph:
            assert not isinstance(shape, BNode), f"{owner} has an anonymous property shape"
