"""``POST /validate``: SHACL validation of uploaded Turtle or JSON-LD."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
