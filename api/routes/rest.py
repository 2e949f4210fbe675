"""REST resources over the graph (JSON, and RDF by content negotiation)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
