"""The encoded instruments against their source texts: coverage, counts, verbs, references.

Expected counts are derived from the source files by independent rules (numbered lines, bullets,
bold capability numbers), never typed in, so a change to the source or the data is caught.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.namespace import SKOS

from tests.fidelity import coverage, normalise

ROOT = Path(__file__).resolve().parents[1]
OCSEA = Namespace("https://w3id.org/ocsea/ontology#")
ID = "https://w3id.org/ocsea/id/"
SLUGS = [
    "osce-mc-dec-9-07",
    "interpol-ga-2021-89-res-09",
    "unga-res-74-174",
    "joint-call-2024",
    "wpga-gsr",
]
OPERATIVE_CLASSES = [
    OCSEA.OperativeParagraph,
    OCSEA.ActionPoint,
    OCSEA.Capability,
    OCSEA.Deliverable,
]


def source(slug: str) -> str:
    return (ROOT / "data" / "sources" / f"{slug}.es.txt").read_text(encoding="utf-8")


@cache
def reference() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path)
    for path in sorted((ROOT / "data" / "vocabularies").glob("*.ttl")):
        graph.parse(path)
    return graph


@cache
def instrument(slug: str) -> Graph:
    path = ROOT / "data" / "instruments" / f"{slug}.ttl"
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: every instrument must be encoded")
    graph = Graph()
    graph.parse(path)
    return graph


def provisions_of(graph: Graph, slug: str) -> dict[URIRef, tuple[str | None, str]]:
    """Every provision whose IRI lies under the instrument's namespace: number and text."""
    out: dict[URIRef, tuple[str | None, str]] = {}
    for subject, text in graph.subject_objects(OCSEA.text):
        if str(subject).startswith(f"{ID}{slug}/"):
            number = graph.value(subject, OCSEA.number)
            out[URIRef(subject)] = (str(number) if number is not None else None, str(text))
    return out


def typed(graph: Graph, cls: URIRef) -> set[URIRef]:
    return {URIRef(s) for s in graph.subjects(RDF.type, cls)}


@pytest.mark.parametrize("slug", SLUGS)
def test_every_provision_text_is_verbatim_and_the_source_is_covered(slug: str) -> None:
    graph = instrument(slug)
    provisions = [(str(iri), num, text) for iri, (num, text) in provisions_of(graph, slug).items()]
    result = coverage(source(slug), provisions)
    print(f"\n{slug}: coverage {result.ratio:.4%} of {result.source_chars} characters")
    for piece in result.uncovered:
        print(f"  not in graph: {piece!r}")
    assert not result.unplaced, "texts not found verbatim in the source: " + "; ".join(
        f"{p.iri}: …{p.missing[:80]!r}" for p in result.unplaced
    )
    assert result.ratio >= 0.995, f"{slug}: only {result.ratio:.2%} of the source is in the graph"


def _numbered_lines(text: str) -> int:
    return len(re.findall(r"(?m)^\d+\. ", text))


def _interpol_operative(text: str) -> int:
    # Operative paragraphs of an INTERPOL resolution open with a capitalised verb and end with
    # ';' or '.', where preambular ones end with ','.
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    return sum(1 for p in paragraphs if re.match(r"^[A-ZÁÉÍÓÚÑ ]{4,} ", p) and p[-1] in ";.")


def _joint_call_operative(text: str) -> int:
    body = text[text.index("1. Legislación") :]
    calls = len(re.findall(r"(?m)^(Hacemos un llamamiento|Llamamos) ", text))
    return body.count("●") + calls


def _gsr_operative(text: str) -> int:
    capabilities = len(re.findall(r"<b>\d+ ", text))
    rows = text.split("\n")
    deliverable_row = next(r for r in rows if r.startswith("Socios") and "<li>" in r)
    capacity = text[text.index("## Desarrollo coordinado") :]
    return capabilities + deliverable_row.count("<li>") + len(re.findall(r"(?m)^\s*- ", capacity))


EXPECTED_OPERATIVE = {
    "osce-mc-dec-9-07": _numbered_lines,
    "interpol-ga-2021-89-res-09": _interpol_operative,
    "unga-res-74-174": _numbered_lines,
    "joint-call-2024": _joint_call_operative,
    "wpga-gsr": _gsr_operative,
}


@pytest.mark.parametrize("slug", SLUGS)
def test_operative_units_match_the_source(slug: str) -> None:
    graph = instrument(slug)
    units = set().union(*(typed(graph, cls) for cls in OPERATIVE_CLASSES))
    expected = EXPECTED_OPERATIVE[slug](source(slug))
    print(f"\n{slug}: {len(units)} operative units (source: {expected})")
    assert len(units) == expected


def test_gsr_has_its_26_capabilities_in_6_themes() -> None:
    graph = instrument("wpga-gsr")
    assert len(typed(graph, OCSEA.Capability)) == len(re.findall(r"<b>\d+ ", source("wpga-gsr")))
    theme_row = next(r for r in source("wpga-gsr").split("\n") if r.startswith("Tema\t"))
    assert len(typed(graph, OCSEA.ThemeSection)) == theme_row.count("\t")


