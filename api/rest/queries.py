"""The SPARQL behind each REST resource (plain SPARQL 1.1, for any engine).

Each *keys* query finds the resources of a response and their order; the details are then read
by :class:`api.rest.facts.Facts`. Rules followed by every query here:

- **values from requests are bound, never pasted**: a filter adds a fixed fragment that names a
  variable (``?actor``, ``?theme``, ``?q`` …) and the value is passed in ``bindings``. Bound
  variables are always projected (pyoxigraph substitutes only projected variables) and used in
  the top-level group, so an engine that receives them as a ``VALUES`` block sees them too;
- the default graph is the union of the project's graphs. Paths such as ``ocsea:partOf+`` and
  ``skos:broader*`` make the answers the same with or without the reasoner's ``inferred`` graph;
  ``DISTINCT`` or ``GROUP BY`` removes what a fact asserted and also inferred would duplicate;
  role triples (addressee, partner …) are read from the asserted graphs only, since the
  reasoner adds their super-property ``ocsea:concerns`` to each;
- **order**: statements strongest first (``ocsea:strength`` of the force), then by the
  instrument's adoption date (undated instruments last), the instrument's IRI, the provision's
  position and the statement's name in natural order (``st_2`` before ``st_10``). Provisions in
  reading order (``ocsea:position``).

Example (the statements addressed to the OSCE Secretariat)::

    >>> text, variables = statement_keys(actor=True, role=True)
    >>> sorted(variables)
    ['actor', 'inferredGraph', 'role']
"""

from __future__ import annotations

from functools import cache

from rdflib import URIRef

from api.namespaces import BASE_IRI, OCSEA, data_prefixes


def theme_schemes(base_iri: str = BASE_IRI) -> tuple[URIRef, URIRef]:
    """The two concept schemes of ``/api/themes``: the WeProtect backbone and the finer topics."""
    spaces = data_prefixes(base_iri)
    return spaces["theme"]["gsr"], spaces["topic"]["scheme"]


def _schemes(base_iri: str) -> str:
    return " ".join(f"<{scheme}>" for scheme in theme_schemes(base_iri))


UNDATED = "9999-12-31"
"""Sort key of an instrument without a date: after all dated ones."""

ROLES: dict[str, URIRef] = {
    "addressee": OCSEA.addressee,
    "partner": OCSEA.partner,
    "indirect_target": OCSEA.indirectTarget,
    "beneficiary": OCSEA.beneficiary,
    "concerned": OCSEA.concerns,
}
"""Role name in the API → the property that links a statement to an actor in that role."""

ROLE_VALUES = " ".join(f"<{prop}>" for prop in ROLES.values())

_DATE_KEY = f"""
  OPTIONAL {{ ?instrument ocsea:adoptionDate ?date }}
  BIND(COALESCE(STR(?date), "{UNDATED}") AS ?dateKey)"""

_STATEMENT_ORDER = (
    "ORDER BY DESC(?strength) ?dateKey STR(?instrument) ?position "
    "STRLEN(STR(?statement)) STR(?statement)"
)


def _project(variables: list[str]) -> str:
    return " ".join(f"?{name}" for name in variables)


def _lines(fragments: list[str]) -> str:
    return "\n  ".join(fragments)


# -- instruments ---------------------------------------------------------------------------------


def instrument_keys(one: bool = False) -> tuple[str, list[str]]:
    """Instruments (or the bound ``?instrument``) with their date key and counts, by date."""
    variables = ["instrument"] if one else []
    text = f"""
SELECT ?instrument ?dateKey ?provisions ?statements WHERE {{
  ?instrument a ocsea:EncodedInstrument .{_DATE_KEY}
  OPTIONAL {{
    SELECT ?instrument (COUNT(DISTINCT ?provision) AS ?provisions) WHERE {{
      ?provision ocsea:partOf+ ?instrument ; ocsea:position ?position .
    }} GROUP BY ?instrument
  }}
  OPTIONAL {{
    SELECT ?instrument (COUNT(DISTINCT ?statement) AS ?statements) WHERE {{
      ?statement ocsea:expressedIn ?provision .
      ?provision ocsea:partOf+ ?instrument .
    }} GROUP BY ?instrument
  }}
}}
ORDER BY ?dateKey STR(?instrument)
"""
    return text, variables


