"""OWL reasoning with Pellet (HermiT as fallback) through owlready2; returns the new triples.

:func:`reason` takes the merged graph (ontology + vocabularies + data), writes it as N-Triples in
a temporary directory, loads it into a fresh owlready2 ``World`` and runs
``sync_reasoner_pellet(infer_property_values=True, infer_data_property_values=False)``. What the
reasoner adds to the world (owlready2 puts it in the ontology ``http://inferrences/``) is compared
with the input, and the new triples come back as an rdflib graph:

- ``rdf:type`` of individuals to named classes, *including every superclass* (``ocsea:Provision``
  for an ``ocsea:OperativeParagraph``);
- property values: transitive ``ocsea:partOf``/``ocsea:hasPart`` (a paragraph in a section is
  part of the instrument), super-properties (``ocsea:addressee`` ⇒ ``ocsea:concerns``), inverses
  (``ocsea:expresses``, ``ocsea:concernedBy``, ``ocsea:citedBy``), and ``ocsea:correspondsTo``
  from the property chain over ``ocsea:Correspondence`` nodes, in both directions (symmetric);
- inferred ``rdfs:subClassOf``/``owl:equivalentClass`` between named classes, if any.

An inconsistent input raises :class:`InconsistentOntologyError`, whose message includes Pellet's
reason (``pellet consistency``) and explanation (``pellet explain``) when it can get them.

Pellet/owlready2 quirks, found by running it on the real ontology, and what this module does:

1. **owlready2 0.50 and 0.51 ship a Jena class compiled for Java 25.** Their Pellet dies on the
   Java 17 of Debian 12 with ``UnsupportedClassVersionError``. The project pins
   ``owlready2<0.50``; should a newer one be installed anyway, Pellet's failure makes this module
   fall back to HermiT and say so in :attr:`ReasoningResult.notes`.
2. **Pellet 2.3 (as bundled) predates RDF 1.1 and does not know ``rdf:langString``.** It treats
   the ontology's ``rdfs:range rdf:langString`` (``ocsea:text``, ``ocsea:quote`` …) as an unknown
   datatype that no literal belongs to, and declares every graph with a Spanish text inconsistent.
   The reasoner's copy of the graph uses ``rdf:PlainLiteral`` (OWL 2's datatype of
   language-tagged strings) in its place. The data itself is not changed.
3. **Pellet's realisation lists only the most specific (direct) types** of each individual, so
   owlready2 asserts those alone. The superclass types are added here by closing the direct types
   over the class hierarchy *as classified by the reasoner* (asserted plus inferred subclass
   axioms), which is what the reasoner entails.
4. **owlready2 drops an inferred property value when the inverse triple is asserted** (it treats
   ``a p b`` and ``b p⁻ a`` as one fact): Pellet does infer ``ocsea:expresses`` from an asserted
   ``ocsea:expressedIn``, but owlready2 does not store it. For a SPARQL store both directions are
   wanted, so for each ``owl:inverseOf`` pair (and each ``owl:SymmetricProperty``) of the
   ontology the inverse of every asserted or inferred value is added.
5. **HermiT does not accept ``xsd:date``** (not in the OWL 2 datatype map); the fallback runs it
   with ``ignore_unsupported_datatypes=True``, so date values are ignored by HermiT.
6. **owlready2 tries to download ``owl:imports``** when loading; the project's ontology modules
   are self-contained, so ``owl:imports`` triples are left out of the reasoner's copy.
7. Pellet lists every IRI it sees as an ``owl:Thing`` (including the properties and the
   ontology, by punning); those trivial types, and anything about blank nodes, are dropped.
   Pellet ignores blank-node individuals (owlready2 passes it N-Triples, and Jena does not keep
   blank-node labels), so nothing is inferred about them.

Cost: on the ontology, the vocabularies, the five instruments and the correspondences (about
8,400 triples) Pellet takes about 2.5 s, Java start-up included, and infers about 6,600 triples,
with ``JAVA_MEMORY`` at 2000 MiB (``OCSEA_JAVA_MEMORY``); a synthetic graph of 12,000 triples
takes about the same.

Example::

    >>> result = reason(merged_graph)                       # doctest: +SKIP
    >>> result.reasoner, len(result.inferred), round(result.seconds, 1)   # doctest: +SKIP
    ('Pellet', 1234, 2.1)
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from api.namespaces import bind_prefixes

INFERENCES_ONTOLOGY = "http://inferrences/"
"""Where owlready2 stores what the reasoner adds (its spelling)."""

_BUILTIN_NAMESPACES = (str(OWL), str(RDF), str(RDFS), "http://www.w3.org/2001/XMLSchema#")


class ReasonerError(Exception):
    """The reasoner could not run (no Java, a Java error, a crash)."""


class InconsistentOntologyError(ReasonerError):
    """The ontology together with the data is inconsistent: nothing follows from it."""

    def __init__(self, reasoner: str, reason: str | None, explanation: str | None) -> None:
        parts = [f"{reasoner}: the ontology and data are inconsistent."]
        if reason:
            parts.append(f"Reason: {reason}")
        if explanation:
            parts.append("Explanation (axioms that together cause it):\n" + explanation)
        super().__init__("\n".join(parts))
        self.reasoner = reasoner
        self.reason = reason
        self.explanation = explanation


@dataclass
class ReasoningResult:
    """What the reasoner inferred that was not in its input, and how long it took."""

    inferred: Graph
    reasoner: str
    seconds: float
    input_triples: int
    notes: list[str] = field(default_factory=list)


def java_executable() -> str:
    """The ``java`` to run (``JAVA_HOME``, then ``PATH``, then ``/usr/bin/java``)."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java") or "/usr/bin/java"


