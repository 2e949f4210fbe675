"""Synthetic OCSEA graphs of a chosen size, deterministic from a seed, for the benchmarks.

The real graph (about 16,500 quads once built) is the template. A synthetic graph is the real
one (family 0) plus *families* ``k`` ≥ 1: a copy of the five encoded instruments (their graphs,
their part of the reasoner's ``inferred`` graph) and of the correspondences between them, with

- every instrument IRI renamed ``{slug}-syn-{k}`` (``…/id/osce-mc-dec-9-07-syn-3/para_5``, graph
  ``…/id/graph/osce-mc-dec-9-07-syn-3``), every correspondence ``…/correspondence/{name}-syn-{k}``;
- every provision text (``ocsea:text``) prefixed with a few Spanish words drawn, with the seed,
  from the words of the real texts, so texts differ between families; the original text is kept
  after them, so quotes and verbs remain substrings of their provision (the shapes check it);
- the instruments' labels and titles marked ``[syn k]``, their adoption dates ``k`` days later (so
  that, as in real collections, instruments follow one another rather than share a date).

So the ontology, vocabularies and shapes are the real ones, every family has exactly the real
shapes of instruments, provisions, statements, actors, themes, citations and correspondences, and
the reasoner's output stays consistent without running it again. The shared vocabularies are not
copied (``theme:gsr dcterms:source`` stays the one real strategic response). Families are added
until the target size is reached (the last one may be partial: whole instruments, correspondences
only between instruments present).

Example::

    >>> template = Template.from_store(Path("var/store"))               # doctest: +SKIP
    >>> stats = write_nquads(template, Path("/tmp/g.nq"), triples=100_000, seed=7)  # doctest: +SKIP
    >>> stats.quads >= 100_000                                           # doctest: +SKIP
    True

Command line: ``python -m benchmarks.generate --triples 100000 --seed 7 --out g.nq``.
"""

from __future__ import annotations

import argparse
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path

import pyoxigraph as ox

from api.namespaces import BASE_IRI, graph_iri
from api.settings import Settings

ID = BASE_IRI + "id/"
GRAPH = ID + "graph/"
CORRESPONDENCE = ID + "correspondence/"
TEXT = "<https://w3id.org/ocsea/ontology#text>"
ADOPTION_DATE = "<https://w3id.org/ocsea/ontology#adoptionDate>"
TITLE_PREDICATES = {
    "<http://www.w3.org/2000/01/rdf-schema#label>",
    "<http://purl.org/dc/terms/title>",
}

FAMILY = "\x00K\x00"
"""Placeholder for the family number in a template line."""
WORDS = "\x00W\x00"
"""Placeholder for the synthetic Spanish words that open a provision text."""

DATE = "\x00D\x00"
"""Marks an instrument's adoption date, moved ``k`` days later in family ``k``."""

_WORD = re.compile(r"[a-záéíóúñü]{4,}")
_MARKED_DATE = re.compile("\x00D\x00" + r"(\d{4}-\d{2}-\d{2})")


@dataclass
class Unit:
    """What one family adds for one instrument (or the correspondences): template N-Quads lines."""

    name: str
    lines: list[str] = field(default_factory=list)
    needs: frozenset[str] = frozenset()
    """Instrument slugs that must be in the family for this unit to be added."""