INSTRUMENT_NOTES = """
SELECT DISTINCT ?instrument ?note WHERE {
  ?note ocsea:about ?target .
  ?target (ocsea:partOf|ocsea:expressedIn)* ?instrument .
  ?instrument a ocsea:EncodedInstrument .
}
"""
"""Editorial notes about the bound ``?instrument``, its provisions or its statements."""


# -- provisions ----------------------------------------------------------------------------------


def provision_keys(*, one: bool = False, type_filter: bool = False) -> tuple[str, list[str]]:
    """Provisions of the bound ``?instrument`` in reading order, with statement counts.

    ``one``: only the bound ``?provision``; ``type_filter``: only those of the bound ``?type``
    (inferred superclasses count: ``ocsea:OperativeProvision`` gives every operative kind).
    """
    variables = ["instrument", "provision"] if one else ["instrument"]
    filters = ""
    if type_filter:
        variables.append("type")
        filters = "\n  ?provision a ?type ."
    keys = _project([*variables, *(["provision"] if not one else [])])
    text = f"""
SELECT {keys} ?position (COUNT(DISTINCT ?statement) AS ?statements) WHERE {{
  ?provision ocsea:partOf+ ?instrument ; ocsea:position ?position .
  ?instrument a ocsea:EncodedInstrument .{filters}
  OPTIONAL {{ ?statement ocsea:expressedIn ?provision }}
}}
GROUP BY {keys} ?position
ORDER BY ?position STR(?provision)
"""
    return text, variables


PROVISION_STATEMENTS = """
SELECT ?provision ?statement WHERE {
  ?statement ocsea:expressedIn ?provision .
}
ORDER BY STRLEN(STR(?statement)) STR(?statement)
"""
"""The statements of the bound ``?provision``, in document order."""

PROVISION_NOTES = """
SELECT DISTINCT ?provision ?note WHERE {
  ?note ocsea:about ?target .
  ?target ocsea:expressedIn? ?provision .
}
"""
"""Editorial notes about the bound ``?provision`` or one of its statements."""


# -- statements ----------------------------------------------------------------------------------


def statement_keys(
    *,
    actor: bool = False,
    role: bool = False,
    theme: bool = False,
    min_strength: bool = False,
    instrument: bool = False,
    qualifier: bool = False,
    text: bool = False,
) -> tuple[str, list[str]]:
    """Statements with their provision, instrument and sort keys, strongest first.

    Each flag adds the filter on one bound variable: ``?actor`` (in any role, or in the bound
    ``?role``), ``?theme`` (or a narrower concept), ``?minStrength``, ``?instrument``,
    ``?qualifier`` (or a narrower one), ``?q`` (case-insensitive substring of the provision's
    text). Returns the query and the names of the variables to bind.
    """
    variables: list[str] = []
    filters: list[str] = []
    if actor:
        variables.append("actor")
        if role:
            variables.append("role")
            filters.append("GRAPH ?roleGraph { ?statement ?role ?actor }")
        else:
            filters.append(
                f"VALUES ?anyRole {{ {ROLE_VALUES} }}\n"
                "  GRAPH ?roleGraph { ?statement ?anyRole ?actor }"
            )
        filters.append("FILTER(?roleGraph != ?inferredGraph)")
        variables.append("inferredGraph")
    if theme:
        variables.append("theme")
        filters.append("?statement ocsea:theme/skos:broader* ?theme .")
    if qualifier:
        variables.append("qualifier")
        filters.append("?statement ocsea:qualifier/skos:broader* ?qualifier .")
    if instrument:
        variables.append("instrument")
    if min_strength:
        variables.append("minStrength")
        filters.append("FILTER(BOUND(?strength) && ?strength >= ?minStrength)")
    if text:
        variables.append("q")
        filters.append(
            "?provision ocsea:text ?text .\n  FILTER(CONTAINS(LCASE(STR(?text)), LCASE(STR(?q))))"
        )
    projected = [v for v in variables if v != "instrument"]
    query = f"""
SELECT DISTINCT {_project(projected)} ?statement ?provision ?instrument ?strength ?dateKey ?position
WHERE {{
  ?statement a ocsea:NormativeStatement ;
             ocsea:expressedIn ?provision .
  ?provision ocsea:position ?position ;
             ocsea:partOf+ ?instrument .
  ?instrument a ocsea:EncodedInstrument .
  OPTIONAL {{ ?statement ocsea:deonticForce/ocsea:strength ?strength }}{_DATE_KEY}
  {_lines(filters)}
}}
{_STATEMENT_ORDER}
"""
    return query, variables


