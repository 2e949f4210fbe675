"""OCSEA Obligations Graph: load, validate, reason over and store the graph of five instruments.

The package is small on purpose; each module does one thing:

- :mod:`api.settings`: where things are (project root, ontology, data, shapes, store).
- :mod:`api.namespaces`: RDF namespaces and the one place that mints IRIs.
- :mod:`api.loading`: parse Turtle/JSON-LD sources into named graphs, with error positions.
- :mod:`api.validation`: SHACL validation with pySHACL and a readable report.
- :mod:`api.reasoning`: OWL reasoning with Pellet (HermiT as fallback) through owlready2.
- :mod:`api.store`: the triple store (pyoxigraph) behind a small ``Repository`` interface.
- :mod:`api.build`: the pipeline load → validate → reason → store.
- :mod:`api.cli`: the ``ocsea`` command.
"""

__version__ = "0.1.0"