@dataclass
class Template:
    """The real graph split into a base (added once) and units (copied per family)."""

    base: list[str]
    instruments: list[Unit]
    correspondences: list[Unit]
    words: list[str]

    @classmethod
    def from_store(cls, store_path: Path) -> Template:
        """The template of a store built by ``ocsea build`` (reasoner output included)."""
        store = ox.Store.read_only(str(store_path))
        return cls.from_quads(list(store))

    @classmethod
    def from_sources(cls, settings: Settings) -> Template:
        """The template of the source files with the shapes, without the reasoner (for tests)."""
        from api.loading import load_sources
        from api.validation import load_shapes, shape_files

        sources = load_sources(settings)
        graphs = {str(name): sources.graph(name) for name in sources.graph_names()}
        shapes = load_shapes(shape_files(settings), settings.shapes_dir)
        graphs[str(graph_iri("shapes"))] = shapes
        quads: list[ox.Quad] = []
        for name, graph in graphs.items():
            data = graph.serialize(format="nt", encoding="utf-8")
            for parsed in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
                quads.append(
                    ox.Quad(parsed.subject, parsed.predicate, parsed.object, ox.NamedNode(name))
                )
        return cls.from_quads(quads)

    @classmethod
    def from_quads(cls, quads: list[ox.Quad]) -> Template:
        graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
        slugs = sorted({g[len(GRAPH) :] for g in graphs if g.startswith(GRAPH)} - _BUILD_GRAPHS)
        renamer = _Renamer(slugs)
        base: list[str] = []
        per_unit: dict[str, list[str]] = defaultdict(list)
        words: set[str] = set()
        for quad in quads:
            s, p, o, g = (str(t) for t in quad)
            if isinstance(quad.object, ox.Literal) and quad.object.language == "es":
                words.update(_WORD.findall(quad.object.value.lower()))
            touched = {u for u in map(renamer.unit_of, (s, o, g)) if u is not None}
            # The shared vocabularies point at their source (theme:gsr dcterms:source the strategic
            # response): one source, not one per family.
            if not touched or (g in _SHARED_GRAPHS and renamer.unit_of(s) is None):
                base.append(f"{s} {p} {o} {g} .\n")
                continue
            s, o, g = renamer.rename(s), renamer.rename(o), renamer.rename(g)
            if p == TEXT and isinstance(quad.object, ox.Literal):
                o = o[:1] + WORDS + o[1:]
            elif p == ADOPTION_DATE and isinstance(quad.object, ox.Literal):
                o = o[:1] + DATE + o[1:]
            elif p in TITLE_PREDICATES and renamer.is_instrument(quad.subject):
                o = o[:1] + f"[syn {FAMILY}] " + o[1:]
            # a triple between two units (a correspondence's provision) goes with the correspondence
            owner = "correspondences" if "correspondences" in touched else sorted(touched)[0]
            per_unit[owner].append(f"{s} {p} {o} {g} .\n")
        instruments = [Unit(slug, per_unit[slug], frozenset({slug})) for slug in slugs]
        # each correspondence may be copied only with both its instruments
        by_correspondence: dict[str, Unit] = {}
        for line in per_unit.get("correspondences", []):
            subject = line.split(" ", 1)[0]
            key = subject if subject.startswith("<" + CORRESPONDENCE) else "other"
            unit = by_correspondence.setdefault(key, Unit(key))
            unit.lines.append(line)
            unit.needs = unit.needs | frozenset(renamer.slugs_in(line))
        return cls(base, instruments, list(by_correspondence.values()), sorted(words))


_BUILD_GRAPHS = {"ontology", "vocabularies", "correspondences", "inferred", "shapes"}
_SHARED_GRAPHS = {f"<{GRAPH}{name}>" for name in ("ontology", "vocabularies", "shapes")}


