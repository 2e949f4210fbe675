"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/rdf-graph-store``."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
