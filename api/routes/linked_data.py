"""Linked data: ``/id/{rest}`` dereferencing, the ontology, shapes, dumps, VoID."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
