"""Former home of the endpoint, kept as an import shim: the endpoint now lives in perfkg.web (Starlette, uvicorn)."""
from perfkg.web.sparql import GRAPH_OFFERS, RESULT_OFFERS, negotiate, parse_accept  # noqa: F401
