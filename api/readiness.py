"""``GET /ready``: can the server answer queries now? (for load balancers and orchestrators).

``/health`` says the process is alive and how big the store is; ``/ready`` says whether to send it
traffic:

- **200** ``{"ready": true, "checks": {...}}`` when the store answers a query within 2 s and, on
  the embedded store with query workers (``OCSEA_QUERY_WORKERS`` > 0), at least one worker process
  is up (after the first has started: workers are started in the background at startup);
- **503** ``{"ready": false, "reasons": [...], "checks": {...}}`` otherwise, saying why (still
  starting, the store cannot answer, no query worker alive).

Workers busy with long queries still count as up: a server whose workers are all busy is slow,
not broken, and taking it out of rotation would not make those queries end sooner.

Example::

    $ curl -s http://127.0.0.1:8000/ready
    {"ready":true,"reasons":[],"checks":{"store":"ok","query_workers":"2 of 2 up"}}
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.sparql.engine import SparqlEngine
from api.sparql.isolation import QueryProcessPool

router = APIRouter()

STORE_CHECK_SECONDS = 2.0


def _workers_up(pool: QueryProcessPool) -> tuple[int, int, bool]:
    """(ready and alive worker processes, configured workers, whether one is ready)."""
    ready = pool.ready_workers
    return ready, pool.size, ready > 0


async def _store_check(engine: SparqlEngine) -> str | None:
    """``None`` when the store answers a count within the limit, else why not."""
    repository = engine.repository
    try:
        await asyncio.wait_for(asyncio.to_thread(repository.count), STORE_CHECK_SECONDS)
    except TimeoutError:
        return f"the store did not answer within {STORE_CHECK_SECONDS:g} s"
    except Exception as exc:  # any failure of the store makes the server not ready
        return f"the store could not answer: {exc}"
    return None


@router.get(
    "/ready",
    summary="Is the server ready for traffic (store open, query workers up)",
    responses={503: {"description": "Not ready; the reasons are listed"}},
)
async def ready(request: Request) -> JSONResponse:
    """200 when the store answers and the query workers are up; 503 with the reasons."""
    engine: SparqlEngine | None = getattr(request.app.state, "engine", None)
    reasons: list[str] = []
    checks: dict[str, Any] = {}
    if engine is None:
        reasons.append("starting: the store is not open yet")
        checks["store"] = "not open"
    else:
        problem = await _store_check(engine)
        checks["store"] = problem or "ok"
        if problem:
            reasons.append(problem)
        pool = engine.pool
        if pool is None:
            checks["query_workers"] = "none (queries run in threads)"
        else:
            state = request.app.state
            alive, size, any_idle = _workers_up(pool)
            if any_idle:
                state.query_workers_started = True
            started = bool(getattr(state, "query_workers_started", False))
            checks["query_workers"] = f"{alive} of {size} up"
            if not started:
                reasons.append(f"starting: no query worker is ready yet ({alive} of {size} alive)")
            elif alive == 0:
                reasons.append(f"no query worker process is alive (0 of {size})")
    status = 503 if reasons else 200
    return JSONResponse(
        {"ready": not reasons, "reasons": reasons, "checks": checks}, status_code=status
    )
