"""rdflib-endpoint over rdflib's in-memory graph: the peer "what a Python user would pick today".

``python -m benchmarks.rdflib_server graph.nq PORT`` parses the N-Quads into an in-memory
``rdflib.Dataset`` whose default graph is the union of its named graphs (as the project's server
answers), prints the load time as ``loaded in N s`` and serves it with ``rdflib_endpoint`` at
``http://127.0.0.1:PORT/sparql`` (uvicorn, one process).
"""

from __future__ import annotations

import sys
import time

import uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint


def main() -> None:
    path, port = sys.argv[1], int(sys.argv[2])
    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(path, format="nquads")
    print(f"loaded in {time.perf_counter() - started:.3f} s", flush=True)
    app = SparqlEndpoint(graph=dataset, path="/sparql", cors_enabled=False)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
