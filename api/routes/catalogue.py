"""The query catalogue (``queries/*.rq``) as parameterised HTTP endpoints."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