def reasoner_input(graph: Graph) -> Graph:
    """The copy of ``graph`` given to the reasoner (see quirks 2 and 6 in the module docstring)."""
    out = Graph()
    for s, p, o in graph:
        if p == OWL.imports:
            continue
        if o == RDF.langString:
            o = RDF.PlainLiteral
        out.add((s, p, o))
    return out


def _named(node: Node) -> bool:
    return isinstance(node, URIRef) and not str(node).startswith(_BUILTIN_NAMESPACES)


def _superclasses(graph: Graph) -> dict[Node, set[Node]]:
    """Named class → all its named superclasses (transitive; equivalence counts both ways)."""
    direct: dict[Node, set[Node]] = defaultdict(set)
    for c, d in graph.subject_objects(RDFS.subClassOf):
        if _named(c) and _named(d):
            direct[c].add(d)
    for c, d in graph.subject_objects(OWL.equivalentClass):
        if _named(c) and _named(d):
            direct[c].add(d)
            direct[d].add(c)
    closure: dict[Node, set[Node]] = {}
    for start in list(direct):
        seen: set[Node] = set()
        stack = list(direct[start])
        while stack:
            c = stack.pop()
            if c in seen:
                continue
            seen.add(c)
            stack.extend(direct.get(c, ()))
        seen.discard(start)
        closure[start] = seen
    return closure


def _complete(asserted: Graph, inferred: Graph) -> Graph:
    """Add superclass types and inverse/symmetric values (quirks 3 and 4). Returns ``inferred``."""
    both = asserted + inferred
    supers = _superclasses(both)
    classes = set(supers) | {c for cs in supers.values() for c in cs}
    for s, c in list(both.subject_objects(RDF.type)):
        if isinstance(s, URIRef) and c in supers and s not in classes:
            for sup in supers[c]:
                if (s, RDF.type, sup) not in asserted:
                    inferred.add((s, RDF.type, sup))

    inverse: dict[Node, set[Node]] = defaultdict(set)
    for p, q in both.subject_objects(OWL.inverseOf):
        if _named(p) and _named(q):
            inverse[p].add(q)
            inverse[q].add(p)
    for p in both.subjects(RDF.type, OWL.SymmetricProperty):
        if _named(p):
            inverse[p].add(p)
    changed = True
    while changed:  # inverses of inferred values may themselves have inverses; a few rounds at most
        changed = False
        current = asserted + inferred
        for p, qs in inverse.items():
            for a, b in current.subject_objects(p):
                if not isinstance(a, URIRef) or not isinstance(b, URIRef):
                    continue
                for q in qs:
                    if (b, q, a) not in current and (b, q, a) not in inferred:
                        inferred.add((b, q, a))
                        changed = True
    return inferred


def _keep(triple: tuple[Node, Node, Node], asserted: Graph) -> bool:
    s, p, o = triple
    if isinstance(s, BNode) or isinstance(o, BNode):
        return False
    if str(s).rstrip("/") == INFERENCES_ONTOLOGY.rstrip("/"):
        return False
    if o in (OWL.Thing, OWL.NamedIndividual) or (p == RDF.type and o == OWL.Ontology):
        return False
    if p == RDF.type and isinstance(o, URIRef) and str(o).startswith(_BUILTIN_NAMESPACES):
        return False  # punning artefacts: owl:Class, owl:ObjectProperty … are not inferences
    if isinstance(o, Literal):
        return False  # data property values are not inferred (infer_data_property_values=False)
    return triple not in asserted