@pytest.mark.parametrize("slug", SLUGS)
def test_every_operative_unit_has_a_statement_whose_verb_is_in_its_text(slug: str) -> None:
    graph = instrument(slug)
    units = set().union(*(typed(graph, cls) for cls in OPERATIVE_CLASSES))
    problems = []
    for unit in sorted(units):
        statements = list(graph.subjects(OCSEA.expressedIn, unit))
        text = str(graph.value(unit, OCSEA.text))
        if not statements:
            problems.append(f"{unit}: no normative statement")
        for statement in statements:
            verb = graph.value(statement, OCSEA.verbatimVerb)
            is_capability = (statement, RDF.type, OCSEA.CapabilityExpectation) in graph
            if verb is None and not is_capability:
                problems.append(f"{statement}: no ocsea:verbatimVerb")
            if verb is not None and str(verb) not in text:
                problems.append(f"{statement}: verb {verb!r} is not in the text")
            quote = graph.value(statement, OCSEA.quote)
            if quote is None or str(quote) not in text:
                problems.append(f"{statement}: quote missing or not in the provision's text")
    assert not problems, "\n".join(problems)


DPV_RECOMMENDATION = URIRef("https://w3id.org/dpv#Recommendation")
OBLIGATION_WORDS = re.compile(r"\b(must|shall|are to|is to|deben|debe|deberán|deberá)\b", re.I)


@pytest.mark.parametrize("slug", SLUGS)
def test_summaries_of_recommendations_do_not_read_as_obligations(slug: str) -> None:
    """A summary paraphrases the ask; it must not turn 'Exhorta'/'Insta' into 'deben'/'are to'."""
    graph, vocabulary = instrument(slug), reference()
    problems = []
    for statement, force in graph.subject_objects(OCSEA.deonticForce):
        if (force, OCSEA.deonticModality, DPV_RECOMMENDATION) not in vocabulary:
            continue
        if OBLIGATION_WORDS.search(str(graph.value(statement, OCSEA.quote))):
            continue  # the text itself says 'deben' (the joint call's modal sentences)
        for summary in graph.objects(statement, OCSEA.actionSummary):
            if found := OBLIGATION_WORDS.search(str(summary)):
                problems.append(f"{statement}: {found.group(0)!r} in {str(summary)[:80]!r}")
    assert len(list(graph.subject_objects(OCSEA.deonticForce))) > 0
    assert not problems, "\n".join(problems)


def _resolves(iri: URIRef, cls: URIRef, graphs: list[Graph]) -> bool:
    ref = reference()
    subclasses = set(ref.transitive_subjects(RDFS.subClassOf, cls))
    for graph in graphs:
        types = set(graph.objects(iri, RDF.type))
        if types & subclasses and any(graph.objects(iri, RDFS.label)):
            return True
    return False


@pytest.mark.parametrize("slug", SLUGS)
def test_every_actor_theme_and_citation_resolves(slug: str) -> None:
    graph = instrument(slug)
    graphs = [graph, reference()]
    problems = []
    for prop in (OCSEA.addressee, OCSEA.indirectTarget, OCSEA.partner, OCSEA.beneficiary):
        for actor in set(graph.objects(None, prop)):
            if not _resolves(URIRef(actor), OCSEA.Actor, graphs):
                problems.append(f"actor {actor} ({prop}) is not a labelled ocsea:Actor")
    for work in set(graph.objects(None, OCSEA.cites)):
        if not _resolves(URIRef(work), OCSEA.Work, graphs):
            problems.append(f"cited {work} is not a labelled ocsea:Work")
    for concept in set(graph.objects(None, OCSEA.theme)):
        if (concept, RDF.type, SKOS.Concept) not in reference():
            problems.append(f"theme {concept} is not a concept of the theme scheme")
    for statement in typed(graph, OCSEA.NormativeStatement):
        themes = set(graph.objects(statement, OCSEA.theme))
        if not any(str(t).startswith(f"{ID}theme/cap-") for t in themes):
            problems.append(f"{statement} is on no capability of the backbone")
    assert not problems, "\n".join(problems)


def test_known_errata_are_recorded_and_the_text_kept() -> None:
    interpol = instrument("interpol-ga-2021-89-res-09")
    assert any("(2001)" in str(t) for t in interpol.objects(None, OCSEA.text))
    errata = typed(interpol, OCSEA.Erratum)
    assert any("2001" in str(interpol.value(e, OCSEA.erroneousText)) for e in errata)
    unga = instrument("unga-res-74-174")
    assert any(
        str(unga.value(e, OCSEA.about)).endswith(("para_17", "fn_9"))
        for e in typed(unga, OCSEA.Erratum)
    )
    gsr = instrument("wpga-gsr")
    assert typed(gsr, OCSEA.Erratum), "the mislabelled 'Socios' row must be recorded"


def test_normalise_drops_markup_but_keeps_words() -> None:
    assert normalise("<p><b>1 Voluntad</b> política</p>") == "1 Voluntad política"
    assert normalise("*Insta también*\n a") == "Insta también a"