STATEMENT_ROLES = f"""
SELECT ?actor ?inferredGraph ?statement ?role WHERE {{
  VALUES ?role {{ {ROLE_VALUES} }}
  GRAPH ?roleGraph {{ ?statement ?role ?actor }}
  FILTER(?roleGraph != ?inferredGraph)
}}
"""
"""The asserted roles of the bound ``?actor`` in each statement."""


# -- actors --------------------------------------------------------------------------------------

ACTORS = """
SELECT ?actor (SAMPLE(?englishLabel) AS ?label) WHERE {
  ?actor a ?class .
  ?class rdfs:subClassOf* ocsea:Actor .
  OPTIONAL { ?actor rdfs:label ?englishLabel FILTER(LANGMATCHES(LANG(?englishLabel), "en")) }
}
GROUP BY ?actor
"""
"""Every actor (any subclass of ``ocsea:Actor``), with an English label to sort by."""

ACTOR_EXISTS = """
SELECT ?actor WHERE {
  ?actor a ?class .
  ?class rdfs:subClassOf* ocsea:Actor .
}
LIMIT 1
"""

ACTOR_ROLES = f"""
SELECT ?inferredGraph ?actor ?role ?statement ?instrument WHERE {{
  VALUES ?role {{ {ROLE_VALUES} }}
  GRAPH ?roleGraph {{ ?statement ?role ?actor }}
  FILTER(?roleGraph != ?inferredGraph)
  ?statement ocsea:expressedIn ?provision .
  ?provision ocsea:partOf+ ?instrument .
  ?instrument a ocsea:EncodedInstrument .
}}
"""
"""Every (actor, role, statement, instrument), for the counts of ``/api/actors``."""


# -- themes, qualifiers, forces ------------------------------------------------------------------


@cache
def themes(base_iri: str = BASE_IRI) -> str:
    """The concepts of the two theme schemes, with how many broader concepts each has."""
    return f"""
SELECT ?concept ?scheme (SAMPLE(?notationValue) AS ?notation) (SAMPLE(?englishLabel) AS ?label)
       (COUNT(DISTINCT ?parent) AS ?broader)
WHERE {{
  VALUES ?scheme {{ {_schemes(base_iri)} }}
  ?concept skos:inScheme ?scheme .
  OPTIONAL {{ ?concept skos:notation ?notationValue }}
  OPTIONAL {{ ?concept rdfs:label ?englishLabel FILTER(LANGMATCHES(LANG(?englishLabel), "en")) }}
  OPTIONAL {{ ?concept skos:broader ?parent }}
}}
GROUP BY ?concept ?scheme
"""


@cache
def theme_exists(base_iri: str = BASE_IRI) -> str:
    """The concept ``?concept`` (bound by the caller) with its scheme, if it is a theme."""
    return f"""
SELECT ?concept ?scheme WHERE {{
  VALUES ?scheme {{ {_schemes(base_iri)} }}
  ?concept skos:inScheme ?scheme .
}}
"""


def theme_coverage(one: bool = False, base_iri: str = BASE_IRI) -> tuple[str, list[str]]:
    """Statements per (concept, instrument, force): the theme or a narrower concept."""
    variables = ["concept"] if one else []
    text = f"""
SELECT ?concept ?instrument ?force ?strength (COUNT(DISTINCT ?statement) AS ?statements) WHERE {{
  VALUES ?scheme {{ {_schemes(base_iri)} }}
  ?concept skos:inScheme ?scheme .
  ?statement ocsea:theme/skos:broader* ?concept ;
             ocsea:expressedIn ?provision .
  ?provision ocsea:partOf+ ?instrument .
  ?instrument a ocsea:EncodedInstrument .
  OPTIONAL {{
    ?statement ocsea:deonticForce ?force .
    OPTIONAL {{ ?force ocsea:strength ?strength }}
  }}
}}
GROUP BY ?concept ?instrument ?force ?strength
"""
    return text, variables


THEME_NARROWER = """
SELECT ?concept ?narrower WHERE { ?narrower skos:broader ?concept }
ORDER BY STRLEN(STR(?narrower)) STR(?narrower)
"""

