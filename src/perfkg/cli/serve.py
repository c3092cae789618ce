"""`perfkg serve --store DIR`: the read-only SPARQL 1.1 endpoint (see perfkg.serve)."""
from perfkg.serve import register  # noqa: F401  (the command is defined beside the endpoint it runs)
