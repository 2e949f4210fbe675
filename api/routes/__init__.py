"""HTTP routes of the app (see :mod:`api.app`): :mod:`api.routes.sparql` serves ``/sparql``."""