class _Renamer:
    """Rewrites the IRIs of instruments and correspondences into per-family templates."""

    def __init__(self, slugs: list[str]) -> None:
        self.slugs = slugs
        alternatives = "|".join(re.escape(s) for s in sorted(slugs, key=len, reverse=True))
        self._instrument = re.compile(
            rf"^<{re.escape(ID)}(?:graph/)?({alternatives})(?=[/>])" if slugs else r"^(?!x)x"
        )
        self._correspondence = re.compile(rf"^<{re.escape(CORRESPONDENCE)}[^>]+")
        self._any_slug = re.compile(rf"<{re.escape(ID)}(?:graph/)?({alternatives})(?=[/>])")

    def unit_of(self, term: str) -> str | None:
        found = self._instrument.match(term)
        if found:
            return found.group(1)
        if self._correspondence.match(term):
            return "correspondences"
        return None

    def slugs_in(self, line: str) -> set[str]:
        return {m.group(1) for m in self._any_slug.finditer(line)}

    def is_instrument(self, term: ox.NamedNode | ox.BlankNode | ox.Triple) -> bool:
        return isinstance(term, ox.NamedNode) and term.value[len(ID) :] in self.slugs

    def rename(self, term: str) -> str:
        found = self._instrument.match(term)
        if found:
            return term[: found.end()] + f"-syn-{FAMILY}" + term[found.end() :]
        found = self._correspondence.match(term)
        if found:
            return term[: found.end()] + f"-syn-{FAMILY}" + term[found.end() :]
        if term.startswith("_:"):
            return term + f"s{FAMILY}"
        return term


@dataclass
class Stats:
    """What was generated."""

    quads: int
    families: int
    instruments: int


def generate(template: Template, triples: int, seed: int) -> Iterator[str]:
    """N-Quads lines: the template's base, then families until ``triples`` lines are out."""
    rng = random.Random(seed)
    emitted = 0
    for line in template.base:
        yield line
        emitted += 1
    family = -1
    while emitted < triples or family < 0:
        family += 1  # family 0 is the real data itself, whatever the target
        present: set[str] = set()
        for unit in template.instruments + template.correspondences:
            if emitted >= triples and family > 0:
                return
            if not unit.needs - {unit.name} <= present:
                continue  # a correspondence whose instruments are not (all) in this family
            present.add(unit.name)
            number = str(family)
            for line in unit.lines:
                if family == 0:
                    yield _original(line)
                    emitted += 1
                    continue
                line = line.replace(FAMILY, number)
                if DATE in line:
                    line = _MARKED_DATE.sub(partial(_later, days=family), line)
                if WORDS in line:
                    words = " ".join(rng.choices(template.words, k=rng.randint(3, 12)))
                    line = line.replace(WORDS, words.capitalize() + " ", 1)
                yield line
                emitted += 1


def _later(marked: re.Match[str], days: int) -> str:
    return (date.fromisoformat(marked.group(1)) + timedelta(days=days)).isoformat()


def _original(line: str) -> str:
    """A template line as it was in the real data."""
    return (
        line.replace(f"-syn-{FAMILY}", "")
        .replace(f"s{FAMILY}", "")
        .replace(f"[syn {FAMILY}] ", "")
        .replace(WORDS, "")
        .replace(DATE, "")
    )


def write_nquads(template: Template, path: Path, *, triples: int, seed: int) -> Stats:
    """Write a synthetic graph of about ``triples`` quads to ``path`` (N-Quads)."""
    quads = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for line in generate(template, triples, seed):
            out.write(line)
            quads += 1
    families, instruments = _count_families(path)
    return Stats(quads=quads, families=families, instruments=instruments)


def _count_families(path: Path) -> tuple[int, int]:
    instrument_type = "<https://w3id.org/ocsea/ontology#EncodedInstrument>"
    instruments = 0
    families = 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if instrument_type in line and " <http://www.w3.org/1999/02/22-rdf" in line:
                instruments += 1
                found = re.search(r"-syn-(\d+)>", line)
                if found:
                    families = max(families, int(found.group(1)))
    return families, instruments


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--store", type=Path, help="a built store as template (default: the sources, no reasoner)"
    )
    arguments = parser.parse_args()
    template = (
        Template.from_store(arguments.store)
        if arguments.store
        else Template.from_sources(Settings.from_env())
    )
    stats = write_nquads(template, arguments.out, triples=arguments.triples, seed=arguments.seed)
    print(f"{stats.quads} quads, {stats.instruments} instruments, {stats.families} families")


if __name__ == "__main__":
    main()
