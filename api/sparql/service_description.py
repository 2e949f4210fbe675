"""The SPARQL 1.1 Service Description of the endpoint (answered to a ``GET`` without a query).

It says: the endpoint IRI, the languages (SPARQL 1.1 Query; Update too when writes are
enabled), the result formats, that the default graph is the union of the named graphs
(``sd:UnionDefaultGraph``), and the default dataset with one ``sd:namedGraph`` per graph of the
store. ``SERVICE`` federation is disabled, so ``sd:BasicFederatedQuery`` is not claimed.

Example::

    >>> text = service_description("http://localhost:8000/sparql", ["urn:g"], writable=False)
    >>> "sd:endpoint <http://localhost:8000/sparql>" in text and "SPARQL11Update" not in text
    True
"""

from __future__ import annotations

from collections.abc import Iterable

# W3C format IRIs (http://www.w3.org/ns/formats/) for what the endpoint can write.
_RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


def service_description(endpoint: str, graphs: Iterable[str], *, writable: bool) -> str:
    """The description, in Turtle, of the endpoint at ``endpoint`` serving ``graphs``."""
    languages = "sd:SPARQL11Query" + (", sd:SPARQL11Update" if writable else "")
    formats = ", ".join(f"formats:{name}" for name in _RESULT_FORMATS)
    named = "".join(
        f"        sd:namedGraph [ a sd:NamedGraph ; sd:name <{g}> ] ;\n" for g in graphs
    )
    return (
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n"
        "@prefix formats: <http://www.w3.org/ns/formats/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "\n"
        f"<{endpoint}#service> a sd:Service ;\n"
        f"    sd:endpoint <{endpoint}> ;\n"
        f"    sd:supportedLanguage {languages} ;\n"
        f"    sd:resultFormat {formats} ;\n"
        "    sd:feature sd:UnionDefaultGraph ;\n"
        '    rdfs:comment "OCSEA Obligations Graph. The default graph is the union of the named '
        'graphs. SERVICE federation is disabled." ;\n'
        "    sd:defaultDataset [\n"
        "        a sd:Dataset ;\n"
        "        sd:defaultGraph [ a sd:Graph ] ;\n"
        f"{named}"
        "    ] .\n"
    )