QUALIFIERS = """
SELECT ?qualifier (COUNT(DISTINCT ?statement) AS ?statements) WHERE {
  ?qualifier a ocsea:Qualifier .
  OPTIONAL { ?statement ocsea:qualifier/skos:broader* ?qualifier }
}
GROUP BY ?qualifier
ORDER BY DESC(?statements) STR(?qualifier)
"""

QUALIFIER_EXISTS = "SELECT ?qualifier WHERE { ?qualifier a ocsea:Qualifier }"

FORCES = """
SELECT ?force ?strength (COUNT(DISTINCT ?statement) AS ?statements) WHERE {
  ?force a ocsea:DeonticForce .
  OPTIONAL { ?force ocsea:strength ?strength }
  OPTIONAL { ?statement ocsea:deonticForce ?force }
}
GROUP BY ?force ?strength
ORDER BY DESC(?strength) DESC(?statements) STR(?force)
"""


# -- citations and correspondences ---------------------------------------------------------------


def citation_keys(*, instrument: bool = False, work: bool = False) -> tuple[str, list[str]]:
    """(provision, work) pairs where a provision cites a work, in document order."""
    variables = []
    if instrument:
        variables.append("instrument")
    if work:
        variables.append("work")
    text = f"""
SELECT DISTINCT ?instrument ?provision ?work ?position ?dateKey WHERE {{
  ?provision ocsea:cites ?work ;
             ocsea:position ?position ;
             ocsea:partOf+ ?instrument .
  ?instrument a ocsea:EncodedInstrument .{_DATE_KEY}
}}
ORDER BY ?dateKey STR(?instrument) ?position STR(?work)
"""
    return text, variables


WORK_EXISTS = """
SELECT ?work WHERE { ?work a ?class . ?class rdfs:subClassOf* ocsea:Work } LIMIT 1
"""

CORRESPONDENCE_TYPE_EXISTS = "SELECT ?type WHERE { ?type a ocsea:CorrespondenceType }"

INSTRUMENT_EXISTS = "SELECT ?instrument WHERE { ?instrument a ocsea:EncodedInstrument }"

PROVISION_INSTRUMENT = """
SELECT ?provision ?instrument WHERE {
  ?provision ocsea:partOf+ ?instrument .
  ?instrument a ocsea:EncodedInstrument .
}
"""
"""The instrument of the bound ``?provision``."""


def correspondence_keys(
    *,
    instrument: bool = False,
    type_filter: bool = False,
    theme: bool = False,
    provision: bool = False,
) -> tuple[str, list[str]]:
    """Correspondences with both provisions and instruments, by the earlier one's date."""
    variables: list[str] = []
    filters: list[str] = []
    if instrument:
        variables.append("instrument")
        filters.append("FILTER(?fromInstrument = ?instrument || ?toInstrument = ?instrument)")
    if type_filter:
        variables.append("type")
        filters.append("?correspondence ocsea:correspondenceType ?type .")
    if theme:
        variables.append("theme")
        filters.append("?correspondence ocsea:onCapability/skos:broader* ?theme .")
    if provision:
        variables.append("provision")
        filters.append("FILTER(?from = ?provision || ?to = ?provision)")
    text = f"""
SELECT DISTINCT {_project(variables)} ?correspondence ?from ?to ?fromInstrument ?toInstrument
       ?dateKey ?fromPosition ?toPosition
WHERE {{
  ?correspondence a ocsea:Correspondence ;
                  ocsea:fromProvision ?from ;
                  ocsea:toProvision ?to .
  ?from ocsea:position ?fromPosition ; ocsea:partOf+ ?fromInstrument .
  ?fromInstrument a ocsea:EncodedInstrument .
  ?to ocsea:position ?toPosition ; ocsea:partOf+ ?toInstrument .
  ?toInstrument a ocsea:EncodedInstrument .
  OPTIONAL {{ ?fromInstrument ocsea:adoptionDate ?date }}
  BIND(COALESCE(STR(?date), "{UNDATED}") AS ?dateKey)
  {_lines(filters)}
}}
ORDER BY ?dateKey STR(?fromInstrument) ?fromPosition STR(?toInstrument) ?toPosition
         STR(?correspondence)
"""
    return text, variables