def _pellet_diagnosis(
    owlready2: Any, nt_file: Path, java: str, memory_mb: int
) -> tuple[str | None, str | None]:
    """Pellet's own reason and explanation for an inconsistency (best effort; None if unknown)."""
    classpath = owlready2.reasoning._PELLET_CLASSPATH
    base = [java, f"-Xmx{memory_mb}M", "-cp", classpath, "pellet.Pellet"]
    reason = explanation = None
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(
            [
                *base,
                "consistency",
                "--loader",
                "Jena",
                "--input-format",
                "N-Triples",
                "--ignore-imports",
                str(nt_file),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        for line in (out.stdout + out.stderr).splitlines():
            if line.startswith("Reason:"):
                reason = line.removeprefix("Reason:").strip()
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(
            [*base, "explain", "--ignore-imports", str(nt_file)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        text = out.stdout.strip()
        if out.returncode == 0 and "Explanation" in text:
            explanation = "\n".join(
                line
                for line in text.splitlines()
                if line.strip() and not line.lstrip().startswith(("Axiom:", "Explanation"))
            )
    return reason, explanation


def _inferred_from_world(world: Any, asserted: Graph) -> Graph:
    ontology = world.get_ontology(INFERENCES_ONTOLOGY)
    context = world.as_rdflib_graph().get_context(ontology)
    out = Graph()
    for triple in context:
        if _keep(triple, asserted):
            out.add(triple)
    return out


def reason(
    graph: Graph,
    *,
    java_memory_mb: int = 2000,
    reasoners: Iterable[str] = ("Pellet", "HermiT"),
) -> ReasoningResult:
    """Run the reasoner on ``graph`` and return what it infers that ``graph`` does not say.

    Tries the reasoners in order (Pellet, then HermiT) until one runs. Raises
    :class:`InconsistentOntologyError` on an inconsistent input and :class:`ReasonerError` when no
    reasoner can run.
    """
    import owlready2
    import owlready2.reasoning

    java = java_executable()
    if not Path(java).is_file() and shutil.which(java) is None:
        raise ReasonerError(
            "Java is needed for the OWL reasoner and was not found "
            "(install it with: apt-get install -y default-jre-headless)"
        )
    owlready2.JAVA_EXE = java
    owlready2.reasoning.JAVA_MEMORY = java_memory_mb

    notes: list[str] = []
    start = time.perf_counter()
    prepared = reasoner_input(graph)
    with tempfile.TemporaryDirectory(prefix="ocsea-reasoner-") as tmp:
        nt_file = Path(tmp) / "input.nt"
        prepared.serialize(nt_file, format="nt", encoding="utf-8")
        failures: list[str] = []
        for name in reasoners:
            world = owlready2.World()
            try:
                world.get_ontology(nt_file.as_uri()).load(format="ntriples")
                # owlready2 prints progress and warnings to stdout/stderr; keep build output clean.
                with (
                    contextlib.redirect_stdout(io.StringIO()),
                    contextlib.redirect_stderr(io.StringIO()),
                ):
                    if name == "Pellet":
                        owlready2.sync_reasoner_pellet(
                            world,
                            infer_property_values=True,
                            infer_data_property_values=False,
                            debug=0,
                        )
                    elif name == "HermiT":
                        owlready2.sync_reasoner_hermit(
                            world,
                            infer_property_values=True,
                            debug=0,
                            ignore_unsupported_datatypes=True,
                        )
                    else:
                        raise ReasonerError(f"unknown reasoner {name!r}")
            except owlready2.OwlReadyInconsistentOntologyError:
                reason_text = explanation = None
                if name == "Pellet":
                    reason_text, explanation = _pellet_diagnosis(
                        owlready2, nt_file, java, java_memory_mb
                    )
                raise InconsistentOntologyError(name, reason_text, explanation) from None
            except owlready2.OwlReadyJavaError as exc:
                first = next((ln for ln in str(exc).splitlines() if "Exception" in ln), str(exc))
                failures.append(f"{name} failed: {first.strip()[:300]}")
                continue
            else:
                inferred = _inferred_from_world(world, graph)
            finally:
                world.close()
            _complete(graph, inferred)
            notes.extend(failures)
            seconds = time.perf_counter() - start
            return ReasoningResult(
                inferred=bind_prefixes(inferred),
                reasoner=name,
                seconds=seconds,
                input_triples=len(graph),
                notes=notes,
            )
    raise ReasonerError("no reasoner could run:\n  " + "\n  ".join(failures))
